#!/usr/bin/env python3
"""What the html format costs on a big scan (run by hand).

    bench/html_corpus.py PLIMSOLL [CORPUS]

Scans the corpus (default: the shared one) with --format gnu and with
--format html, each to a file, and prints each run's wall time and peak
memory (the html plugin holds one file's text at a time, so its peak
should be the gnu run's plus about the largest file), the page's size
and its findings; then, when Chromium is installed, how long the page
takes to load, to list its rows once the script has run, and to apply a
click on a severity filter.
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "output"))
import html_report  # noqa: E402  (the tests' Chromium driver)


def run(argv):
    """Wall seconds and peak RSS (MB) of one child."""
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(argv[0], argv)
    _, _, usage = os.wait4(pid, 0)
    return time.monotonic() - start, usage.ru_maxrss / 1024


def main():
    exe = os.path.abspath(sys.argv[1])
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        HERE, "..", "..", "shared", "corpus")
    with tempfile.TemporaryDirectory() as d:
        page = os.path.join(d, "report.html")
        for fmt, out in (("gnu", os.path.join(d, "report.txt")),
                         ("html", page)):
            secs, mb = run([exe, "scan", "-j2", "--format", fmt, "-o", out,
                            corpus])
            print("%-5s %7.2f s %8.1f MB peak" % (fmt, secs, mb))
        with open(page, "rb") as f:
            data = f.read()
        print("page: %.1f MB, %d findings, %d regions" % (
            len(data) / 1e6, data.count(b'<article class="finding'),
            data.count(b'<div class="at">')))
        browser = html_report.chromium()
        if browser is None:
            print("no chromium: the page was not opened")
            return
        html_report.PLIMSOLL = exe
        b = html_report.Chromium(browser, os.path.join(d, "profile"))
        try:
            start = time.monotonic()
            b.call("Page.navigate", session=True, url="file://" + page)
            deadline = time.monotonic() + 600
            while b.read(deadline).get("method") != "Page.loadEventFired":
                pass
            print("chromium: loaded in %.1f s" % (time.monotonic() - start))
            start = time.monotonic()
            shown = b.js("document.getElementById('shown').textContent")
            print("chromium: %s (%.1f s)" % (shown,
                                             time.monotonic() - start))
            start = time.monotonic()
            b.click("input[value=low]")
            shown = b.js("document.getElementById('shown').textContent")
            print("chromium: click on low: %s (%.1f s)" % (
                shown, time.monotonic() - start))
        finally:
            b.close()


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()

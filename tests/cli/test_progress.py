#!/usr/bin/env python3
"""The progress line of `plimsoll scan`, on a pseudo-terminal.

usage: test_progress.py PLIMSOLL

Each scan reads a Dockerfile from standard input, which the test holds
back for a moment, beside another file, with two jobs: the run waits on
that unit long enough for a person to want progress. The line must appear
on stderr when it is a terminal, be redrawn at most ten times a second
and be cleared at the end, and never appear when stderr is not a terminal,
when CI is set, with TERM=dumb or with --no-progress; --progress forces
it. Output on the same terminal is not broken by it.
"""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
import unittest

PLIMSOLL = None
HOLD = 0.6  # seconds standard input is held back once the run reads it
DOCKERFILE = b"FROM alpine:3.19\nRUN sudo apk add curl\nUSER root\n"
LINE = re.compile(rb"\r\x1b\[Kscanning: (\d+) of (\d+) files?")
CLEAR = b"\r\x1b[K"


def wait_for_stdin_read(pid, limit=30):
    """Waits until a thread of pid sleeps reading a pipe (its standard
    input, the only pipe it reads): the run has started, whatever the
    start-up cost (a sanitizer build's is seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            tasks = os.listdir("/proc/%d/task" % pid)
        except OSError:
            return
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/wchan" % (pid, t)) as f:
                    wchan = f.read()
            except OSError:
                continue
            if "pipe_read" in wchan or "pipe_wait" in wchan:
                return
        time.sleep(0.02)


def scan(*args, tty_err=True, tty_out=False, env=None):
    """Runs a scan; returns (stdout, stderr, seconds, status)."""
    e = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    e.update({"NO_COLOR": "1", "TERM": "xterm"})
    e.update(env or {})
    with tempfile.TemporaryDirectory() as d:
        other = os.path.join(d, "other", "Dockerfile")
        os.makedirs(os.path.dirname(other))
        with open(other, "wb") as f:
            f.write(DOCKERFILE)
        master = slave = None
        if tty_err or tty_out:
            master, slave = pty.openpty()
        # Standard output to a file: a pipe nobody reads while the
        # terminal is read would fill.
        out_file = open(os.path.join(d, "stdout"), "w+b")
        start = time.monotonic()
        proc = subprocess.Popen(
            [PLIMSOLL, "scan", "--jobs", "2", "--stdin-filename",
             "Dockerfile", *args, "-", os.path.relpath(other, d)],
            stdin=subprocess.PIPE,
            stdout=slave if tty_out else out_file,
            stderr=slave if tty_err else subprocess.PIPE, env=e, cwd=d)
        if slave is not None:
            os.close(slave)
        wait_for_stdin_read(proc.pid)
        time.sleep(HOLD)
        proc.stdin.write(DOCKERFILE)
        proc.stdin.close()
        screen = b""
        if master is not None:
            while True:
                ready = select.select([master], [], [], 30)[0]
                if not ready:
                    break
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                screen += chunk
            os.close(master)
        err = b"" if tty_err else proc.stderr.read()
        status = proc.wait(timeout=60)
        out_file.seek(0)
        out = out_file.read()
        out_file.close()
        seconds = time.monotonic() - start
        if tty_out:
            out = screen
        if tty_err:
            err = screen
        if proc.stderr is not None:
            proc.stderr.close()
        return out, err, seconds, status


class Progress(unittest.TestCase):
    def test_a_terminal_shows_progress_throttled_and_cleared(self):
        out, err, seconds, status = scan("--format", "json")
        self.assertEqual(status, 1, err)
        draws = LINE.findall(err)
        self.assertTrue(draws, err)
        for done, total in draws:
            self.assertEqual(total, b"2")
            self.assertLessEqual(int(done), 2)
        # At most ten a second (the first one after a quarter second).
        self.assertLessEqual(len(draws), int(seconds * 10) + 1)
        self.assertTrue(err.endswith(CLEAR), err[-80:])
        self.assertIn(b'"rule": "sudo-in-build"', out)

    def test_no_progress_when_stderr_is_not_a_terminal(self):
        out, err, _, status = scan("--format", "json", tty_err=False)
        self.assertEqual(status, 1, err)
        self.assertNotIn(b"scanning", err)
        self.assertNotIn(b"\x1b", err)

    def test_no_progress_in_ci_logs_or_dumb_terminals(self):
        for env in ({"CI": "true"}, {"CI": "1"}, {"TERM": "dumb"}):
            _, err, _, _ = scan("--format", "json", env=env)
            self.assertNotIn(b"scanning", err, env)
        _, err, _, _ = scan("--format", "json", env={"CI": "false"})
        self.assertIn(b"scanning", err)

    def test_options_decide_over_the_terminal(self):
        _, err, _, _ = scan("--format", "json", "--no-progress")
        self.assertNotIn(b"scanning", err)
        _, err, _, _ = scan("--format", "json", "--progress", tty_err=False,
                            env={"CI": "true"})
        self.assertTrue(LINE.findall(err), err)
        self.assertTrue(err.endswith(CLEAR))

    def test_output_on_the_same_terminal_stays_whole(self):
        screen, _, _, status = scan("--format", "text", tty_out=True)
        self.assertEqual(status, 1)
        self.assertTrue(LINE.findall(screen), screen)
        text = LINE.sub(b"", screen.replace(b"\r\n", b"\n"))
        text = text.replace(CLEAR, b"")
        expected, _, _, _ = scan("--format", "text", tty_err=False)
        def timeless(b):
            return re.sub(r" in [0-9.]+s\.", " in TIME.", b.decode())
        self.assertEqual(timeless(text), timeless(expected))


def main():
    global PLIMSOLL
    PLIMSOLL = os.path.abspath(sys.argv[1])
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Progress)
    ok = unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

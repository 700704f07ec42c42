#!/usr/bin/env python3
"""The html format, as a person would meet it.

usage: html_report.py PLIMSOLL            the page's structure (html.parser)
       html_report.py --browser PLIMSOLL  what headless Chromium shows

One scan of a small hostile tree writes json and html side by side; the
page must list every finding of the json in the same order, mark each
span at its exact columns (a multi-line span on each of its lines, a long
line in the window the engine quotes), show the file's own text escaped
(a `</script>` in a Dockerfile stays text), list the notifications, and
fetch nothing. In a browser (--browser; exit 77 without Chromium) the
script lists the findings and hides the rows a `#severity=` or `#rule=`
address leaves out.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import select
import tempfile
import time
import unittest

PLIMSOLL = None
VOID = {"meta", "input", "br", "link", "img", "hr", "wbr", "source"}

LONG_PAD = "é" * 700 + "x" * 400


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Nodes and str

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def find_all(self, tag, cls=None):
        return [n for n in self.walk() if n.tag == tag and
                (cls is None or cls in n.classes())]

    def text(self, skip=()):
        out = []
        for c in self.children:
            if isinstance(c, str):
                out.append(c)
            elif not set(c.classes()) & set(skip):
                out.append(c.text(skip))
        return "".join(out)


class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is None:
            raise AssertionError("stray </%s>" % tag)
        self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text):
    t = Tree()
    t.feed(text)
    t.close()
    return t.root


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def make_tree(top):
    write(os.path.join(top, "app", "Dockerfile"),
          "FROM ubuntu:latest\n"
          "# </script><script>alert(1)</script>\n"
          "RUN echo \"<script>alert('x')</script>\" && \\\n"
          "    apt-get install -y curl && \\\n"
          "    sudo rm -rf /x\n"
          "USER root\n")
    write(os.path.join(top, "crlf", "Dockerfile"),
          "FROM alpine:3.19\r\nRUN apk add --no-cache curl\r\n"
          "USER root\r\n")
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "annotations": {"pad": LONG_PAD}},
           "spec": {"containers": [{
               "name": "c", "image": "nginx:1.25",
               "securityContext": {"privileged": True}}]}}
    write(os.path.join(top, "long", "pod.json"),
          json.dumps(pod, ensure_ascii=False) + "\n")
    write(os.path.join(top, "bad", "compose.yaml"),
          "services:\n  web:\n    image: [unclosed\n")


def scan(top, *args):
    out_json = os.path.join(top, "out.json")
    out_html = os.path.join(top, "out.html")
    r = subprocess.run([PLIMSOLL, "scan", "--jobs", "2", "--format", "json",
                        "-o", out_json, "--format", "html", "-o", out_html,
                        *args], cwd=top, capture_output=True, timeout=120)
    assert r.returncode in (0, 1, 2), r.stderr
    with open(out_json, encoding="utf-8") as f:
        data = json.load(f)
    with open(out_html, encoding="utf-8") as f:
        page = f.read()
    return data, page


def code_points(s):
    return len(s)


def mark_columns(line):
    """Each <mark> of a source line as (first column, end column)."""
    col = int(line.attrs.get("data-col", "1"))
    spans = []
    for c in line.children:
        if isinstance(c, str):
            col += code_points(c)
        elif "n" in c.classes() or "cut" in c.classes():
            continue
        elif c.tag == "mark":
            n = code_points(c.text())
            spans.append((col, col + n))
            col += n
        else:
            col += code_points(c.text())
    return spans


class Structure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        make_tree(cls.tmp)
        cls.data, cls.page = scan(cls.tmp, ".")
        cls.doc = parse(cls.page)
        cls.rows = cls.doc.find_all("article", "finding")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_every_finding_is_a_row_in_order(self):
        findings = self.data["findings"]
        self.assertGreaterEqual(len(findings), 8)
        self.assertEqual(len(self.rows), len(findings))
        for row, f in zip(self.rows, findings):
            self.assertEqual(row.attrs["data-rule"], f["rule"])
            self.assertEqual(row.attrs["data-severity"], f["severity"])
            msg = row.find_all("span", "msg")[0].text()
            self.assertEqual(msg, f["message"])
            # In the box of its region, in its file's section.
            self.assertIn("at", row.parent.classes())
            section = row.parent.parent
            self.assertEqual(section.attrs["data-path"], f["path"])
            fix = row.find_all("p", "fix")
            if f["fix"]:
                self.assertEqual(fix[0].text(), "Fix: " + f["fix"])

    def test_findings_at_one_region_share_one_box(self):
        regions = []
        for f in self.data["findings"]:
            key = (f["path"], json.dumps(f["region"], sort_keys=True))
            if not regions or regions[-1] != key:
                regions.append(key)
        boxes = self.doc.find_all("div", "at")
        self.assertEqual(len(boxes), len(regions))
        self.assertLess(len(boxes), len(self.rows))
        for box in boxes:
            self.assertEqual(len(box.find_all("pre")), 1)

    def test_each_span_is_marked_at_its_columns(self):
        checked_multi = checked_window = False
        for row, f in zip(self.rows, self.data["findings"]):
            reg = f["region"]
            lines = {int(l.attrs["data-line"]): l
                     for l in row.parent.find_all("span", "l")
                     if "data-line" in l.attrs}
            first = lines[reg["start_line"]]
            self.assertIn("hit", first.classes())
            marks = mark_columns(first)
            self.assertEqual(len(marks), 1, f)
            self.assertEqual(marks[0][0], reg["start_column"], f)
            if reg["end_line"] == reg["start_line"]:
                self.assertEqual(marks[0][1], reg["end_column"], f)
            else:
                checked_multi = True
                for k in range(reg["start_line"] + 1, reg["end_line"]):
                    self.assertTrue(mark_columns(lines[k]), (f, k))
                last = mark_columns(lines[reg["end_line"]])
                self.assertEqual(last, [(1, reg["end_column"])], f)
            if int(first.attrs.get("data-col", "1")) > 1:
                checked_window = True
                self.assertLess(len(first.text(skip=("n",)).encode()), 600)
            # The lines around it come from the file, in order.
            numbers = sorted(lines)
            self.assertEqual(numbers, list(range(numbers[0],
                                                 numbers[-1] + 1)))
        self.assertTrue(checked_multi, "no multi-line span in the tree")
        self.assertTrue(checked_window, "no long line in the tree")

    def test_long_lines_are_windowed_as_the_file_reads(self):
        with open(os.path.join(self.tmp, "long", "pod.json"),
                  encoding="utf-8") as f:
            line = f.read().rstrip("\n")
        self.assertGreater(len(line.encode()), 1900)
        windows = 0
        for box in self.doc.find_all("div", "at"):
            if box.parent.attrs["data-path"] != "long/pod.json":
                continue
            shown = box.find_all("span", "l")[0]
            col = int(shown.attrs.get("data-col", "1"))
            text = shown.text(skip=("n", "cut"))
            self.assertLessEqual(len(text.encode()), 480)
            self.assertEqual(line[col - 1:col - 1 + len(text)], text)
            cuts = [c for c in shown.children if isinstance(c, Node) and
                    "cut" in c.classes()]
            before = col > 1
            after = col - 1 + len(text) < len(line)
            self.assertEqual(len(cuts), before + after, (col, len(text)))
            windows += before
        self.assertGreater(windows, 0)

    def test_context_lines_are_the_files_text(self):
        row = [r for r in self.rows
               if r.attrs["data-rule"] == "sudo-in-build"][0]
        lines = [l.text(skip=("n",))
                 for l in row.parent.find_all("span", "l")]
        self.assertEqual(lines[0], "FROM ubuntu:latest")
        self.assertEqual(lines[1], "# </script><script>alert(1)</script>")
        self.assertEqual(lines[-1], "USER root")
        crlf = [r for r in self.rows if r.parent.parent.attrs["data-path"]
                == "crlf/Dockerfile"]
        self.assertTrue(crlf)
        for r in crlf:
            for l in r.parent.find_all("span", "l"):
                self.assertNotIn("\r", l.text())

    def test_hostile_text_stays_text(self):
        scripts = self.doc.find_all("script")
        self.assertEqual(len(scripts), 1, "only the page's own script")
        self.assertNotIn("<script>alert", self.page)
        self.assertIn("&lt;/script&gt;&lt;script&gt;alert(1)", self.page)

    def test_notifications_are_listed(self):
        notes = self.doc.find_all("div", "note")
        self.assertEqual(len(notes), len(self.data["notifications"]))
        self.assertTrue(any(n["path"] == "bad/compose.yaml"
                            for n in self.data["notifications"]))
        for n, want in zip(notes, self.data["notifications"]):
            self.assertEqual(n.parent.attrs["data-path"], want["path"])
            self.assertIn(want["message"], n.text())

    def test_summary_counts_and_filters(self):
        counts = {li.attrs["data-severity"]: int(li.find_all("b")[0].text())
                  for li in self.doc.find_all("li")
                  if "data-severity" in li.attrs}
        by_sev = self.data["summary"]["findings"]
        for sev, n in by_sev.items():
            self.assertEqual(counts[sev], n, sev)
        options = [o.attrs["value"] for o in self.doc.find_all("option")]
        self.assertEqual(options[0], "")
        self.assertEqual(sorted(options[1:]),
                         sorted({f["rule"] for f in self.data["findings"]}))
        boxes = [i.attrs["value"] for i in self.doc.find_all("input")]
        self.assertEqual(boxes, ["critical", "high", "medium", "low",
                                 "info"])

    def test_the_page_fetches_nothing(self):
        for n in self.doc.walk():
            for a in ("src", "href", "action", "srcset"):
                self.assertNotIn(a, n.attrs, n.tag)
            self.assertNotIn(n.tag, ("link", "iframe", "img", "object"))
        csp = [m for m in self.doc.find_all("meta")
               if m.attrs.get("http-equiv") == "Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp[0].attrs["content"])

    def test_standard_input_shows_its_first_line_alone(self):
        r = subprocess.run([PLIMSOLL, "scan", "--format", "html",
                            "--stdin-filename", "Dockerfile", "-"],
                           input=b"FROM alpine:3.19\n\nUSER root\n",
                           capture_output=True, timeout=60, cwd=self.tmp)
        doc = parse(r.stdout.decode())
        row = [a for a in doc.find_all("article", "finding")
               if a.attrs["data-rule"] == "runs-as-root"][0]
        lines = row.parent.find_all("span", "l")
        self.assertEqual(len(lines), 1)
        self.assertEqual(mark_columns(lines[0]), [(6, 10)])

    def test_no_findings_is_a_complete_page(self):
        with tempfile.TemporaryDirectory() as d:
            write(os.path.join(d, "Dockerfile"),
                  "FROM alpine:3.19@sha256:" + "a" * 64 + "\n")
            data, page = scan(d, "--no-builtin", ".")
            doc = parse(page)
            self.assertEqual(data["findings"], [])
            self.assertEqual(doc.find_all("article"), [])
            summary = [s for s in doc.find_all("section")
                       if s.attrs.get("id") == "summary"][0]
            self.assertIn("No findings", summary.text())
            self.assertTrue(page.rstrip().endswith("</html>"))


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe
    (--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4),
    so one browser serves every case with the standard library alone."""

    def __init__(self, path, profile):
        to_browser = os.pipe()
        from_browser = os.pipe()

        def fds():
            # Through fresh copies: a pipe may already be fd 3 or 4, and
            # dup2 onto itself would keep it closed on exec.
            r, w = os.dup(to_browser[0]), os.dup(from_browser[1])
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [path, "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile,
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        os.close(to_browser[0])
        os.close(from_browser[1])
        self.w, self.r = to_browser[1], from_browser[0]
        self.buf = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", url="about:blank")
        self.session = self.call("Target.attachToTarget",
                                 targetId=target["targetId"],
                                 flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise AssertionError("Chromium did not answer")
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                raise AssertionError("Chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=False, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 30
        while True:
            m = self.read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise AssertionError("%s: %s" % (method, m["error"]))
                return m["result"]
            self.events.append(m)

    def wait_event(self, method):
        deadline = time.monotonic() + 30
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    del self.events[i]
                    return m
            self.events.append(self.read(deadline))

    def open(self, url):
        self.events.clear()
        self.call("Page.navigate", session=True, url="about:blank")
        self.wait_event("Page.loadEventFired")
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression):
        r = self.call("Runtime.evaluate", session=True,
                      expression=expression, returnByValue=True)
        return r["result"].get("value")

    def dom(self):
        return parse(self.js("document.documentElement.outerHTML"))

    def click(self, selector):
        """A mouse click at the middle of the element, as a person's."""
        box = self.js("(function(){var r=document.querySelector(%s)"
                      ".getBoundingClientRect();return [r.x+r.width/2,"
                      "r.y+r.height/2]})()" % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind,
                      x=box[0], y=box[1], button="left", clickCount=1)

    def close(self):
        try:
            self.call("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        make_tree(cls.tmp)
        cls.data, _ = scan(cls.tmp, ".")
        cls.url = "file://" + os.path.join(cls.tmp, "out.html")
        cls.browser = Chromium(chromium(), os.path.join(cls.tmp, "profile"))

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        shutil.rmtree(cls.tmp)

    def test_a_click_on_a_severity_hides_its_rows(self):
        self.browser.open(self.url)
        self.browser.click("input[value=low]")
        doc = self.browser.dom()
        rows = doc.find_all("article", "finding")
        hidden = [r.attrs["data-severity"] for r in rows
                  if "hidden" in r.attrs]
        low = [f for f in self.data["findings"] if f["severity"] == "low"]
        self.assertTrue(low)
        self.assertEqual(hidden, ["low"] * len(low))
        # The filtered view is a link.
        self.assertEqual(self.browser.js("location.hash"),
                         "#severity=critical,high,medium,info")

    def shown(self, doc):
        return [o for o in doc.find_all("output")][0].text()

    def test_every_finding_is_listed_after_the_script_runs(self):
        self.browser.open(self.url)
        doc = self.browser.dom()
        rows = doc.find_all("article", "finding")
        self.assertEqual(len(rows), len(self.data["findings"]))
        self.assertFalse([r for r in rows if "hidden" in r.attrs])
        # The script rewrote the count: it ran.
        self.assertEqual(self.shown(doc), "Showing all %d findings" %
                         len(rows))

    def test_a_severity_in_the_address_hides_the_other_rows(self):
        self.browser.open(self.url + "#severity=high")
        doc = self.browser.dom()
        rows = doc.find_all("article", "finding")
        visible = [r for r in rows if "hidden" not in r.attrs]
        want = [f for f in self.data["findings"] if f["severity"] == "high"]
        self.assertTrue(want)
        self.assertLess(len(want), len(rows))
        self.assertEqual([r.attrs["data-rule"] for r in visible],
                         [f["rule"] for f in want])
        self.assertEqual(self.shown(doc), "Showing %d of %d findings" %
                         (len(want), len(rows)))
        for box in doc.find_all("div", "at"):
            keep = [r for r in box.find_all("article", "finding")
                    if "hidden" not in r.attrs]
            self.assertEqual("hidden" not in box.attrs, bool(keep))
        # A file with nothing left to show is hidden, one with a
        # notification is not.
        for section in doc.find_all("section", "file"):
            keep = section.find_all("div", "note") or [
                r for r in section.find_all("article", "finding")
                if "hidden" not in r.attrs]
            self.assertEqual("hidden" not in section.attrs, bool(keep),
                             section.attrs["data-path"])

    def test_a_rule_in_the_address_hides_the_other_rules(self):
        self.browser.open(self.url + "#rule=runs-as-root")
        doc = self.browser.dom()
        rows = doc.find_all("article", "finding")
        visible = [r.attrs["data-rule"] for r in rows
                   if "hidden" not in r.attrs]
        want = [f for f in self.data["findings"]
                if f["rule"] == "runs-as-root"]
        self.assertEqual(visible, ["runs-as-root"] * len(want))
        self.assertGreaterEqual(len(want), 2)


def main():
    global PLIMSOLL
    args = sys.argv[1:]
    browser = args and args[0] == "--browser"
    if browser:
        args = args[1:]
    PLIMSOLL = os.path.abspath(args[0])
    if browser and chromium() is None:
        print("SKIP: no chromium (tests/install-deps.sh installs it)")
        sys.exit(77)
    cls = Browser if browser else Structure
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(cls)
    ok = unittest.TextTestRunner(verbosity=2).run(suite).wasSuccessful()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""A small LSP client for the tests: frames messages, reads the server's
on a thread, and waits for the ones a test expects."""
import json
import os
import queue
import subprocess
import threading
import time


def frame(message):
    body = json.dumps(message).encode() if not isinstance(message, bytes) \
        else message
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, exe, *args, cwd=None):
        self.proc = subprocess.Popen([exe, "lsp", *args],
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.inbox = queue.Queue()
        self.next_id = 1
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            self.inbox.put(json.loads(out.read(length)))

    def write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        self.write(frame(message))

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method,
                   "params": params if params is not None else {}})

    def request(self, method, params=None):
        """Sends a request; returns its id."""
        rid = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return rid

    def wait(self, match, timeout=10.0, skipped=None):
        """The first message for which match(message) is true; the others
        read on the way go to `skipped` when it is a list."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for a message")
            try:
                m = self.inbox.get(timeout=left)
            except queue.Empty:
                raise AssertionError("timed out waiting for a message")
            if m is None:
                raise AssertionError("the server closed its output")
            if match(m):
                return m
            if skipped is not None:
                skipped.append(m)

    def response(self, rid, timeout=10.0):
        return self.wait(lambda m: m.get("id") == rid and
                         ("result" in m or "error" in m), timeout)

    def call(self, method, params=None, timeout=10.0):
        return self.response(self.request(method, params), timeout)

    def diagnostics(self, uri, timeout=10.0, version=None):
        def match(m):
            p = m.get("params") or {}
            return m.get("method") == "textDocument/publishDiagnostics" \
                and p.get("uri") == uri and \
                (version is None or p.get("version") == version)
        return self.wait(match, timeout)["params"]["diagnostics"]

    def initialize(self, capabilities=None):
        r = self.call("initialize", {"processId": os.getpid(),
                                     "rootUri": None,
                                     "capabilities": capabilities or {}})
        self.notify("initialized")
        return r

    def open(self, uri, language, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": version,
            "text": text}})

    def change(self, uri, version, changes):
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": changes})

    def finish(self, timeout=10.0):
        """shutdown, exit; returns the exit status."""
        r = self.call("shutdown")
        assert r.get("result", "missing") is None, r
        self.notify("exit")
        return self.close(timeout)

    def close(self, timeout=10.0):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        return self.proc.wait(timeout)

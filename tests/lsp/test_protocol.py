#!/usr/bin/env python3
"""plimsoll lsp at the protocol level: a client over pipes.

usage: test_protocol.py PLIMSOLL [TEST...]
"""
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Server, frame  # noqa: E402

EXE = None
TMP = None
TESTS = []


SHARED = None


def shared():
    """One server for the tests that need nothing of their own: each
    start costs the policies' loading (a second under sanitizers)."""
    global SHARED
    if SHARED is None:
        SHARED = Server(EXE)
        SHARED.initialize()
    return SHARED


def test(fn):
    TESTS.append(fn)
    return fn


def uri(path):
    return "file://" + path


def write(name, text):
    path = os.path.join(TMP, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def codes(diagnostics):
    return sorted(d["code"] for d in diagnostics)


def by_code(diagnostics, code):
    found = [d for d in diagnostics if d["code"] == code]
    assert found, "no %s in %s" % (code, codes(diagnostics))
    return found[0]


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def apply_edits(text, edits):
    """Applies TextEdits (UTF-16 positions) the way a client does."""
    lines = text.split("\n")

    def offset(pos):
        before = "\n".join(lines[:pos["line"]])
        base = len(before) + (1 if pos["line"] > 0 else 0)
        line = lines[pos["line"]] if pos["line"] < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= pos["character"]:
                return base + i
            units += utf16_len(ch)
        return base + len(line)
    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"],
                                          e["range"]["start"]["character"]),
                    reverse=True):
        a, b = offset(e["range"]["start"]), offset(e["range"]["end"])
        text = text[:a] + e["newText"] + text[b:]
    return text


@test
def initialize_declares_capabilities():
    s = Server(EXE)
    r = s.initialize()
    caps = r["result"]["capabilities"]
    assert caps["textDocumentSync"]["change"] == 2, caps
    assert caps["textDocumentSync"]["openClose"] is True
    assert caps["codeActionProvider"]["codeActionKinds"] == ["quickfix"]
    assert caps["hoverProvider"] is True
    assert r["result"]["serverInfo"]["name"] == "plimsoll"
    assert s.finish() == 0


@test
def request_before_initialize_is_refused():
    s = Server(EXE)
    r = s.call("textDocument/hover", {"textDocument": {"uri": "file:///x"},
                                      "position": {"line": 0,
                                                   "character": 0}})
    assert r["error"]["code"] == -32002, r
    s.initialize()
    assert s.finish() == 0


@test
def framing_split_across_reads_and_joined_in_one():
    s = Server(EXE)
    data = frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"capabilities": {}}})
    # Header and body in pieces, the header cut inside "Content-Length".
    for cut in (3, 9, 17, len(data) - 5):
        pass
    pieces = [data[:3], data[3:9], data[9:17], data[17:-5], data[-5:]]
    for p in pieces:
        s.write(p)
        time.sleep(0.02)
    assert "result" in s.response(1)
    # Two messages in one write, with an extra header.
    body = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    two = (b"Content-Length: %d\r\nContent-Type: application/"
           b"vscode-jsonrpc; charset=utf-8\r\n\r\n" % len(body) +
           body.encode() + frame({"jsonrpc": "2.0", "method": "exit"}))
    s.write(two)
    assert s.response(2)["result"] is None
    assert s.close() == 0


@test
def malformed_messages_get_the_protocol_errors():
    s = Server(EXE)
    s.initialize()
    s.write(frame(b"{not json"))
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32700 and r["id"] is None, r
    s.write(frame(b"[1, 2]"))
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32600, r
    s.send({"id": 7, "method": "shutdown"})  # no "jsonrpc": "2.0"
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32600 and r["id"] == 7, r
    s.send({"jsonrpc": "2.0", "id": 8, "method": 42})
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32600 and r["id"] == 8, r
    s.send({"jsonrpc": "2.0", "id": {"x": 1}, "method": "shutdown"})
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32600 and r["id"] is None, r
    r = s.call("workspace/noSuchThing", {})
    assert r["error"]["code"] == -32601, r
    # A header block without Content-Length is dropped and said so; the
    # stream goes on.
    s.write(b"Content-Type: text/plain\r\n\r\n")
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32700 and "Content-Length" in \
        r["error"]["message"], r
    # An unknown notification gets no answer: the next reply is the
    # next request's.
    s.notify("$/setTrace", {"value": "off"})
    s.notify("custom/unknown", {})
    rid = s.request("shutdown")
    r = s.wait(lambda m: "id" in m)
    assert r["id"] == rid and r["result"] is None, r
    r = s.call("textDocument/hover", {})
    assert r["error"]["code"] == -32600, r  # after shutdown
    s.notify("exit")
    assert s.close() == 0


@test
def an_oversized_body_is_passed_over_not_read_as_headers():
    s = Server(EXE)
    s.initialize()
    s.write(b"Content-Length: 200000000\r\n\r\n")
    r = s.wait(lambda m: "error" in m)
    assert r["error"]["code"] == -32700 and "larger" in \
        r["error"]["message"], r
    # Bytes of that body that look like messages are not taken as such.
    s.write(b"Content-Length: 5\r\n\r\n" * 100000)
    assert s.close() == 1  # the stream ended inside the body
    rest = []
    try:
        s.wait(lambda m: False, timeout=5, skipped=rest)
    except AssertionError as e:
        assert "closed" in str(e), e
    assert rest == [], rest[:3]


@test
def exit_without_shutdown_is_status_1():
    s = Server(EXE)
    s.initialize()
    s.notify("exit")
    assert s.close() == 1
    s = Server(EXE)
    s.initialize()
    assert s.close() == 1  # the stream ended


@test
def dockerfile_diagnostics_carry_rule_range_and_severity():
    path = write("plain/Dockerfile", "FROM ubuntu\nRUN apt-get install curl\n")
    s = shared()
    s.open(uri(path), "dockerfile", open(path).read())
    ds = s.diagnostics(uri(path))
    root = by_code(ds, "runs-as-root")
    assert root["source"] == "plimsoll"
    assert root["severity"] == 1  # high
    assert root["range"] == {"start": {"line": 0, "character": 0},
                             "end": {"line": 0, "character": 11}}, root
    assert "fix" in root["data"]
    yes = by_code(ds, "apt-get-missing-yes")
    assert yes["severity"] == 2  # medium
    assert yes["range"]["start"] == {"line": 1, "character": 4}
    pinned = by_code(ds, "apt-package-unpinned")
    assert pinned["severity"] == 4  # info
    href = root.get("codeDescription", {}).get("href")
    assert href is None or href.startswith(("https://", "file://")), href


@test
def untitled_buffer_is_linted_by_content():
    s = shared()
    s.open("untitled:Untitled-1", "dockerfile", "FROM ubuntu:24.04\n")
    assert "runs-as-root" in codes(s.diagnostics("untitled:Untitled-1"))
    s.open("untitled:Untitled-2", "yaml",
           "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n"
           "  containers:\n    - name: a\n      image: a:1\n"
           "      securityContext: {privileged: true}\n")
    assert "privileged" in codes(s.diagnostics("untitled:Untitled-2"))


@test
def unsaved_buffer_is_linted_from_memory():
    # No such file on disk: the text comes from the client only.
    path = os.path.join(TMP, "nowhere", "Dockerfile")
    s = shared()
    s.open(uri(path), "dockerfile", "FROM alpine:3.20\nUSER root\n")
    assert "runs-as-root" in codes(s.diagnostics(uri(path)))


@test
def incremental_edits_count_utf16_units():
    path = write("utf16/Dockerfile", "")
    line = 'RUN echo "\U0001F600\u00e9" && apt-get install curl'
    text = "FROM alpine:3.20\n" + line + "\nUSER 10001\n"
    s = shared()
    s.open(uri(path), "dockerfile", text)
    ds = s.diagnostics(uri(path), version=1)
    yes = by_code(ds, "apt-get-missing-yes")
    # 'RUN echo "' is 10 units, the emoji 2, é 1, '" && ' 5.
    assert yes["range"]["start"] == {"line": 1, "character": 18}, yes
    end = utf16_len(line)
    assert yes["range"]["end"] == {"line": 1, "character": end}, yes
    # Insert " -y" after "install", in UTF-16 units; then, in the same
    # notification, the emoji's two units replaced by an ASCII word, and
    # an insertion at a unit inside the pair of a second emoji (it lands
    # before that character, never inside it).
    at = utf16_len('RUN echo "\U0001F600\u00e9" && apt-get install')
    s.change(uri(path), 2, [
        {"range": {"start": {"line": 1, "character": at},
                   "end": {"line": 1, "character": at}}, "text": " -y"},
        {"range": {"start": {"line": 1, "character": 10},
                   "end": {"line": 1, "character": 12}}, "text": "ok"},
        {"range": {"start": {"line": 0, "character": 0},
                   "end": {"line": 0, "character": 0}},
         "text": "# \U0001F600\n"},
        {"range": {"start": {"line": 0, "character": 3},
                   "end": {"line": 0, "character": 3}}, "text": "x"},
    ])
    ds = s.diagnostics(uri(path), version=2)
    assert "apt-get-missing-yes" not in codes(ds), codes(ds)
    other = by_code(ds, "apt-get-no-install-recommends")
    # 'RUN echo "ok\u00e9" && ' is 18 units now, one line further down.
    assert other["range"]["start"] == {"line": 2, "character": 18}, other
    # The comment line reads '# x' then the emoji: hover on it is empty,
    # and the text the server holds is what the client holds.
    s.change(uri(path), 3, [{"range": {"start": {"line": 0, "character": 2},
                                       "end": {"line": 0, "character": 3}},
                             "text": ""}])
    ds = s.diagnostics(uri(path), version=3)
    assert by_code(ds, "apt-get-no-install-recommends")["range"]["start"] \
        == {"line": 2, "character": 18}
    # A whole-text change (no range) replaces everything.
    s.change(uri(path), 4, [{"text": "FROM alpine:3.20\nUSER root\n"}])
    ds = s.diagnostics(uri(path), version=4)
    assert codes(ds) == ["runs-as-root"], codes(ds)
    assert by_code(ds, "runs-as-root")["range"]["start"]["line"] == 1


@test
def edits_across_lines_and_crlf():
    path = write("crlf/Dockerfile", "")
    s = shared()
    s.open(uri(path), "dockerfile",
           "FROM alpine:3.20\r\nRUN apk add curl\r\nUSER 10001\r\n")
    ds = s.diagnostics(uri(path), version=1)
    assert "apk-no-cache" in codes(ds), codes(ds)
    # Line 1 becomes a RUN continued over two lines that uses --no-cache
    # (the new text has a CR LF of its own).
    s.change(uri(path), 2, [{"range": {"start": {"line": 1, "character": 0},
                                       "end": {"line": 1, "character": 16}},
                             "text": "RUN apk add --no-cache \\\r\n curl"}])
    ds = s.diagnostics(uri(path), version=2)
    assert "apk-no-cache" not in codes(ds), codes(ds)


@test
def parse_errors_are_diagnostics_at_their_position():
    path = write("bad/pod.yaml", "")
    s = shared()
    s.open(uri(path), "yaml",
           "apiVersion: v1\nkind: Pod\nmetadata: {name: a\nspec:\n")
    ds = s.diagnostics(uri(path))
    syntax = by_code(ds, "yaml/syntax")
    assert syntax["severity"] == 1
    assert syntax["range"]["start"]["line"] == 3, syntax
    # A YAML file of none of the three formats shows nothing.
    other = write("bad/workflow.yaml", "")
    s.open(uri(other), "yaml", "name: ci\non: push\n")
    assert s.diagnostics(uri(other)) == []


@test
def compose_buffer_reads_the_dockerfile_it_builds_from_disk():
    d = os.path.join(TMP, "composed")
    write("composed/Dockerfile", "FROM alpine:3.20\nUSER root\n")
    compose = write("composed/compose.yaml",
                    "services:\n  web:\n    build: .\n")
    s = shared()
    s.open(uri(compose), "dockercompose", open(compose).read())
    root = by_code(s.diagnostics(uri(compose)), "runs-as-root")
    assert "Dockerfile" in root["message"], root
    # The Dockerfile changes on disk and is saved: the Compose file is
    # linted again and the finding goes.
    write("composed/Dockerfile", "FROM alpine:3.20\nUSER 10001\n")
    s.notify("textDocument/didSave",
             {"textDocument": {"uri": uri(os.path.join(d, "Dockerfile"))}})
    ds = s.diagnostics(uri(compose))
    assert "runs-as-root" not in codes(ds), codes(ds)


def ignore_and_check(s, path, text, language, rule, indent):
    s.open(uri(path), language, text)
    ds = s.diagnostics(uri(path), version=1)
    target = by_code(ds, rule)
    r = s.call("textDocument/codeAction", {
        "textDocument": {"uri": uri(path)}, "range": target["range"],
        "context": {"diagnostics": [target]}})
    actions = [a for a in r["result"] if a["title"].startswith("Ignore")]
    assert len(actions) == 1, r["result"]
    a = actions[0]
    assert a["kind"] == "quickfix" and rule in a["title"], a
    edits = a["edit"]["changes"][uri(path)]
    assert edits[0]["newText"] == "%s# plimsoll ignore=%s -- reason\n" % (
        indent, rule), edits
    new = apply_edits(text, edits)
    s.change(uri(path), 2, [{"text": new}])
    ds = s.diagnostics(uri(path), version=2)
    assert rule not in codes(ds), (rule, codes(ds), new)
    return new


@test
def code_action_inserts_an_ignore_comment_that_works():
    s = shared()
    ignore_and_check(s, write("ca/Dockerfile", ""), "FROM ubuntu:24.04\n",
                     "dockerfile", "runs-as-root", "")
    # Inside a RUN's continuation lines: the comment line goes in
    # between, where BuildKit drops it.
    ignore_and_check(s, write("ca/cont/Dockerfile", ""),
                     "FROM ubuntu:24.04\nUSER 10001\n"
                     "RUN apt-get update && \\\n"
                     "    apt-get install -y curl=1.0 && \\\n"
                     "    rm -rf /var/lib/apt/lists/*\n",
                     "dockerfile", "apt-get-no-install-recommends", "    ")
    ignore_and_check(s, write("ca/compose.yaml", ""),
                     "services:\n  web:\n    image: nginx:1.27\n"
                     "    privileged: true\n",
                     "dockercompose", "privileged", "    ")
    ignore_and_check(s, write("ca/pod.yaml", ""),
                     "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
                     "spec:\n  containers:\n    - name: app\n"
                     "      image: nginx:1.27\n",
                     "yaml", "writable-root-filesystem", "    ")
    # A parse error names no rule: no action.
    path = write("ca/bad.yaml", "")
    s.open(uri(path), "yaml", "apiVersion: v1\nkind: Pod\nspec: [\n")
    ds = s.diagnostics(uri(path))
    r = s.call("textDocument/codeAction", {
        "textDocument": {"uri": uri(path)}, "range": ds[0]["range"],
        "context": {"diagnostics": ds}})
    assert r["result"] == [], r


def fix_and_check(s, path, text, language, rule, expect, keep_data=True):
    """The rule's fix is offered first and preferred; applied, the
    diagnostic goes, no parse error comes, and the text is `expect`."""
    s.open(uri(path), language, text)
    ds = s.diagnostics(uri(path), version=1)
    target = dict(by_code(ds, rule))
    if not keep_data:
        target.pop("data", None)  # a client that drops `data`
    r = s.call("textDocument/codeAction", {
        "textDocument": {"uri": uri(path)}, "range": target["range"],
        "context": {"diagnostics": [target]}})
    actions = r["result"]
    assert len(actions) == 2, actions
    a = actions[0]
    assert a["kind"] == "quickfix" and a.get("isPreferred") is True, a
    assert a["title"].startswith("Fix " + rule), a
    new = apply_edits(text, a["edit"]["changes"][uri(path)])
    assert new == expect, (new, expect)
    s.change(uri(path), 2, [{"text": new}])
    ds = s.diagnostics(uri(path), version=2)
    assert rule not in codes(ds), (rule, codes(ds), new)
    assert all(d.get("source") == "plimsoll" and d.get("code") and
               "/" not in d["code"] for d in ds), ds
    if keep_data:
        # The old diagnostic handed back after the change: its edits were
        # made for version 1, so only the ignore comment is offered.
        r = s.call("textDocument/codeAction", {
            "textDocument": {"uri": uri(path)}, "range": target["range"],
            "context": {"diagnostics": [target]}})
        assert [a["title"] for a in r["result"]] == [actions[1]["title"]], r


@test
def code_action_applies_a_fix_that_clears_the_finding():
    s = shared()
    fix_and_check(s, write("fix/Dockerfile", ""),
                  "FROM ubuntu:24.04\nRUN true\nCMD [\"sh\"]\n",
                  "dockerfile", "runs-as-root",
                  "FROM ubuntu:24.04\nRUN true\nUSER 10001\nCMD [\"sh\"]\n")
    fix_and_check(s, write("fix/end/Dockerfile", ""),
                  "FROM ubuntu:24.04\nRUN true",
                  "dockerfile", "runs-as-root",
                  "FROM ubuntu:24.04\nRUN true\nUSER 10001")
    fix_and_check(s, write("fix/apt/Dockerfile", ""),
                  "FROM debian:12\nUSER 10001\nRUN apt-get update && \\\n"
                  "    apt-get install curl\n",
                  "dockerfile", "apt-get-missing-yes",
                  "FROM debian:12\nUSER 10001\nRUN apt-get update && \\\n"
                  "    apt-get install -y curl\n")
    fix_and_check(s, write("fix/compose.yaml", ""),
                  "services:\n  web:\n    image: nginx:1.27\n"
                  "    privileged: true # on purpose\n  db:\n"
                  "    image: postgres:16\n",
                  "dockercompose", "privileged",
                  "services:\n  web:\n    image: nginx:1.27\n"
                  "    privileged: false # on purpose\n  db:\n"
                  "    image: postgres:16\n", keep_data=False)
    fix_and_check(s, write("fix/ro/compose.yaml", ""),
                  "services:\n  web:\n    image: nginx:1.27\n"
                  "    ports:\n      - \"8080:80\"\n",
                  "dockercompose", "writable-root-filesystem",
                  "services:\n  web:\n    image: nginx:1.27\n"
                  "    ports:\n      - \"8080:80\"\n    read_only: true\n")
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
           "spec:\n  containers:\n    - name: app\n"
           "      image: nginx:1.27\n")
    fix_and_check(s, write("fix/pod.yaml", ""), pod, "yaml", "runs-as-root",
                  pod + "      securityContext:\n        runAsNonRoot: true\n")
    fix_and_check(s, write("fix/pod2.yaml", ""),
                  pod + "      securityContext:\n        privileged: true\n",
                  "yaml", "privileged",
                  pod + "      securityContext:\n        privileged: false\n")


@test
def hover_shows_the_rule():
    path = write("hover/Dockerfile", "")
    text = ("# plimsoll ignore=runs-as-root -- tested\n"
            "FROM ubuntu:24.04\nRUN apt-get install -y curl\n")
    s = shared()
    s.open(uri(path), "dockerfile", text)
    s.diagnostics(uri(path))

    def hover(line, character):
        return s.call("textDocument/hover", {
            "textDocument": {"uri": uri(path)},
            "position": {"line": line, "character": character}})["result"]
    h = hover(0, 22)  # on "runs-as-root" in the comment
    assert h["contents"]["kind"] == "markdown"
    assert "**runs-as-root**" in h["contents"]["value"], h
    h = hover(2, 10)  # on the apt-get command, a diagnostic's range
    assert "apt-get-no-install-recommends" in h["contents"]["value"], h
    assert "Fix:" in h["contents"]["value"], h
    assert hover(1, 2) is None  # nothing there


POLICY = """return {
	id = "lsp-test-%(id)s",
	title = "Test: %(title)s",
	severity = "medium",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy the language server tests load.",
	check = function(doc, report)
		%(body)s
	end,
}
"""


def policy(dirname, id, title, body):
    return write(os.path.join(dirname, id, "policy.lua"),
                 POLICY % {"id": id, "title": title, "body": body})


@test
def workspace_configuration_applies_and_reloads():
    ws = os.path.join(TMP, "cfgws")
    os.makedirs(os.path.join(ws, ".git"), exist_ok=True)
    write("cfgws/.plimsoll.yaml", "rules:\n  runs-as-root:\n"
          "    severity: low\n  base-image-untagged:\n"
          "    enabled: false\n")
    policy("cfgws/team", "team", "a team rule", 'report({line = 1}, "team")')
    path = write("cfgws/svc/Dockerfile", "")
    s = Server(EXE)
    s.initialize()
    s.open(uri(path), "dockerfile", "FROM ubuntu\n")
    ds = s.diagnostics(uri(path))
    assert by_code(ds, "runs-as-root")["severity"] == 3, ds  # low
    assert "base-image-untagged" not in codes(ds), codes(ds)
    assert "lsp-test-team" not in codes(ds), codes(ds)
    # The file changes on disk and is saved in the editor: it now names
    # a policy directory too, which makes the engine again.
    cfg = write("cfgws/.plimsoll.yaml", "policy-dirs: [team]\n")
    s.notify("textDocument/didSave", {"textDocument": {"uri": uri(cfg)}})
    ds = s.diagnostics(uri(path))
    assert by_code(ds, "runs-as-root")["severity"] == 1, ds
    assert "base-image-untagged" in codes(ds), codes(ds)
    assert by_code(ds, "lsp-test-team")["message"] == "team", ds
    # The directory's rule is known where hover and quick fixes are
    # answered (the server, whose lints run in a worker), not only where
    # the lint ran.
    team = by_code(ds, "lsp-test-team")
    r = s.call("textDocument/codeAction", {
        "textDocument": {"uri": uri(path)}, "range": team["range"],
        "context": {"diagnostics": [team]}})["result"]
    assert [a["title"] for a in r] == [
        "Ignore lsp-test-team on this line"], r
    h = s.call("textDocument/hover", {
        "textDocument": {"uri": uri(path)},
        "position": team["range"]["start"]})["result"]
    assert h is not None and "**lsp-test-team**" in h["contents"]["value"], h
    # A wrong file is one diagnostic, pointing into it.
    write("cfgws/.plimsoll.yaml", "rules:\n  no-such-rule:\n"
          "    enabled: false\n")
    s.notify("workspace/didChangeWatchedFiles",
             {"changes": [{"uri": uri(cfg), "type": 2}]})
    ds = s.diagnostics(uri(path))
    assert codes(ds) == ["config/invalid"], ds
    rel = ds[0]["relatedInformation"][0]["location"]
    assert rel["uri"] == uri(cfg) and rel["range"]["start"]["line"] == 1, ds
    assert s.finish() == 0
    # --no-config: none of it applies.
    s = Server(EXE, "--no-config")
    s.initialize()
    s.open(uri(path), "dockerfile", "FROM ubuntu\n")
    assert "runs-as-root" in codes(s.diagnostics(uri(path)))
    assert s.finish() == 0


@test
def policy_error_is_a_diagnostic_of_its_own():
    policy("errpol", "boom", "errors", 'error("boom")')
    path = write("errpol-doc/Dockerfile", "")
    s = Server(EXE, "--no-builtin", "--policy-dir",
               os.path.join(TMP, "errpol"))
    s.initialize()
    s.open(uri(path), "dockerfile", "FROM alpine:3.20\n")
    ds = s.diagnostics(uri(path))
    d = by_code(ds, "lsp-test-boom")
    assert d["severity"] == 1 and "boom" in d["message"], d
    assert s.finish() == 0


@test
def related_locations_become_related_information():
    policy("relpol", "related", "related", """
		for _, c in ipairs(doc.containers) do
			if c.build ~= nil then
				report(c, "image", "built from a Dockerfile",
					{related = {{node = c.build, field = "user",
					             message = "its USER"}}})
			end
		end""")
    write("reldoc/Dockerfile", "FROM alpine:3.20\nUSER \u00e9l\u00e8ve\n")
    compose = write("reldoc/compose.yaml", "services:\n  web:\n    build: .\n")
    s = Server(EXE, "--no-builtin", "--policy-dir",
               os.path.join(TMP, "relpol"))
    s.initialize()
    s.open(uri(compose), "dockercompose", open(compose).read())
    d = by_code(s.diagnostics(uri(compose)), "lsp-test-related")
    rel = d["relatedInformation"][0]
    assert rel["location"]["uri"] == uri(os.path.join(TMP, "reldoc",
                                                      "Dockerfile")), rel
    assert rel["location"]["range"]["start"]["line"] == 1, rel
    assert rel["message"] == "its USER"
    assert s.finish() == 0


@test
def watched_policy_change_reloads_the_engine():
    pol = policy("reload", "msg", "first", 'report({line = 1}, "first")')
    path = write("reload-doc/Dockerfile", "")
    s = Server(EXE, "--no-builtin", "--policy-dir",
               os.path.join(TMP, "reload"))
    s.initialize({"workspace": {"didChangeWatchedFiles": {
        "dynamicRegistration": True}}})
    reg = s.wait(lambda m: m.get("method") == "client/registerCapability")
    watchers = reg["params"]["registrations"][0]["registerOptions"][
        "watchers"]
    globs = [w["globPattern"] for w in watchers]
    assert "**/*.lua" in globs and "**/.plimsoll.yaml" in globs, globs
    s.send({"jsonrpc": "2.0", "id": reg["id"], "result": None})
    s.open(uri(path), "dockerfile", "FROM alpine:3.20\n")
    assert by_code(s.diagnostics(uri(path)), "lsp-test-msg")["message"] \
        == "first"
    policy("reload", "msg", "second", 'report({line = 1}, "second")')
    s.notify("workspace/didChangeWatchedFiles",
             {"changes": [{"uri": uri(pol), "type": 2}]})
    assert by_code(s.diagnostics(uri(path)), "lsp-test-msg")["message"] \
        == "second"
    # A policy that no longer loads keeps the previous engine and says so.
    with open(pol, "w") as f:
        f.write("return {")
    s.notify("workspace/didChangeWatchedFiles",
             {"changes": [{"uri": uri(pol), "type": 2}]})
    m = s.wait(lambda m: m.get("method") == "window/showMessage")
    assert "could not be reloaded" in m["params"]["message"], m
    assert by_code(s.diagnostics(uri(path)), "lsp-test-msg")["message"] \
        == "second"
    assert s.finish() == 0


@test
def a_hung_lint_is_stopped_and_the_server_goes_on():
    policy("hang", "hang", "hangs", "while true do end")
    path = write("hang-doc/Dockerfile", "")
    s = Server(EXE, "--no-builtin", "--policy-dir",
               os.path.join(TMP, "hang"), "--policy-instructions",
               "100000000000", "--policy-timeout", "60",
               "--lint-timeout", "0.5")
    s.initialize()
    s.open(uri(path), "dockerfile", "FROM alpine:3.20\n")
    ds = s.diagnostics(uri(path), timeout=20)
    assert codes(ds) == ["lsp/lint-timeout"], ds
    r = s.call("textDocument/hover", {
        "textDocument": {"uri": uri(path)},
        "position": {"line": 0, "character": 0}})
    assert "result" in r, r
    assert s.finish() == 0


def worker_pids(server_pid):
    pids = []
    for tid in os.listdir("/proc/%d/task" % server_pid):
        with open("/proc/%d/task/%s/children" % (server_pid, tid)) as f:
            pids += [int(p) for p in f.read().split()]
    return pids


@test
def a_crashed_lint_is_reported_and_the_next_one_works():
    policy("crash", "slow", "slow on one image", """
		for _, c in ipairs(doc.containers) do
			if c.image.repository == "hang" then
				while true do end
			end
		end""")
    path = write("crash-doc/Dockerfile", "")
    s = Server(EXE, "--no-builtin", "--policy-dir",
               os.path.join(TMP, "crash"), "--policy-instructions",
               "100000000000", "--policy-timeout", "60")
    s.initialize()
    s.open(uri(path), "dockerfile", "FROM hang:1\n")
    deadline = time.monotonic() + 10
    while not worker_pids(s.proc.pid):
        assert time.monotonic() < deadline, "no lint worker started"
        time.sleep(0.05)
    time.sleep(0.2)
    for pid in worker_pids(s.proc.pid):
        os.kill(pid, signal.SIGSEGV)
    ds = s.diagnostics(uri(path))
    assert codes(ds) == ["lsp/lint-crashed"], ds
    # A sanitizer build catches the signal and exits with a status.
    assert "signal %d" % signal.SIGSEGV in ds[0]["message"] or \
        "exited with status" in ds[0]["message"], ds
    s.change(uri(path), 2, [{"text": "FROM alpine:3.20\n"}])
    assert s.diagnostics(uri(path), version=2) == []
    assert s.finish() == 0


@test
def close_clears_the_diagnostics():
    path = write("close/Dockerfile", "")
    s = shared()
    s.open(uri(path), "dockerfile", "FROM ubuntu\n")
    assert s.diagnostics(uri(path))
    s.notify("textDocument/didClose", {"textDocument": {"uri": uri(path)}})
    assert s.diagnostics(uri(path)) == []
    r = s.call("textDocument/hover", {
        "textDocument": {"uri": uri(path)},
        "position": {"line": 0, "character": 0}})
    assert r["error"]["code"] == -32602, r


def main():
    global EXE, TMP
    EXE = os.path.abspath(sys.argv[1])
    wanted = set(sys.argv[2:])
    TMP = os.path.realpath(tempfile.mkdtemp(prefix="plm-lsp-"))
    failed = 0
    try:
        for t in TESTS:
            if wanted and t.__name__ not in wanted:
                continue
            try:
                t()
                print("ok   ", t.__name__)
            except Exception as e:  # report every test, then fail
                failed += 1
                print("FAIL ", t.__name__, repr(e))
        if SHARED is not None:
            try:
                assert SHARED.finish() == 0
                print("ok    shared server shut down")
            except Exception as e:
                failed += 1
                print("FAIL  shared server shut down", repr(e))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

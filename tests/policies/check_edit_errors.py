#!/usr/bin/env python3
"""report()'s extra.edits: a wrong one is a policy error that names the
policy file and line and says what is wrong (never a crash, and the
other files' results stay); a good one reaches JSON and SARIF as given,
and does not change the finding's fingerprint.

usage: check_edit_errors.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile

POLICY = """local p = require("plimsoll")
return {
  id = "acme/edit-%(name)s", title = "t", severity = "low",
  applies_to = {"dockerfile"}, description = "d",
  check = function(doc, report)
    report({line = 2}, "m", %(extra)s)
  end,
}
"""

DOCKERFILE = "FROM alpine:3.20\nUSER 10001\n# caf\u00e9\n"

BAD = {
    "line": ("{edits = {{line = 9, column = 1, text = 'x'}}}",
             "line 9 is outside"),
    "overlap": ("{edits = {{line = 2, column = 1, end_column = 5, "
                "text = 'a'}, {line = 2, column = 3, end_column = 4, "
                "text = 'b'}}}",
                "extra.edits[1] and [2] overlap"),
    "many": ("{edits = (function() local t = {} for i = 1, 9 do "
             "t[i] = {line = 1, column = i, text = ''} end return t end)()}",
             "extra.edits holds at most 8 edits"),
    "long": ("{edits = {{line = 1, column = 1, text = ('x'):rep(4097)}}}",
             "extra.edits[1].text is longer than 4096 bytes"),
    "text": ("{edits = {{line = 1, column = 1, text = 5}}}",
             "extra.edits[1].text must be a string"),
    "shape": ("{edits = 'USER 1'}",
              "extra.edits must be a list, not string"),
    "item": ("{edits = {'USER 1'}}", "extra.edits[1] must be a table"),
    "missing": ("{edits = {{text = ''}}}",
                "extra.edits[1] needs a node, a line or an offset"),
    "offsets": ("{edits = {{offset = 5, end_offset = 2, text = ''}}}",
                "extra.edits[1]: offsets outside"),
    "source": ("{edits = {{offset = 0, end_offset = 0, text = '', "
               "source = 2}}}",
               "extra.edits[1] must change the file the finding is in"),
    "at": ("{edits = {{node = doc.tree.stages[1], at = 'over', "
           "text = ''}}}", "extra.edits[1].at must be"),
    "cut": ("{edits = {{offset = 34, end_offset = 34, text = 'x'}}}",
            "extra.edits[1] cuts a character"),
}


def run(exe, pdir, args):
    out = subprocess.run([exe, "scan", "--no-config", "--no-builtin",
                          "--policy-dir", pdir, "--format", "json"] + args,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1, 2), out.stderr
    return json.loads(out.stdout)


def main():
    exe = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="plm-edits-") as tmp:
        pdir = os.path.join(tmp, "policies")
        good = "{fix = 'USER', edits = {{line = 2, column = 6, " \
            "end_line = 2, end_column = 11, text = '10002'}, " \
            "{line = 3, column = 6, end_line = 3, end_column = 7, " \
            "text = 'e'}}}"
        for name, (extra, _) in list(BAD.items()) + [("good", (good, None)),
                                                      ("plain", ("{}", None))]:
            os.makedirs(os.path.join(pdir, name))
            with open(os.path.join(pdir, name, "policy.lua"), "w") as f:
                f.write(POLICY % {"name": name, "extra": extra})
        df = os.path.join(tmp, "Dockerfile")
        with open(df, "w", encoding="utf-8") as f:
            f.write(DOCKERFILE)
        other = os.path.join(tmp, "other.Dockerfile")
        with open(other, "w", encoding="utf-8") as f:
            f.write(DOCKERFILE)
        report = run(exe, pdir, [df, other])
        errors = {n["rule"]: n for n in report["notifications"]
                  if n["kind"] == "policy-error"}
        for name, (_, want) in BAD.items():
            rule = "acme/edit-" + name
            n = errors.get(rule)
            try:
                assert n is not None, "no policy error"
                msg = n["message"]
                assert want in msg, msg
                assert os.path.join(pdir, name, "policy.lua") + ":6:" in msg, \
                    msg
                assert not [f for f in report["findings"]
                            if f["rule"] == rule], "a finding was kept"
                print("ok    %s: %s" % (name, msg.split(": report: ")[-1]))
            except AssertionError as e:
                failures += 1
                print("FAIL  %s: %s" % (name, e))
        try:
            good_findings = [f for f in report["findings"]
                             if f["rule"] == "acme/edit-good"]
            assert len(good_findings) == 2, good_findings  # both files
            g = [f for f in good_findings if f["path"] == df][0]
            assert g["edits"] == [
                {"region": {"start_line": 2, "start_column": 6,
                            "end_line": 2, "end_column": 11},
                 "offset": 22, "end_offset": 27, "text": "10002"},
                {"region": {"start_line": 3, "start_column": 6,
                            "end_line": 3, "end_column": 7},
                 "offset": 33, "end_offset": 35, "text": "e"}], g["edits"]
            plain = [f for f in report["findings"]
                     if f["rule"] == "acme/edit-plain" and f["path"] == df][0]
            assert "edits" not in plain, plain
            # The same rule with and without edits: same fingerprint (a
            # fix added to a policy leaves baselines as they were).
            fps = []
            for extra in (good, "{fix = 'USER'}"):
                d = os.path.join(tmp, "fp%d" % len(fps), "fp")
                os.makedirs(d)
                with open(os.path.join(d, "policy.lua"), "w") as f:
                    f.write(POLICY % {"name": "fp", "extra": extra})
                found = run(exe, os.path.dirname(d), [df])["findings"]
                assert len(found) == 1, found
                fps.append((found[0]["fingerprint"], "edits" in found[0]))
            assert fps[0][0] == fps[1][0] and fps[0][1] and not fps[1][1], \
                fps
            sarif = subprocess.run(
                [exe, "scan", "--no-config", "--no-builtin", "--policy-dir",
                 os.path.join(pdir, "good"), "--format", "sarif", df],
                capture_output=True, text=True, timeout=60)
            res = json.loads(sarif.stdout)["runs"][0]["results"][0]
            ch = res["fixes"][0]["artifactChanges"][0]
            assert res["fixes"][0]["description"]["text"] == "USER.", res
            assert ch["replacements"] == [
                {"deletedRegion": {"startLine": 2, "startColumn": 6,
                                   "endLine": 2, "endColumn": 11},
                 "insertedContent": {"text": "10002"}},
                {"deletedRegion": {"startLine": 3, "startColumn": 6,
                                   "endLine": 3, "endColumn": 7},
                 "insertedContent": {"text": "e"}}], ch
            print("ok    good edits in JSON and SARIF")
        except AssertionError as e:
            failures += 1
            print("FAIL  good: %r" % (e,))
    print("%d failed" % failures if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

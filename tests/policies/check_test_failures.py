#!/usr/bin/env python3
"""`plimsoll test` fails, with file:line, on a fixture whose annotations
are wrong: check_test_failures.py PLIMSOLL DIR."""
import subprocess
import sys


def main():
    exe, d = sys.argv[1], sys.argv[2]
    p = subprocess.run([exe, "test", d], capture_output=True, text=True)
    out = p.stdout
    f = d + "/every-from/fixtures/dockerfile/wrong.Dockerfile"
    want = [
        f + ":3: unexpected every-from finding: FROM alpine:3.19",
        f + ":5: expected a finding of every-from on line 5, got none",
        f + ":6: expects 'runs-as-root', but these fixtures belong to "
            "'every-from'",
        f + ":7: unexpected every-from finding",
        "FAIL  every-from",
    ]
    # A project policy: annotations in every file of a fixture folder.
    b = d + "/every-service/fixtures/proj/kubernetes/b.yaml"
    want += [
        b + ":4: unexpected every-service finding: Service unannotated",
        b + ":7: expected a finding of every-service on line 7, got none",
        "FAIL  every-service",
    ]
    if "a.yaml" in out:
        bad_a = True
    else:
        bad_a = False
    bad = [w for w in want if w not in out]
    if "right.Dockerfile" in out:
        bad.append("right.Dockerfile should pass")
    if bad_a:
        bad.append("a.yaml should pass")
    if p.returncode != 1:
        bad.append("exit status %d, want 1" % p.returncode)
    if bad:
        print(out + p.stderr)
        print("missing:\n  " + "\n  ".join(bad))
        return 1
    print("plimsoll test reports each wrong annotation")
    return 0


if __name__ == "__main__":
    sys.exit(main())

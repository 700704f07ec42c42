"""Reads a YAML file with plimsoll's own loader (`plimsoll dump`), so the
tests need no YAML module: the documents as plain Python values, or an
exit with the loader's diagnostics."""
import json
import subprocess
import sys


def load(plimsoll, path):
    r = subprocess.run([plimsoll, "dump", "--kind", "kubernetes", "--tree",
                        path], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.exit("FAIL: %s does not load: %s" % (path, r.stderr))
    dumped = json.loads(r.stdout)
    errors = [d for d in dumped["diagnostics"]
              if d.get("level") in ("error", "warning")]
    if errors:
        sys.exit("FAIL: %s: %s" % (path, errors))
    return dumped["tree"]

#!/usr/bin/env python3
"""Fails when docs/rules/ differs from what the policies' metadata
generates: check_rule_docs.py PLIMSOLL DOCS_DIR.

Regenerate with: plimsoll rules --format markdown --output-dir docs/rules
"""
import filecmp
import os
import subprocess
import sys
import tempfile


def main():
    exe, docs = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rules")
        subprocess.run([exe, "rules", "--format", "markdown",
                        "--output-dir", out], check=True)
        want = sorted(os.listdir(out))
        have = sorted(os.listdir(docs)) if os.path.isdir(docs) else []
        stale = [f for f in want if f not in have or
                 not filecmp.cmp(os.path.join(out, f),
                                 os.path.join(docs, f), shallow=False)]
        extra = [f for f in have if f not in want]
        if stale or extra:
            print("docs/rules is stale (changed or missing: %s; extra: %s)."
                  % (", ".join(stale) or "none", ", ".join(extra) or "none"))
            print("Regenerate it: plimsoll rules --format markdown "
                  "--output-dir docs/rules")
            return 1
    print("docs/rules is current (%d files)" % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())

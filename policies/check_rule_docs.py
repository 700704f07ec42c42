#!/usr/bin/env python3
"""Fails when docs/rules/ differs from what the policies' metadata
generates, or when a rule's page lacks what every page must say:
check_rule_docs.py PLIMSOLL DOCS_DIR.

Every page says why the rule matters, how to fix what it reports (with a
before/after snippet: a fenced block that shows both), and which peer
codes it covers. Regenerate with:
plimsoll rules --format markdown --output-dir docs/rules
"""
import filecmp
import os
import re
import subprocess
import sys
import tempfile

# Pages of docs/rules/ written by hand, not generated.
HAND_WRITTEN = {"precision.md"}

SECTIONS = ("## Why it matters", "## How to fix", "## Peer codes covered")

# Pages whose "How to fix" has no before/after snippet yet. The list only
# shrinks: a new rule needs its snippet.
NO_SNIPPET_YET = set()


def page_problems(name, text):
    """What a generated page lacks, as a list of sentences."""
    problems = []
    for section in SECTIONS:
        if not re.search("^" + re.escape(section) + "$", text, re.M):
            problems.append("%s: no '%s' section" % (name, section))
    fix = re.search(r"^## How to fix\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    body = fix.group(1) if fix else ""
    snippet = ("```" in body and re.search(r"\bbefore\b", body, re.I)
               and re.search(r"\bafter\b", body, re.I))
    rule = name[:-3]
    if not snippet and rule not in NO_SNIPPET_YET:
        problems.append("%s: 'How to fix' has no before/after snippet"
                        % name)
    if snippet and rule in NO_SNIPPET_YET:
        problems.append("%s: has its snippet now; remove %s from "
                        "NO_SNIPPET_YET" % (name, rule))
    return problems


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
        extra = [f for f in have if f not in want and f not in HAND_WRITTEN]
        if stale or extra:
            print("docs/rules is stale (changed or missing: %s; extra: %s)."
                  % (", ".join(stale) or "none", ", ".join(extra) or "none"))
            print("Regenerate it: plimsoll rules --format markdown "
                  "--output-dir docs/rules")
            return 1
        problems = []
        for f in want:
            if f != "README.md":
                with open(os.path.join(out, f), encoding="utf-8") as page:
                    problems += page_problems(f, page.read())
        if problems:
            print("\n".join(problems))
            return 1
    print("docs/rules is current (%d files), every page complete"
          % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())

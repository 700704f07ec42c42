#!/usr/bin/env python3
"""Fails when a policy names an alias that is not a peer's real rule id:
check_peer_ids.py PLIMSOLL PEER_IDS_TSV.

Every alias of every built-in policy (as `plimsoll rules --format json`
lists them) must be a row of policies/peer-ids.tsv, and every row must be
well formed: tool, id and the https address of the page it was read from,
the id in the form that tool uses.
"""
import json
import re
import subprocess
import sys

# How each peer writes its ids.
ID_FORMS = {
    "checkov": re.compile(r"^CKV2?_[A-Z0-9]+_[0-9]+$"),
    "hadolint": re.compile(r"^DL[0-9]{4}$"),
    "kics": re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
                       r"-[0-9a-f]{12}$"),
    "kube-linter": re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    # AVD-KSV-0017, KSV017, and the newer KSV-0017 / DS-0032 form.
    "trivy": re.compile(r"^(AVD-(KSV|DS)-[0-9]{4}|(KSV|DS)-?[0-9]{3,4})$"),
}


def read_rows(path):
    """Returns ({id: tool}, [problems])."""
    known, problems = {}, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line == "" or line.startswith("#"):
                continue
            fields = line.split("\t")
            where = "%s:%d" % (path, n)
            if len(fields) != 3:
                problems.append("%s: %d fields, want tool<TAB>id<TAB>url"
                                % (where, len(fields)))
                continue
            tool, rid, url = fields
            form = ID_FORMS.get(tool)
            if form is None:
                problems.append("%s: unknown tool %r (known: %s)"
                                % (where, tool, ", ".join(sorted(ID_FORMS))))
            elif not form.match(rid):
                problems.append("%s: %r is not a %s id" % (where, rid, tool))
            if not re.match(r"^https://[^\s]+$", url):
                problems.append("%s: source %r is not an https address"
                                % (where, url))
            if rid in known:
                problems.append("%s: %s listed twice" % (where, rid))
            known[rid] = tool
    return known, problems


def main():
    exe, table = sys.argv[1], sys.argv[2]
    known, problems = read_rows(table)
    out = subprocess.run([exe, "rules", "--format", "json"], check=True,
                         stdout=subprocess.PIPE).stdout
    aliases = 0
    for rule in json.loads(out):
        for alias in rule.get("aliases") or []:
            aliases += 1
            if alias not in known:
                problems.append("rule %s: alias %r is not in %s (add the "
                                "peer's real id with the page it comes "
                                "from, or drop the alias)"
                                % (rule["id"], alias, table))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("%d aliases, all among the %d peer ids of %s"
          % (aliases, len(known), table))
    return 0


if __name__ == "__main__":
    sys.exit(main())

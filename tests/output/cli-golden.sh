#!/usr/bin/env bash
# cli-golden.sh PLIMSOLL SOURCE_ROOT: `plimsoll scan --no-builtin` over
# tests/output/cli-input writes every built-in format in one run, each to
# its own --output, and each matches tests/golden/output/cli/ once the
# run's times, durations, command line and absolute root are replaced by
# placeholders. PLM_UPDATE_GOLDEN=1 rewrites the golden files. No policy
# runs (--no-builtin), so what is pinned is the command line's plumbing:
# files found, notifications, paths and URIs, summaries.
set -uo pipefail
plimsoll=$(readlink -f "$1") src=$(readlink -f "$2")
if ! "$plimsoll" scan --help >/dev/null 2>&1; then
	echo "SKIP: this plimsoll has no scan command"
	exit 77
fi
golden=$src/tests/golden/output/cli
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src/tests/output/cli-input" || exit 1
args=(scan --no-builtin --jobs 1 --sarif-category cli)
for f in text:txt json:json sarif:sarif gnu:txt github:txt checkstyle:xml \
	junit:xml codeclimate:json; do
	args+=(--format "${f%%:*}" --output "$tmp/${f%%:*}.${f##*:}")
done
NO_COLOR=1 "$plimsoll" "${args[@]}" .
echo "scan exit status $? (2 expected: one file does not parse)"
root=$(pwd)/
python3 - "$tmp" "$root" <<'PY'
import json, os, re, sys, urllib.parse
tmp, root = sys.argv[1], sys.argv[2]
root_uri = "file://" + urllib.parse.quote(root, safe="/-._~")
volatile = {"startTimeUtc", "endTimeUtc", "commandLine", "start_time_utc",
            "end_time_utc", "seconds"}
def scrub(v):
    if isinstance(v, dict):
        # Placeholders of the same JSON type and format, so the schemas
        # still apply.
        def placeholder(k, x):
            if isinstance(x, (int, float)):
                return 0
            if k.lower().endswith(("timeutc", "time_utc")):
                return "2000-01-01T00:00:00.000Z"
            return "VOLATILE"
        return {k: (placeholder(k, x) if k in volatile and x is not None
                    else scrub(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    if isinstance(v, str):
        return v.replace(root_uri, "file:///ROOT/").replace(root, "/ROOT/")
    return v
for name in sorted(os.listdir(tmp)):
    path = os.path.join(tmp, name)
    text = open(path, encoding="utf-8").read()
    if name.endswith((".json", ".sarif")):
        text = json.dumps(scrub(json.loads(text)), indent=2,
                          ensure_ascii=False) + "\n"
    else:
        text = re.sub(r" in [0-9]+\.[0-9]+s\.", " in TIME.", text)
        text = re.sub(r' time="[0-9.]+"', ' time="0"', text)
        text = text.replace(root, "/ROOT/")
    open(path, "w", encoding="utf-8").write(text)
PY
if [ -n "${PLM_UPDATE_GOLDEN:-}" ]; then
	mkdir -p "$golden"
	cp "$tmp"/* "$golden"/
	echo "updated $golden"
	exit 0
fi
failed=0
for f in "$tmp"/*; do
	name=${f##*/}
	if ! diff -u "$golden/$name" "$f"; then
		failed=$((failed + 1))
	fi
done
echo "$failed format(s) differ from $golden"
[ "$failed" -eq 0 ]

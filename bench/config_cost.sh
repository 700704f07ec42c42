#!/bin/sh
# What the configuration file costs (run by hand).
#
#   bench/config_cost.sh PLIMSOLL [CORPUS] [REPEAT]
#
# Copies the corpus into a temporary tree (with a .git marker, so that no
# file above it applies), then prints the best wall time of REPEAT scans
# of it without a configuration and with a .plimsoll.yaml at its root
# (severities, settings, a path exclude and two overrides: every file is
# looked up and matched against every glob; no rule is turned off and no
# file left out, so the policies do the same work), and the difference
# in percent. The limit: under 5% more.
set -eu
exe=$1
corpus=${2:-"$(dirname "$0")/../../shared/corpus"}
repeat=${3:-5}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/tree" "$dir/tree/.git"
cp -R "$corpus"/. "$dir/tree/"

best() {
	best=
	i=0
	while [ "$i" -lt "$repeat" ]; do
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		end=$(date +%s%N)
		ms=$(( (end - start) / 1000000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
			best=$ms
		fi
		i=$((i + 1))
	done
	echo "$best"
}

scan() {
	"$exe" scan -j2 --format json -o /dev/null "$dir/tree"
}

without=$(best scan)
cat > "$dir/tree/.plimsoll.yaml" <<'YAML'
fail-on: high
rules:
  runs-as-root: {severity: critical}
  apt-package-unpinned: {severity: low}
  low-uid:
    settings: {min_uid: 1000}
settings:
  non_root_images: ["gcr.io/distroless/*:nonroot", "cgr.dev/chainguard/*"]
paths:
  exclude: ["**/testdata/**"]
overrides:
  - paths: ["kubernetes/**"]
    rules:
      writable-root-filesystem: {severity: low}
  - paths: ["compose/*.yml", "**/docker-compose*.yaml"]
    settings:
      allowed: [NET_ADMIN]
YAML
with=$(best scan)
echo "files: $(find "$dir/tree" -type f | wc -l), best of $repeat, -j2"
echo "without a configuration: ${without} ms"
echo "with .plimsoll.yaml at the root: ${with} ms"
awk -v a="$without" -v b="$with" \
	'BEGIN { printf "difference: %+.1f%%\n", (b - a) * 100 / a }'

#!/bin/sh
# Command lines against Dockerfiles, one core, parsing and then scanning: the shared
# Dockerfile corpus, and the same corpus rewritten as shell scripts (each
# Dockerfile's RUN text, continuations kept, and a `docker run` with a
# dozen flags for each FROM image). Run by hand, from a build:
#   bench/command.sh [BUILD_DIR] [REPEAT]
# Prints MB/s for each and the ratio (a repository's scripts should cost
# no more per byte than its Dockerfiles), parsing only and then scanning
# with every built-in policy. Then linearity: four shapes
# of script at one and at eight times a size (one huge script, one very
# long line, a command of many `\` continuations, deep `$(...)`); the
# MB/s of the two sizes should match (extraction is linear in the size).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
repeat=${2:-10}
. "$root/tests/common/shared.sh"
if ! corpus=$(plm_find_corpus "$root"); then
	echo "no shared corpus found (set PLM_CORPUS)" >&2
	exit 2
fi
bench="$build/bench/plimsoll-parse-bench"
[ -x "$bench" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$corpus/dockerfile" -type f | sort > "$work/dockerfiles"
mkdir "$work/scripts"
n=0
while read -r f; do
	n=$((n + 1))
	awk '
	BEGIN { inrun = 0 }
	{
		line = $0
		if (!inrun && toupper(substr(line, 1, 4)) == "RUN ") {
			inrun = 1; line = substr(line, 5)
		} else if (!inrun && toupper(substr(line, 1, 5)) == "FROM ") {
			split(substr(line, 6), w, " ")
			print "docker run -d --rm --name app --user 0 --read-only " \
				"--cap-drop ALL --cap-add NET_BIND_SERVICE " \
				"--security-opt no-new-privileges " \
				"-v /var/run/docker.sock:/var/run/docker.sock " \
				"--mount type=bind,src=/srv,dst=/srv,readonly " \
				"-p 127.0.0.1:8080:80 -e MODE=prod -m 512m " \
				"--cpus 1 --pids-limit 100 " w[1] " sh -c \"exec app\""
			next
		}
		if (inrun) {
			print line
			if (line !~ /\\$/) { inrun = 0 }
		}
	}' "$f" > "$work/scripts/$n.sh"
done < "$work/dockerfiles"
find "$work/scripts" -type f | sort > "$work/scripts.list"
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c 0"
else
	pin=""
fi
echo "Dockerfiles: $(wc -l < "$work/dockerfiles") files, $(xargs cat < "$work/dockerfiles" | wc -c) bytes"
d=$($pin "$bench" --repeat "$repeat" dockerfile "@$work/dockerfiles")
echo "$d"
echo "scripts: $(wc -l < "$work/scripts.list") files, $(xargs cat < "$work/scripts.list" | wc -c) bytes, $(xargs grep -c '^docker run' < "$work/scripts.list" | awk -F: '{s += $2} END {print s}') docker run commands"
c=$($pin "$bench" --repeat "$repeat" command "@$work/scripts.list")
echo "$c"
a=$(echo "$d" | sed -n "s/.*(CPU time; with source copy and free: [0-9.]* s, \([0-9.]*\) MB\/s).*/\1/p")
b=$(echo "$c" | sed -n "s/.*(CPU time; with source copy and free: [0-9.]* s, \([0-9.]*\) MB\/s).*/\1/p")
awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "command lines: %.2fx the bytes/s of Dockerfiles\n", b / a }'

# The same files scanned with every built-in policy (what a user pays):
# CPU time of `plimsoll scan --jobs 1`, best of 3 runs each.
scan_cpu() {
	python3 - "$build/plimsoll" "$@" <<'PY'
import resource, subprocess, sys
exe, kind, listing = sys.argv[1], sys.argv[2], sys.argv[3]
files = open(listing).read().split()
args = [exe, "scan", "--jobs", "1", "--no-config", "--format", "json"]
if kind != "-":
    args += ["--kind", kind]
best = None
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args + files, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = cpu if best is None else min(best, cpu)
size = sum(len(open(f, "rb").read()) for f in files)
print("%.3f s, %.1f MB/s" % (best, size / best / 1e6))
PY
}
ds=$(scan_cpu dockerfile "$work/dockerfiles")
echo "scan with every policy, Dockerfiles: $ds"
cs=$(scan_cpu - "$work/scripts.list")
echo "scan with every policy, scripts: $cs"
a=$(echo "$ds" | sed -n "s/.*, \([0-9.]*\) MB\/s/\1/p")
b=$(echo "$cs" | sed -n "s/.*, \([0-9.]*\) MB\/s/\1/p")
awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "scans: scripts %.2fx the bytes/s of Dockerfiles\n", b / a }'

# linearity: each shape at n and 8n units, MB/s side by side
mb() { echo "$1" | sed -n "s/.*, \([0-9.]*\) MB\/s, .*/\1/p"; }
shape() {
	awk -v n="$2" -v shape="$1" -v list="$work/scripts.list" '
	BEGIN {
		if (shape == "huge") {
			# the scripts above, one after another
			k = 0
			while ((getline f < list) > 0) {
				while ((getline l < f) > 0) { print l }
				close(f)
				if (++k >= n) { break }
			}
		} else if (shape == "long-line") {
			for (i = 0; i < n * 200; i++) {
				printf "echo word%d \"quoted %d\" $HOME && ", i, i
			}
			print "docker run --user 0 example/app:1.0"
		} else if (shape == "continuations") {
			print "docker run \\"
			for (i = 0; i < n * 200; i++) {
				print "\t--label k" i "=v" i " \\"
			}
			print "\t--privileged example/app:1.0"
		} else if (shape == "deep-subst") {
			for (i = 0; i < n * 20; i++) {
				s = "x"
				for (d = 0; d < 40; d++) { s = "$(echo " s ")" }
				print "v" i "=" s
				print "docker run -e V=$v" i " --user 0 example/app:1.0"
			}
		}
	}'
}
for s in huge long-line continuations deep-subst; do
	shape "$s" 40 > "$work/$s-1.sh"
	shape "$s" 320 > "$work/$s-8.sh"
	r1=$($pin "$bench" --repeat "$repeat" command "$work/$s-1.sh")
	r8=$($pin "$bench" --repeat "$((repeat > 1 ? repeat / 2 : 1))" command "$work/$s-8.sh")
	printf '%-14s %9d bytes %7s MB/s   %9d bytes %7s MB/s\n' "$s" \
		"$(wc -c < "$work/$s-1.sh")" "$(mb "$r1")" \
		"$(wc -c < "$work/$s-8.sh")" "$(mb "$r8")"
done

#!/bin/sh
# What ignore directives cost on many findings (run by hand).
#
#   bench/suppress_cost.sh PLIMSOLL [REPEAT]
#
# Builds two files: a stream of 2,000 Pods, each with a
# plimsoll.dev/ignore and a kube-linter annotation and 26 findings, and a
# Dockerfile of 3,000 RUN lines under one file-wide ignore comment at its
# end; prints the best wall time of REPEAT scans of each (one job), with
# and without --report-unused-ignores. Each document's directives are
# read once; matching a finding is a binary search, so the time is the
# findings', not findings times lines or objects.
set -eu
exe=$1
repeat=${2:-3}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
pod = """apiVersion: v1
kind: Pod
metadata:
  name: p{i}
  annotations:
    plimsoll.dev/ignore: "privileged -- reviewed"
    ignore-check.kube-linter.io/host-network: "agent"
spec:
  hostNetwork: true
  containers:
    - name: a
      image: nginx:latest
      securityContext:
        privileged: true
    - name: b
      image: busybox
"""
with open(d + "/pods.yaml", "w") as f:
    f.write("---\n".join(pod.format(i=i) for i in range(2000)))
lines = ["FROM alpine:3.20", "USER 10001"]
lines += ["RUN sudo apt-get install -y pkg%d" % i for i in range(3000)]
lines.append("# plimsoll ignore-file=sudo-in-build -- reviewed")
with open(d + "/Dockerfile", "w") as f:
    f.write("\n".join(lines) + "\n")
PY

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

for f in pods.yaml Dockerfile; do
	plain=$(best "$exe" scan -j1 --format json -o /dev/null "$dir/$f")
	unused=$(best "$exe" scan -j1 --format json -o /dev/null \
		--report-unused-ignores "$dir/$f")
	echo "$f: ${plain} ms; with --report-unused-ignores ${unused} ms"
done

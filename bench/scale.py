#!/usr/bin/env python3
"""Does a scan's cost grow with its input, or with the square of it?
Generated inputs at three sizes, each twice the one before, scanned with
every built-in policy (`--jobs 1`, JSON): CPU time (user + system, best
of 3) and peak memory at each size, and how much the CPU time grew for
twice the input. About 2× is what a cost in proportion to the input
gives; a shape whose step reads 3× or more grows faster than its input
somewhere (a look through everything for each thing), or a fixed cost
(start-up) dwarfs the small size. The page faults (the scan's, with
/usr/bin/time's own hundred or so) tell the rest: where a larger size
outgrows the heap's first 64 MiB, for which plimsoll asks huge pages,
each further 4 KiB is a fault, costly on a VM, and the CPU time then
grows faster than the work.

The shapes:
- stream: one Kubernetes file of N Deployments, each followed by a
  Service (every Deployment privileged, on the host's network, with a
  literal secret: many findings, many of them with fixes);
- compose: one Compose file of N services, each depending on the one
  before, publishing a port and mounting the Docker socket;
- dockerfile: a Dockerfile of N/10 stages of ten instructions each;
- run: one RUN of N commands joined by &&, with pipes to a shell;
- project: N small manifests in one folder and namespace, each a
  Deployment with the same deny-all NetworkPolicy and a Service that
  selects a label every Deployment has (the project rules' work);
- ignores: a Dockerfile of N RUN lines, each under an ignore comment,
  with --report-unused-ignores.

usage: bench/scale.sh [BUILD_DIR] [--quick]

--quick: the sizes a tenth as large, one run each: it shows the script
still works; its figures mean little.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

DEPLOYMENT = """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d{i}
spec:
  selector:
    matchLabels: {{app: a{i}}}
  template:
    metadata:
      labels: {{app: a{i}}}
    spec:
      hostNetwork: true
      containers:
        - name: c
          image: registry.example/d{i}:1.0
          securityContext: {{privileged: true}}
          env:
            - {{name: PASSWORD, value: x{i}}}
---
apiVersion: v1
kind: Service
metadata:
  name: s{i}
spec:
  selector: {{app: a{i}}}
"""

SERVICE = """\
  s{i}:
    image: nginx:1.{v}
    ports: ['{port}:80']
    environment:
      PASSWORD: secret{i}
    volumes: ['/var/run/docker.sock:/var/run/docker.sock']
    depends_on: [s{prev}]
"""

STAGE = """\
FROM alpine:3.{v} AS s{i}
RUN apk add curl && curl http://example.com/{i} | sh
USER root
COPY --from=s{prev} /a /b
RUN apt-get install -y x y z
ENV A{i}=b
EXPOSE {port}
WORKDIR app
ADD http://example.com/{i}.tgz /
CMD foo
"""

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
spec:
  selector:
    matchLabels: {{app: web, part: p{i}}}
  template:
    metadata:
      labels: {{app: web, part: p{i}}}
    spec:
      containers:
        - name: app
          image: registry.example/app-{i}:1.0
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all-{i}
  namespace: shop
spec:
  podSelector: {{}}
---
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
  namespace: shop
spec:
  selector: {{app: web}}
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def make(shape, n, where):
    """Writes the input of `shape` at size n under where; returns the
    paths to scan and extra scan options."""
    if shape == "stream":
        path = os.path.join(where, "stream.yaml")
        write(path, "".join(DEPLOYMENT.format(i=i) for i in range(n)))
        return [path], []
    if shape == "compose":
        path = os.path.join(where, "compose.yaml")
        write(path, "services:\n" + "".join(SERVICE.format(
            i=i, v=i % 30, port=8000 + i % 1000, prev=max(0, i - 1))
            for i in range(n)))
        return [path], []
    if shape == "dockerfile":
        path = os.path.join(where, "Dockerfile")
        write(path, "".join(STAGE.format(
            i=i, v=i % 20, prev=max(0, i - 1), port=22 + i % 1000)
            for i in range(max(1, n // 10))))
        return [path], []
    if shape == "run":
        path = os.path.join(where, "Dockerfile")
        write(path, "FROM debian:12\nRUN " + " && \\\n    ".join(
            "apt-get install -y pkg%d | tee /tmp/x%d && "
            "curl -s http://example.com/%d | sh" % (i, i, i)
            for i in range(n)) + "\n")
        return [path], []
    if shape == "project":
        for i in range(n):
            write(os.path.join(where, "app-%05d.yaml" % i), APP.format(i=i))
        return [where], []
    if shape == "ignores":
        path = os.path.join(where, "Dockerfile")
        write(path, "FROM debian:12\n" + "".join(
            "# plimsoll ignore=apt-get-missing-yes,"
            "apt-get-no-install-recommends -- reason %d\n"
            "RUN apt-get install pkg%d\n" % (i, i) for i in range(n)))
        return [path], ["--report-unused-ignores"]
    raise ValueError(shape)


SHAPES = [("stream", 1000), ("compose", 1000), ("dockerfile", 2000),
          ("run", 1000), ("project", 500), ("ignores", 2000)]


def measure(cmd):
    """(CPU s, peak KB, page faults) of cmd, its output thrown away."""
    with tempfile.NamedTemporaryFile("r") as peak:
        run = [TIME, "-f", "%M", "-o", peak.name] + cmd if TIME else cmd
        p = subprocess.Popen(run, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1, 2):
            raise SystemExit("scale: %s exited %d" % (" ".join(cmd), code))
        rss = ru.ru_maxrss
        if TIME:
            words = peak.read().split()
            rss = int(words[-1]) if words and words[-1].isdigit() else rss
    return ru.ru_utime + ru.ru_stime, rss, ru.ru_minflt + ru.ru_majflt


def main():
    args = [a for a in sys.argv[1:] if a != "--quick"]
    quick = len(args) != len(sys.argv) - 1
    build = os.path.abspath(args[0] if args else os.path.join(ROOT, "build"))
    exe = os.path.join(build, "plimsoll")
    if not os.access(exe, os.X_OK):
        raise SystemExit("scale: %s is not built" % exe)
    runs = 1 if quick else 3
    print("| input | size | CPU | peak memory | page faults "
          "| CPU for twice the input |")
    print("|---|---|---|---|---|---|")
    for shape, base in SHAPES:
        if quick:
            base = max(10, base // 10)
        before = None
        for n in (base, 2 * base, 4 * base):
            with tempfile.TemporaryDirectory() as where:
                paths, extra = make(shape, n, where)
                cmd = [exe, "scan", "--no-config", "--jobs", "1",
                       "--format", "json"] + extra + paths
                best = min((measure(cmd) for _ in range(runs)),
                           key=lambda r: r[0])
            cpu, rss, faults = best
            step = "%.2f×" % (cpu / before) if before else "–"
            print("| %s | %d | %.3f s | %.0f MB | %d | %s |" % (
                shape, n, cpu, rss / 1024, faults, step))
            before = cpu
    print()
    print("%s; %d cores; %s%s" % (
        time.strftime("%Y-%m-%d"), os.cpu_count() or 0,
        os.uname().sysname + " " + os.uname().release,
        "; --quick sizes" if quick else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

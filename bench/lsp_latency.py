#!/usr/bin/env python3
"""What an edit costs in `plimsoll lsp`: the time from a didChange to the
publishDiagnostics for that version, on a 1,000-line Kubernetes manifest,
and the server's memory (and its lint worker's) after 1, 100 and N edits
of that one document (the worker's memory settles over the first edits,
as Lua's collector and the allocator reach their steady state; the figure
after 100 edits is the one to compare with).

usage: bench/lsp_latency.py [--plimsoll BUILD/plimsoll] [--edits N]
                            [--timed N] [--no-isolation]

Each edit is an incremental change (one replicas: value) and waits for its
diagnostics, so every edit is linted. The CPU time the server and its
worker spent per edit is printed too: on a busy machine it varies less
than the wall-clock figures. The manifest is generated: 30 small
Deployments, the same every run.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "lsp"))
from lspclient import Server  # noqa: E402

ITEM = """---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: shop
  labels:
    app: app-{i}
    tier: backend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
        tier: backend
    spec:
      containers:
        - name: app
          image: registry.example/app-{i}:1.{i}.0
          ports:
            - containerPort: 8080
          env:
            - name: MODE
              value: production
          resources:
            limits:
              memory: 256Mi
"""


def manifest(lines=1000):
    parts = []
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(ITEM.format(i=i))
        i += 1
    text = "".join(parts)
    return "\n".join(text.split("\n")[:lines]) + "\n"


def rss_kb(pid):
    if not pid:
        return 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User + system CPU time of a process (0 when it is gone)."""
    if not pid:
        return 0.0
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pid(server_pid):
    for tid in os.listdir("/proc/%d/task" % server_pid):
        with open("/proc/%d/task/%s/children" % (server_pid, tid)) as f:
            pids = f.read().split()
            if pids:
                return int(pids[0])
    return 0


def replicas_lines(text):
    return [n for n, line in enumerate(text.split("\n"))
            if line.strip().startswith("replicas:")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plimsoll", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build",
        "plimsoll"))
    ap.add_argument("--edits", type=int, default=10000)
    ap.add_argument("--timed", type=int, default=300,
                    help="edits whose latency is reported (the first ones)")
    ap.add_argument("--no-isolation", action="store_true")
    a = ap.parse_args()
    args = ["--no-isolation"] if a.no_isolation else []
    text = manifest()
    where = replicas_lines(text)
    s = Server(os.path.abspath(a.plimsoll), *args)
    s.initialize()
    uri = "file:///tmp/plimsoll-bench/deployments.yaml"
    s.open(uri, "yaml", text)
    first = s.diagnostics(uri, timeout=60, version=1)
    times = []
    rss_first = rss_warm = None
    pids = (s.proc.pid, worker_pid(s.proc.pid))
    cpu0 = sum(cpu_seconds(p) for p in pids)
    cpu = None
    for v in range(2, a.edits + 2):
        line = where[v % len(where)]
        change = {"range": {"start": {"line": line, "character": 12},
                            "end": {"line": line, "character": 13}},
                  "text": str(v % 9 + 1)}
        t0 = time.perf_counter()
        s.change(uri, v, [change])
        s.diagnostics(uri, timeout=60, version=v)
        if len(times) < a.timed:
            times.append((time.perf_counter() - t0) * 1000)
            if len(times) == a.timed:
                cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        if v == 2:
            rss_first = (rss_kb(s.proc.pid), rss_kb(worker_pid(s.proc.pid)))
        if v == 101:
            rss_warm = (rss_kb(s.proc.pid), rss_kb(worker_pid(s.proc.pid)))
    rss_last = (rss_kb(s.proc.pid), rss_kb(worker_pid(s.proc.pid)))
    if cpu is None:  # fewer edits than --timed
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print("manifest: %d lines, %d diagnostics; mode: %s" % (
        text.count("\n"), len(first),
        "in-process" if a.no_isolation else "worker"))
    print("didChange -> publishDiagnostics over %d edits: median %.2f ms, "
          "p95 %.2f ms, max %.2f ms" % (len(times),
                                       statistics.median(times), p95,
                                       times[-1]))
    print("CPU (server and worker) per edit: %.2f ms" % (
        cpu * 1000 / len(times)))
    print("RSS after 1 edit: server %d kB, worker %d kB" % rss_first)
    if rss_warm is not None:
        print("RSS after 100 edits: server %d kB, worker %d kB" % rss_warm)
    print("RSS after %d edits: server %d kB, worker %d kB" % (
        a.edits, *rss_last))

    def growth(since):
        return (sum(rss_last) - sum(since)) / max(sum(since), 1) * 100
    print("growth since the first edit: %+.1f%%" % growth(rss_first))
    if rss_warm is not None:
        print("growth since the 100th edit: %+.1f%%" % growth(rss_warm))
    assert s.finish() == 0


if __name__ == "__main__":
    main()

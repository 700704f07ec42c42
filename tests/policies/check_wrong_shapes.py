#!/usr/bin/env python3
"""Every built-in policy survives every field of the wrong shape:
check_wrong_shapes.py PLIMSOLL.

A Compose project and a set of Kubernetes manifests that set nearly every
field the model reads are taken as bases. Each node of them in turn (a
mapping value or a list item, at any depth) is replaced by each value of
another shape: null, a number, a string, a boolean, an empty map, an
empty list, a map holding a list of null, a list holding null, a list of
lists. Every variant is a file of its own, all of them scanned in one run
with every built-in policy (project rules included). The model must read
each as well as it can (a wrong-shape note at most); no policy may fail
(no policy/error), nothing may crash, and the base files themselves must
give findings (a NetworkPolicy has none of its own), so the variants are
read at all.
"""
import json
import os
import subprocess
import sys
import tempfile

COMPOSE = {
    "name": "shapes",
    "services": {
        "web": {
            "image": "nginx:1.25",
            "build": {
                "context": ".",
                "dockerfile": "Dockerfile",
                "args": {"TOKEN": "abc"},
                "target": "final",
            },
            "user": "0:0",
            "ports": [
                "8080:80",
                {"target": 443, "published": "8443", "host_ip": "0.0.0.0",
                 "protocol": "tcp"},
            ],
            "expose": ["22"],
            "volumes": [
                "/var/run/docker.sock:/var/run/docker.sock",
                {"type": "bind", "source": "/etc", "target": "/host",
                 "read_only": False},
                {"type": "tmpfs", "target": "/tmp", "tmpfs": {"size": "64m"}},
                "data:/data",
            ],
            "tmpfs": ["/run:size=64m"],
            "environment": {"DB_PASSWORD": "hunter2", "PLAIN": "x"},
            "env_file": [".env", {"path": "other.env", "required": False}],
            "cap_add": ["NET_ADMIN", "SYS_ADMIN"],
            "cap_drop": ["NET_RAW"],
            "privileged": True,
            "read_only": False,
            "security_opt": ["no-new-privileges:false", "seccomp:unconfined",
                             "apparmor:unconfined", "systempaths=unconfined"],
            "network_mode": "host",
            "pid": "host",
            "ipc": "host",
            "uts": "host",
            "userns_mode": "host",
            "cgroup": "host",
            "sysctls": {"net.ipv4.ip_unprivileged_port_start": "0"},
            "devices": ["/dev/sda:/dev/sda"],
            "deploy": {
                "resources": {
                    "limits": {"cpus": "0.5", "memory": "512M", "pids": 100},
                    "reservations": {"cpus": "0.25", "memory": "256M"},
                },
            },
            "mem_limit": "512m",
            "mem_reservation": "256m",
            "cpus": 0.5,
            "pids_limit": 100,
            "healthcheck": {"test": ["CMD", "true"], "interval": "30s",
                            "disable": False},
            "depends_on": {"db": {"condition": "service_healthy"}},
            "command": ["sh", "-c", "apt-get install -y curl"],
            "entrypoint": "/bin/sh",
            "post_start": [{"command": ["sh", "-c", "apk add curl"]}],
            "pre_stop": [{"command": "apt-get install -y x"}],
            "working_dir": "/app",
            "labels": {"a": "b"},
            "group_add": ["0"],
            "secrets": ["s"],
            "networks": ["default"],
        },
        "db": {
            "image": "postgres:latest",
            "extends": {"service": "base"},
            "environment": ["POSTGRES_PASSWORD=secret", "X"],
            "sysctls": ["net.core.somaxconn=1024"],
            "healthcheck": {"test": "pg_isready", "disable": True},
            "ulimits": {"nproc": 65535, "nofile": {"soft": 1, "hard": 2}},
        },
        "base": {"image": "alpine"},
    },
    "secrets": {"s": {"file": "./s.txt"}},
    "volumes": {"data": {"driver": "local"}},
    "networks": {"default": {"driver": "bridge"}},
}

DOCKERFILE = """\
FROM alpine:3.19 AS final
ARG TOKEN
RUN apk add curl
USER 1000
"""

POD_SPEC = {
    "hostNetwork": True,
    "hostPID": True,
    "hostIPC": True,
    "hostUsers": True,
    "automountServiceAccountToken": True,
    "serviceAccountName": "default",
    "securityContext": {
        "runAsUser": 0,
        "runAsNonRoot": False,
        "runAsGroup": 0,
        "fsGroup": 0,
        "seccompProfile": {"type": "Unconfined"},
        "appArmorProfile": {"type": "Unconfined"},
        "sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start",
                     "value": "0"}],
    },
    "initContainers": [{
        "name": "init",
        "image": "busybox",
        "command": ["sh", "-c", "apt-get install -y curl"],
    }],
    "containers": [{
        "name": "app",
        "image": "example/app:latest",
        "imagePullPolicy": "IfNotPresent",
        "command": ["/bin/sh"],
        "args": ["-c", "sleep 1"],
        "ports": [{"containerPort": 22, "hostPort": 22, "hostIP": "0.0.0.0",
                   "protocol": "TCP"}],
        "env": [
            {"name": "API_TOKEN", "value": "hunter2"},
            {"name": "FROM_SECRET",
             "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
        ],
        "envFrom": [{"secretRef": {"name": "s"}}],
        "securityContext": {
            "privileged": True,
            "allowPrivilegeEscalation": True,
            "readOnlyRootFilesystem": False,
            "runAsUser": 0,
            "procMount": "Unmasked",
            "capabilities": {"add": ["SYS_ADMIN"], "drop": ["CHOWN"]},
            "seccompProfile": {"type": "Unconfined"},
        },
        "resources": {
            "limits": {"cpu": "500m", "memory": "1Gi"},
            "requests": {"cpu": "1e3", "memory": "512Mi"},
        },
        "volumeMounts": [
            {"name": "sock", "mountPath": "/var/run/docker.sock",
             "readOnly": False},
            {"name": "scratch", "mountPath": "/tmp"},
        ],
        "lifecycle": {
            "postStart": {"exec": {"command": ["sh", "-c", "apk add x"]}},
            "preStop": {"httpGet": {"path": "/stop", "port": 80}},
        },
        "livenessProbe": {"httpGet": {"path": "/", "port": 80}},
        "readinessProbe": {"exec": {"command": ["true"]}},
    }],
    "volumes": [
        {"name": "sock",
         "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
        {"name": "scratch", "emptyDir": {"medium": "Memory",
                                         "sizeLimit": "64Mi"}},
        {"name": "cfg", "configMap": {"name": "c"}},
    ],
}

MANIFESTS = {
    "deployment": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "app",
            "namespace": "prod",
            "labels": {"app": "web"},
            "annotations": {
                "container.apparmor.security.beta.kubernetes.io/app":
                    "unconfined",
            },
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": POD_SPEC,
            },
        },
    },
    "cronjob": {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "job"},
        "spec": {
            "schedule": "* * * * *",
            "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "c", "image": "busybox",
                                "securityContext": {"runAsUser": 0}}],
            }}}},
        },
    },
    "service": {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {
            "selector": {"app": "nothing"},
            "ports": [{"port": 80, "targetPort": 8080}],
        },
    },
    "networkpolicy": {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "deny", "namespace": "prod"},
        "spec": {
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {}}]}],
        },
    },
    "rollout": {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "r"},
        "spec": {"template": {"spec": {"containers": [
            {"name": "c", "image": "nginx",
             "securityContext": {"privileged": True}},
        ]}}},
    },
}

# Each a different shape from most of the values above.
WRONG = [None, 7, "x", True, {}, [], {"drop": [None]}, [None], [[1]]]


def scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v)  # a double-quoted YAML scalar


def emit(v, indent=0):
    """Block-style YAML for v, as lines."""
    pad = " " * indent
    out = []
    if isinstance(v, dict):
        if not v:
            return [pad + "{}"]
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(pad + json.dumps(k) + ":")
                out.extend(emit(x, indent + 2))
            else:
                out.append(pad + json.dumps(k) + ": " + flat(x))
        return out
    if isinstance(v, list):
        if not v:
            return [pad + "[]"]
        for x in v:
            if isinstance(x, (dict, list)) and x:
                inner = emit(x, indent + 2)
                out.append(pad + "- " + inner[0].lstrip())
                out.extend(inner[1:])
            else:
                out.append(pad + "- " + flat(x))
        return out
    return [pad + scalar(v)]


def flat(x):
    if isinstance(x, dict):
        return "{}" if not x else json.dumps(x)
    if isinstance(x, list):
        return "[]" if not x else json.dumps(x)
    return scalar(x)


def paths(v, prefix=()):
    """Every node below the root, as a path of keys and indexes."""
    items = v.items() if isinstance(v, dict) else (
        enumerate(v) if isinstance(v, list) else ())
    for k, x in items:
        yield prefix + (k,)
        yield from paths(x, prefix + (k,))


def replaced(v, path, new):
    v = json.loads(json.dumps(v))
    node = v
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = new
    return v


def same_shape(a, b):
    kinds = (type(None), bool, (int, float), str, dict, list)
    for t in kinds:
        if isinstance(a, t) and isinstance(b, t):
            return a == b if not isinstance(a, (dict, list)) else not a
    return False


def variants(base):
    for path in paths(base):
        old = base
        for k in path:
            old = old[k]
        for new in WRONG:
            if not same_shape(old, new):
                yield path, replaced(base, path, new)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    exe = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as d:
        where = {}
        n = 0
        for path, doc in [((), COMPOSE)] + list(variants(COMPOSE)):
            sub = "compose-%04d" % n
            os.mkdir(os.path.join(d, sub))
            write(os.path.join(d, sub, "compose.yaml"),
                  "\n".join(emit(doc)) + "\n")
            write(os.path.join(d, sub, "Dockerfile"), DOCKERFILE)
            write(os.path.join(d, sub, ".env"), "SECRET_KEY=abc\n")
            where[sub + "/compose.yaml"] = "compose " + "/".join(
                map(str, path))
            n += 1
        for name, base in MANIFESTS.items():
            for path, doc in [((), base)] + list(variants(base)):
                sub = "k8s-%04d" % n
                os.mkdir(os.path.join(d, sub))
                write(os.path.join(d, sub, name + ".yaml"),
                      "\n".join(emit(doc)) + "\n")
                where[sub + "/" + name + ".yaml"] = name + " " + "/".join(
                    map(str, path))
                n += 1
        p = subprocess.run([exe, "scan", "--no-config", "--format", "json",
                            "."], cwd=d, capture_output=True, text=True)
        # 2: a file could not be read whole (an error note), not a crash
        if p.returncode not in (0, 1, 2):
            failures.append("exit status %d: %s" % (p.returncode,
                                                    p.stderr[-2000:]))
        try:
            data = json.loads(p.stdout)
        except ValueError:
            data = None
            failures.append("no JSON: " + p.stderr[-2000:])
        if data is not None:
            for note in data["notifications"]:
                if note["kind"] == "policy-error" or not (
                        note["code"].startswith("compose/")
                        or note["code"].startswith("kubernetes/")
                        or note["code"].startswith("model/")
                        or note["code"].startswith("yaml/")):
                    failures.append("%s (%s): %s: %s" % (
                        note.get("path"), where.get(note.get("path"), "?"),
                        note["code"], note["message"]))
            seen = {f["path"] for f in data["findings"]}
            # the unchanged files (an empty path: "compose ", "service ")
            for base in [p for p in where if where[p].endswith(" ") and
                         not where[p].startswith("networkpolicy")]:
                if base not in seen:
                    failures.append("no finding on the base file " + base)
            if data["summary"]["files_scanned"] < n:
                failures.append("%d files scanned of %d written" % (
                    data["summary"]["files_scanned"], n))
        print("%d variants scanned" % n)
    for f in failures[:int(os.environ.get("SHOW", "40"))]:
        print("FAIL:", f)
    if len(failures) > 40:
        print("... and %d more" % (len(failures) - 40))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

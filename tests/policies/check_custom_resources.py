#!/usr/bin/env python3
"""Custom resources that carry a pod template are checked like the
workloads they stand for: check_custom_resources.py PLIMSOLL.

The same pod (a container and an init container with every problem the
container rules look for) is written as a Deployment and as an Argo
Rollout, an OpenShift DeploymentConfig, a Knative Service, a KEDA
ScaledJob, a Kubeflow PyTorchJob and in a List; every file rule must
report the same problems on each, except where the kind changes the
answer (pods that run to completion need no probes; Knative supplies a
readiness probe). Project rules (NetworkPolicies, Services) are left out:
they judge relations between objects, not containers.
"""
import json
import subprocess
import sys
import tempfile

PROJECT_RULES = {"network-policy-missing", "service-selector-matches-nothing"}
PROBES = {"liveness-probe-missing", "readiness-probe-missing"}

POD = """\
{indent}initContainers:
{indent}  - name: setup
{indent}    image: example/setup
{indent}    securityContext:
{indent}      privileged: true
{indent}containers:
{indent}  - name: app
{indent}    image: example/app:latest
{indent}    imagePullPolicy: IfNotPresent
{indent}    securityContext:
{indent}      runAsUser: 0
{indent}      allowPrivilegeEscalation: true
{indent}      capabilities:
{indent}        add: [SYS_ADMIN]
{indent}    volumeMounts:
{indent}      - name: sock
{indent}        mountPath: /var/run/docker.sock
{indent}volumes:
{indent}  - name: sock
{indent}    hostPath:
{indent}      path: /var/run/docker.sock
"""


def pod(indent):
    return POD.format(indent=" " * indent)


def template(head, depth):
    """A manifest whose pod spec sits `depth` levels of two spaces in."""
    return head + pod(2 * depth)


KINDS = {
    "Deployment": template("""apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
""", 3),
    "Rollout": template("""apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
""", 3),
    "DeploymentConfig": template("""apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: app}
spec:
  template:
    metadata: {labels: {app: app}}
    spec:
""", 3),
    "Service": template("""apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: app}
spec:
  template:
    spec:
""", 3),
    "ScaledJob": template("""apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: app}
spec:
  jobTargetRef:
    template:
      spec:
""", 4),
    "PyTorchJob": template("""apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: app}
spec:
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      template:
        spec:
""", 5),
    "List": template("""apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app}
    spec:
      selector: {matchLabels: {app: app}}
      template:
        metadata: {labels: {app: app}}
        spec:
""", 5),
}

# What each kind changes in the answer.
EXEMPT = {
    "ScaledJob": PROBES,
    "PyTorchJob": PROBES,
    "Service": {"readiness-probe-missing"},
}


def findings(exe, path):
    p = subprocess.run([exe, "scan", "--format", "json", path],
                       capture_output=True, text=True)
    data = json.loads(p.stdout)
    errors = [n for n in data["notifications"]
              if n.get("level") == "error"]
    got = {}
    for f in data["findings"]:
        if f["rule"] in PROJECT_RULES:
            continue
        # Which container: "init" or "app", from the message.
        who = "setup" if '"setup"' in f["message"] else "app"
        got.setdefault(who, set()).add(f["rule"])
    return got, errors


def main():
    exe = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        results = {}
        for kind, text in KINDS.items():
            path = "%s/%s.yaml" % (d, kind)
            with open(path, "w") as f:
                f.write(text)
            got, errors = findings(exe, path)
            if errors:
                failures.append("%s: errors %s" % (kind, errors))
            results[kind] = got
        base = results["Deployment"]
        if not base.get("app") or not base.get("setup"):
            failures.append("the Deployment gets no findings: %s" % base)
        for kind, got in results.items():
            for who in ("app", "setup"):
                want = base.get(who, set()) - EXEMPT.get(kind, set())
                have = got.get(who, set())
                if have != want:
                    failures.append(
                        "%s, container %s: missing %s, unexpected %s"
                        % (kind, who, sorted(want - have),
                           sorted(have - want)))
    for f in failures:
        print("FAIL " + f)
    if failures:
        return 1
    print("%d kinds, %d rules on the Deployment's containers: same findings"
          % (len(KINDS), len(base.get("app", set()) | base.get("setup",
                                                                 set()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The built-in project rules cost what the project's size does, not its
square. A namespace where every one of many apps writes the same
deny-all NetworkPolicy and a Service selecting the same common label
(as charts rendered side by side do) is scanned under an instruction
budget that the rules' work per object fits many times over, while
asking every policy for every pod, or every Service for every pod it
selects, would not: the rules must finish (no policy/instruction-limit
notification) with their findings:
- network-policy-missing: only the Deployment of a namespace with no
  NetworkPolicy;
- service-selector-matches-nothing: only the Service whose selector no
  pod template has.

usage: check_project_scale.py PLIMSOLL
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

PLIMSOLL = None
APPS = 400
# The budget per policy run (--policy-instructions). With 400 apps the
# rules charge about 48K and 71K (`plimsoll scan --profile`) asking each
# distinct selector once and stopping a Service at its first pod;
# asking all 400 deny-alls for all 400 pods charged 593K, and every
# Service for all 400 pods it selects 4.7M.
BUDGET = 300_000

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
  policyTypes: [Ingress]
---
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
  namespace: shop
spec:
  selector: {{app: web}}
"""

ODD = """\
apiVersion: v1
kind: Service
metadata:
  name: ghost
  namespace: shop
spec:
  selector: {app: nothing}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: lonely
  namespace: alone
spec:
  selector:
    matchLabels: {app: lonely}
  template:
    metadata:
      labels: {app: lonely}
    spec:
      containers:
        - name: app
          image: registry.example/lonely:1.0
"""


class ProjectScale(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = cls.tmp.name
        for i in range(APPS):
            with open(os.path.join(root, "app-%03d.yaml" % i), "w") as f:
                f.write(APP.format(i=i))
        with open(os.path.join(root, "odd.yaml"), "w") as f:
            f.write(ODD)
        r = subprocess.run(
            [PLIMSOLL, "scan", "--no-config", "--format", "json",
             "--only",
             "network-policy-missing,service-selector-matches-nothing",
             "--policy-instructions", str(BUDGET), "."],
            cwd=root, capture_output=True, text=True)
        if r.returncode not in (0, 1, 2):  # 2: a notification
            raise AssertionError("scan exited %d: %s%s" % (
                r.returncode, r.stderr, r.stdout[-2000:]))
        cls.out = json.loads(r.stdout)

    def findings(self, rule):
        return sorted((os.path.basename(f["path"]), f["region"]["start_line"])
                      for f in self.out["findings"] if f["rule"] == rule)

    def test_no_rule_runs_out_of_its_budget(self):
        codes = [n.get("code") for n in self.out["notifications"]]
        self.assertNotIn("policy/instruction-limit", codes,
                         json.dumps(self.out["notifications"])[:2000])
        self.assertEqual(self.out["summary"]["files_scanned"], APPS + 1)

    def test_only_the_lonely_deployment_lacks_a_network_policy(self):
        self.assertEqual(self.findings("network-policy-missing"),
                         [("odd.yaml", 12)])

    def test_only_the_ghost_service_selects_nothing(self):
        self.assertEqual(self.findings("service-selector-matches-nothing"),
                         [("odd.yaml", 7)])


if __name__ == "__main__":
    PLIMSOLL = os.path.abspath(sys.argv.pop(1))
    unittest.main()

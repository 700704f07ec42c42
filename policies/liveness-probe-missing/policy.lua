-- liveness-probe-missing:
-- a hung container that nothing probes stays hung.
local p = require("plimsoll")

-- KubeRay gives Ray head and worker containers probes of its own when
-- none is written.
local probed_by_operator = {RayCluster = true, RayService = true}

return {
	id = "liveness-probe-missing",
	title = "Long-running container has no liveness probe",
	severity = "low",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"availability", "CWE-754"},
	aliases = {"CKV_K8S_8", "no-liveness-probe",
		"ade74944-a674-4e00-859e-c6eab5bde441"},
	precision = "high",
	description = [[
Kubernetes restarts a container when its process exits, not when it stops
working. A deadlocked server, a worker stuck on a lost connection or a
process that has run out of file descriptors keeps running and keeps its
place, serving errors or nothing at all, until someone notices. A liveness
probe lets the kubelet find out and restart it.

A liveness probe that is too eager does harm too (restarts under load
cascade): probe something cheap that only fails when a restart would
help, and give it a generous `failureThreshold`.

What is reported: a container (and a sidecar: an init container with
`restartPolicy: Always`) of a long-running workload without
`livenessProbe`: Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, a Pod that restarts, and custom resources that
carry such a pod template (Argo Rollout, Knative Service, OpenShift
DeploymentConfig...). Not reported: ordinary init containers and
ephemeral containers (Kubernetes does not allow them probes), a
container with no `image:` (a patch, such as kustomize's, merged into a
base elsewhere), and pods
that run to completion: Job, CronJob, Argo Workflows, Tekton tasks, KEDA
ScaledJob, any kind whose name ends in `Job`, and a Pod with
`restartPolicy: Never` or `OnFailure`. A job that may hang wants
`activeDeadlineSeconds` instead. Nor are RayCluster and RayService,
whose containers get probes from KubeRay when none is written.

How to fix:

```yaml
# Before
containers:
  - name: api
    image: example/api:2.4.1
# After
containers:
  - name: api
    image: example/api:2.4.1
    livenessProbe:
      httpGet: {path: /healthz, port: 8080}
      periodSeconds: 10
      failureThreshold: 6
```

References:

- Kubernetes: [configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
  and [when to use a liveness probe](https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#when-should-you-use-a-liveness-probe)
]],
	check = function(doc, report)
		for c in p.containers(doc, "kubernetes") do
			local probed = (c.role == "container" or c.sidecar == true) and
				not p.partial(c)
			local kind = c.workload ~= nil and c.workload.kind or nil
			if probed and c.probes.liveness == nil and
				not probed_by_operator[kind] and
				not p.runs_to_completion(c) then
				report(c.probes, "liveness", ("%s has no liveness probe: "
					.. "if it hangs, nothing restarts it."):format(
					p.describe(c)),
					{fix = "Add a `livenessProbe` (httpGet, tcpSocket, grpc "
						.. "or exec) that fails only when a restart helps."})
			end
		end
	end,
}

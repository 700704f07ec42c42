-- readiness-probe-missing:
-- traffic reaches a container before it can serve, and after it stops.
local p = require("plimsoll")

-- Knative gives every serving container a readiness probe of its own
-- when none is written, and KubeRay every Ray head and worker.
local probed_by_operator = {Service = true, Configuration = true,
	Revision = true, RayCluster = true, RayService = true}

return {
	id = "readiness-probe-missing",
	title = "Long-running container has no readiness probe",
	severity = "low",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"availability"},
	aliases = {"CKV_K8S_9", "no-readiness-probe",
		"a659f3b5-9bf0-438a-bd9a-7d3a6427f1e3"},
	precision = "high",
	description = [[
Without a readiness probe a container counts as ready as soon as its
process starts. Services send it traffic while it is still loading, a
rolling update replaces old pods with new ones that cannot serve yet, and
a pod that loses its database keeps receiving requests it can only fail.
A readiness probe takes the pod out of its Services until it answers, and
makes rollouts wait for it.

What is reported: a container (and a sidecar: an init container with
`restartPolicy: Always`) of a long-running workload without
`readinessProbe`: Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, a Pod that restarts, and custom resources that
carry such a pod template (Argo Rollout, OpenShift DeploymentConfig...).
Not reported: ordinary init containers and ephemeral containers
(Kubernetes does not allow them probes); a container with no `image:`
(a patch, such as kustomize's, merged into a base elsewhere); pods that run to completion
(Job, CronJob, Argo Workflows, Tekton tasks, KEDA ScaledJob, any kind
whose name ends in `Job`, a Pod with `restartPolicy: Never` or
`OnFailure`), which serve no traffic; Knative Services and RayCluster and
RayService, whose containers get a readiness probe from Knative or
KubeRay when none is written.

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
    readinessProbe:
      httpGet: {path: /ready, port: 8080}
      periodSeconds: 5
```

References:

- Kubernetes: [configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes)
- Knative: [probes](https://knative.dev/docs/serving/services/configure-probing/)
]],
	check = function(doc, report)
		for c in p.containers(doc, "kubernetes") do
			local probed = (c.role == "container" or c.sidecar == true) and
				not p.partial(c)
			local kind = c.workload ~= nil and c.workload.kind or nil
			if probed and c.probes.readiness == nil and
				not probed_by_operator[kind] and
				not p.runs_to_completion(c) then
				report(c.probes, "readiness", ("%s has no readiness probe: "
					.. "it gets traffic before it can serve it."):format(
					p.describe(c)),
					{fix = "Add a `readinessProbe` that answers once the "
						.. "container can serve requests."})
			end
		end
	end,
}

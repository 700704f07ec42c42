-- memory-request-missing:
-- a container that requests no memory overcommits its node.
local p = require("plimsoll")

return {
	id = "memory-request-missing",
	title = "Container has no memory request",
	severity = "low",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"availability", "resources"},
	aliases = {"CKV_K8S_12", "unset-memory-requirements", "KSV016",
		"AVD-KSV-0016", "229588ef-8fde-40c8-8756-f4f2b5825ded"},
	precision = "high",
	description = [[
The scheduler places pods by their requests. A container that requests no
memory is placed as if it needed none, so nodes get overcommitted; when
memory runs short, the kubelet evicts pods that use more than they
requested first, and a pod with no requests at all (BestEffort) is the
first to go.

What is reported: a Kubernetes container or init container with neither
`resources.requests.memory` nor `resources.limits.memory` (Kubernetes
copies a limit into a missing request, so a limit alone is enough; a
Tekton step's `computeResources` counts). Not reported: ephemeral
containers, and a container with no `image:` (a patch, such as
kustomize's, merged into a base elsewhere). A namespace LimitRange can supply a default request, which
this rule cannot see.

How to fix: request what the container uses in steady state.

```yaml
# Before
containers:
  - name: api
    image: example/api:2.4.1
# After
containers:
  - name: api
    image: example/api:2.4.1
    resources:
      requests: {memory: 256Mi}
      limits: {memory: 512Mi}
```

References:

- Kubernetes: [resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
  and [node-pressure eviction](https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/)
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local skip = c.role == "ephemeral" or p.partial(c)
			if not skip and
				not p.resource_written(c, "requests", "memory") and
				not p.resource_written(c, "limits", "memory") then
				report(c.resources, "requests",
					("%s requests no memory: the scheduler may "
					.. "overcommit its node, and it is among the first pods "
					.. "evicted."):format(p.describe(c)),
					{fix = "Set `resources.requests.memory` "
						.. "(e.g. `256Mi`)."})
			end
		end
	end,
}

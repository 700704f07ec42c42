-- cpu-request-missing:
-- a container that requests no CPU starves when its node is busy.
local p = require("plimsoll")

return {
	id = "cpu-request-missing",
	title = "Container has no CPU request",
	severity = "low",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"availability", "resources"},
	aliases = {"CKV_K8S_10", "unset-cpu-requirements", "KSV015",
		"AVD-KSV-0015", "ca469dd4-c736-448f-8ac1-30a642705e0a"},
	precision = "high",
	description = [[
The scheduler places pods by their requests, and under contention the
kernel shares CPU in proportion to them. A container that requests no CPU
is placed as if it needed none and gets the smallest share when its node
is busy: it starves exactly when load is high.

What is reported: a Kubernetes container or init container with neither
`resources.requests.cpu` nor `resources.limits.cpu` (Kubernetes copies a
limit into a missing request; a Tekton step's `computeResources` counts).
Not reported: ephemeral containers, and a container with no `image:`
(a patch, such as kustomize's, merged into a base elsewhere). A namespace LimitRange can supply a
default request, which this rule cannot see.

How to fix:

```yaml
# Before
containers:
  - name: worker
    image: example/worker:3.1
# After
containers:
  - name: worker
    image: example/worker:3.1
    resources:
      requests: {cpu: 250m}
```

References:

- Kubernetes: [resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local skip = c.role == "ephemeral" or p.partial(c)
			if not skip and not p.resource_written(c, "requests", "cpu") and
				not p.resource_written(c, "limits", "cpu") then
				report(c.resources, "requests",
					("%s requests no CPU: it is scheduled as if it "
					.. "needed none and starves when its node is busy."):format(p.describe(c)),
					{fix = "Set `resources.requests.cpu` (e.g. `250m`)."})
			end
		end
	end,
}

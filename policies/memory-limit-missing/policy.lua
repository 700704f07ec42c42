-- memory-limit-missing:
-- a container without a memory limit can take all of its host's memory.
local p = require("plimsoll")

return {
	id = "memory-limit-missing",
	title = "Container has no memory limit",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"availability", "resources", "CWE-770"},
	aliases = {"CKV_K8S_13", "unset-memory-requirements", "KSV018",
		"AVD-KSV-0018", "b14d1bc4-a208-45db-92f0-e21f8e2588e9",
		"bb9ac4f7-e13b-423d-a010-c74a1bfbe492"},
	precision = "high",
	description = [[
A container without a memory limit may take all the memory of its node
or host. A leak or a burst of load then makes the kernel's OOM killer pick
victims among every container there, not just the guilty one; on
Kubernetes, the node comes under memory pressure and evicts other pods. A
limit turns that into one container restarted on its own.

What is reported: a Kubernetes container or init container without
`resources.limits.memory` (a Tekton step's `computeResources` counts), and
a Compose service with neither `deploy.resources.limits.memory` nor
`mem_limit`. Not reported: ephemeral containers (Kubernetes does not
allow them resources), and a service or container that is only part of
one, to be merged into a base elsewhere: a Compose service with no
`image:` nor `build:` (an override file scanned alone), a Kubernetes
container with no `image:` (a kustomize patch). A
namespace LimitRange can supply a default limit; this rule cannot see it,
so suppress the rule for such namespaces.

How to fix: set a limit a little above what the workload needs at peak.

```yaml
# Kubernetes, before
containers:
  - name: api
    image: example/api:2.4.1
# after
containers:
  - name: api
    image: example/api:2.4.1
    resources:
      requests: {memory: 256Mi}
      limits: {memory: 512Mi}
```

```yaml
# Compose, before
services:
  api:
    image: example/api:2.4.1
# after
services:
  api:
    image: example/api:2.4.1
    deploy:
      resources:
        limits: {memory: 512M}
```

References:

- Kubernetes: [resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
- Compose: [deploy resources](https://docs.docker.com/reference/compose-file/deploy/#resources)
- CIS Docker Benchmark 5.11 (ensure memory usage is limited); CWE-770
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local skip = c.role == "ephemeral" or p.partial(c)
			if not skip and not p.resource_written(c, "limits", "memory") then
				report(c.resources, "limits",
					("%s has no memory limit: it can use all of "
					.. "%s memory, and the OOM killer or an eviction then "
					.. "hits its neighbours too."):format(p.describe(c),
					p.docker_engine(c) and "the host's" or "its node's"),
					{fix = c.origin == "command" and "Add `--memory`, e.g. `--memory 512m`."
					or p.docker_engine(c)
						and "Set `deploy.resources.limits.memory` (or "
							.. "`mem_limit`), e.g. `512M`."
						or "Set `resources.limits.memory` (e.g. `512Mi`)."})
			end
		end
	end,
}

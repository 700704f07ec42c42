-- cpu-limit-missing:
-- a container without a CPU limit can take every core of its host.
local p = require("plimsoll")

return {
	id = "cpu-limit-missing",
	title = "Container has no CPU limit",
	severity = "low",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"availability", "resources", "CWE-770"},
	aliases = {"CKV_K8S_11", "unset-cpu-requirements", "KSV011",
		"AVD-KSV-0011", "4ac0e2b7-d2d2-4af7-8799-e8de6721ccda",
		"6b610c50-99fb-4ef0-a5f3-e312fd945bc3"},
	precision = "high",
	description = [[
Without a CPU limit a container may use every core of its node or host: a
busy loop, a runaway build or a denial-of-service against it slows down
everything else scheduled there. A limit caps the damage to the container
itself.

CPU limits have a cost: a container at its limit is throttled even when
the node is idle, which hurts latency. Many teams set CPU requests and no
CPU limits on Kubernetes for that reason, which is why this rule is low
severity; suppress it for workloads where you made that choice.

What is reported: a Kubernetes container or init container without
`resources.limits.cpu` (a Tekton step's `computeResources` counts), and a
Compose service with neither `deploy.resources.limits.cpus` nor `cpus`.
Not reported: ephemeral containers, and a service or container that is
only part of one: a Compose service with no `image:` nor `build:`, a
Kubernetes container with no `image:` (a kustomize patch). A namespace LimitRange can supply
a default limit, which this rule cannot see.

How to fix:

```yaml
# Kubernetes, before
resources:
  requests: {cpu: 250m}
# after
resources:
  requests: {cpu: 250m}
  limits: {cpu: "1"}
```

```yaml
# Compose, before
services:
  worker:
    image: example/worker:3.1
# after
services:
  worker:
    image: example/worker:3.1
    deploy:
      resources:
        limits: {cpus: "1.0"}
```

References:

- Kubernetes: [resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
- Compose: [deploy resources](https://docs.docker.com/reference/compose-file/deploy/#resources)
- CIS Docker Benchmark 5.12 (ensure CPU priority is set appropriately); CWE-770
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local skip = c.role == "ephemeral" or p.partial(c)
			if not skip and not p.resource_written(c, "limits", "cpu") then
				report(c.resources, "limits",
					("%s has no CPU limit: it can take every core "
					.. "of %s."):format(p.describe(c),
					p.docker_engine(c) and "the host" or "its node"),
					{fix = c.origin == "command" and "Add `--cpus`, e.g. `--cpus 1`."
					or p.docker_engine(c)
						and "Set `deploy.resources.limits.cpus` (or `cpus`), "
							.. "e.g. '1.0'."
						or "Set `resources.limits.cpu` (e.g. `1`), or suppress "
							.. "this rule where CPU is left unlimited on purpose."})
			end
		end
	end,
}

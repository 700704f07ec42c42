-- host-port: a hostPort binds the node's own network interface.
local p = require("plimsoll")

return {
	id = "host-port",
	title = "Container binds a port of its node (hostPort)",
	severity = "medium",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-668"},
	aliases = {"CKV_K8S_26", "KSV024", "AVD-KSV-0024"},
	precision = "very-high",
	description = [[
A `hostPort` opens a port on the node's own address that forwards to the
container: it bypasses the Service and NetworkPolicy model (traffic
arrives from outside the cluster network), limits how many replicas fit
on a node, and exposes the pod wherever the node is reachable. The Pod
Security Standards' baseline profile disallows it.

What is reported: each container port with a `hostPort`, on it.

How to fix: expose the pod through a Service (`ClusterIP`, or
`NodePort`/`LoadBalancer` when it must be reached from outside).

```yaml
# before
ports:
  - containerPort: 8080
    hostPort: 8080
# after
ports:
  - containerPort: 8080
# and a Service selecting the pod
```

References: Pod Security Standards, baseline: "Host Ports"; Checkov
CKV_K8S_26.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			for _, port in ipairs(c.ports or {}) do
				if port.host ~= nil and port.host ~= 0 then
					report(port, "host", ("%s binds port %s of its node "
						.. "(hostPort)"):format(p.describe(c),
						tostring(port.host)),
						{fix = "Remove hostPort and expose the pod through "
						.. "a Service."})
				end
			end
		end
	end,
}

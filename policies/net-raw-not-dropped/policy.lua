-- net-raw-not-dropped: NET_RAW is in the runtimes' default set, and it is
-- what ARP and DNS spoofing inside a cluster network need.
local p = require("plimsoll")

return {
	id = "net-raw-not-dropped",
	title = "NET_RAW capability is not dropped",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_28", "drop-net-raw-capability"},
	precision = "high",
	description = [[
`NET_RAW` lets a process open raw sockets: forge packets, answer ARP
requests for other addresses, spoof DNS replies to its neighbours on
the same bridge or pod network. Docker, containerd and CRI-O grant it by
default, and almost no application needs it (`ping` works without it on
current kernels through unprivileged ICMP sockets).

What is reported, once per container: a container whose dropped
capabilities include neither `NET_RAW` nor `ALL`, on the drop list when
there is one, else on the container. Adding it back after dropping
`ALL` is `added-capabilities`' finding.

How to fix:

```yaml
# before
securityContext: {}
# after
securityContext:
  capabilities:
    drop: ["ALL"]      # or at least NET_RAW
```

```yaml
# Compose, after
services:
  web:
    cap_drop: [NET_RAW]
```

References: CIS Kubernetes Benchmark 5.2.7 (5.2.8 in later versions),
"Minimize the admission of containers with the NET_RAW capability";
kube-linter `drop-net-raw-capability`.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local caps = c.capabilities
			local drop = caps and caps.drop
			if not p.contains(drop, "ALL", true) and
				not p.contains(drop, "NET_RAW", true) and
				not p.is_fragment(doc, c) then
				local node, field = c, "capabilities"
				if drop ~= nil and #drop > 0 then
					node, field = caps, "drop"
				end
				report(node, field, ("%s keeps NET_RAW: it can forge "
					.. "packets on its network"):format(p.describe(c)),
					{fix = c.origin == "command" and "Add `--cap-drop ALL` (or at least `--cap-drop NET_RAW`)."
					or p.docker_engine(c)
					and "Add `cap_drop: [ALL]` (or at least NET_RAW)."
					or "Add ALL (or at least NET_RAW) to "
					.. "`securityContext.capabilities.drop`."})
			end
		end
	end,
}

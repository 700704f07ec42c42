-- capabilities-not-dropped: the runtime's default capability set is wider
-- than most workloads need.
local p = require("plimsoll")

return {
	id = "capabilities-not-dropped",
	title = "Container does not drop all capabilities",
	severity = "low",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_37", "KSV003", "AVD-KSV-0003"},
	precision = "high",
	description = [[
Container runtimes grant a default set of capabilities (`CHOWN`,
`DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, ...). Most
applications need none of them. Drop them all, then add back only what is
needed.

What is reported, once per container: a container whose dropped
capabilities do not include `ALL` (Compose `cap_drop`, Kubernetes
`securityContext.capabilities.drop`), on the drop list when there is one,
else on the container. A privileged container is reported too (its
`privileged` is a finding of its own; without it, the capabilities are
what is left).

References: CIS Docker Benchmark 5.3, "Ensure that Linux kernel
capabilities are restricted within containers"; CIS Kubernetes Benchmark
5.2.8/5.2.9, "Minimize the admission of containers with capabilities
assigned"; Pod Security Standards, restricted: "Capabilities".

How to fix:

```yaml
# before
securityContext: {}
# after
securityContext:
  capabilities:
    drop: ["ALL"]
    add: ["NET_BIND_SERVICE"]   # only if needed
```

```yaml
# Compose, after
services:
  web:
    cap_drop: [ALL]
```
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local caps = c.capabilities
			local drop = caps and caps.drop
			if not p.contains(drop, "ALL", true) and not p.is_fragment(doc, c) then
				local node, field = c, "capabilities"
				if drop ~= nil and #drop > 0 then
					node, field = caps, "drop"
				end
				report(node, field, ("%s does not drop all capabilities")
					:format(p.describe(c)), {fix = c.origin == "command" and "Add `--cap-drop ALL` (and `--cap-add` only what it needs)."
					or p.docker_engine(c)
					and "Add `cap_drop: [ALL]`."
					or "Set `securityContext.capabilities.drop: [\"ALL\"]`."})
			end
		end
	end,
}

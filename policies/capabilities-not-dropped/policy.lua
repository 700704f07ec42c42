-- capabilities-not-dropped: the runtime's default capability set is wider
-- than most workloads need.
local p = require("plimsoll")

return {
	id = "capabilities-not-dropped",
	title = "Container does not drop all capabilities",
	severity = "low",
	applies_to = {"compose", "kubernetes"},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_28", "CKV_K8S_37"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/capabilities-not-dropped.md",
	description = [[
Container runtimes grant a default set of capabilities (`CHOWN`,
`DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, ...). Most
applications need none of them. Drop them all, then add back only what is
needed.

What is reported: a container whose dropped capabilities do not include
`ALL` (Compose `cap_drop`, Kubernetes `securityContext.capabilities.drop`).

How to fix:

```yaml
securityContext:
  capabilities:
    drop: ["ALL"]
```

```yaml
cap_drop: [ALL]
```
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local caps = c.capabilities
			local drop = caps and caps.drop
			if not p.contains(drop, "ALL", true) and c.privileged ~= true then
				local node, field = c, "capabilities"
				if drop ~= nil and #drop > 0 then
					node, field = caps, "drop"
				end
				report(node, field, ("%s does not drop all capabilities")
					:format(p.describe(c)), {fix = c.origin == "compose"
					and "Add `cap_drop: [ALL]`."
					or "Set `securityContext.capabilities.drop: [\"ALL\"]`."})
			end
		end
	end,
}

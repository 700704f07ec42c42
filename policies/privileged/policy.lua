-- privileged: a privileged container is root on the host in all but name.
local p = require("plimsoll")

return {
	id = "privileged",
	title = "Container runs privileged",
	severity = "critical",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_16", "privileged-container", "KSV017",
		"AVD-KSV-0017", "dd29336b-fe57-445b-a26e-e6aa867ae609"},
	precision = "very-high",
	description = [[
A privileged container gets every capability, every device of the host,
and no seccomp or AppArmor confinement: escaping it is trivial, and root in
it is root on the host.

What is reported: Compose `privileged: true`; Kubernetes
`securityContext.privileged: true`.

How to fix: remove `privileged`. Grant the one capability the workload
needs (`cap_add` / `capabilities.add`) or a device (`devices:`), not all of
them.

```yaml
# before
securityContext:
  privileged: true
# after: only what the agent needs
securityContext:
  capabilities:
    drop: ["ALL"]
    add: ["NET_ADMIN"]
```

References: CIS Docker Benchmark 5.4, "Ensure that privileged containers
are not used"; CIS Kubernetes Benchmark 5.2.1/5.2.2; Pod Security
Standards, baseline: "Privileged Containers".
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			if c.privileged == true then
				local e = c.origin == "compose"
					and p.edit_set(c, {"privileged"}, "false")
					or c.origin == "kubernetes" and p.edit_set(c,
						{"securityContext", "privileged"}, "false")
					or nil
				report(c, "privileged", ("%s runs privileged"):format(
					p.describe(c)), {fix = (c.origin == "command"
					and "Remove `--privileged`"
					or "Set `privileged: false` (or remove it)")
					.. "; add only the "
					.. "capabilities or devices the workload needs.",
					edits = p.edits_for(c, "privileged", e and {e})})
			end
		end
	end,
}

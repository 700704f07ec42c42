-- apparmor-unconfined: the AppArmor profile confines what files, mounts
-- and capabilities a container's processes may use.
local p = require("plimsoll")

return {
	id = "apparmor-unconfined",
	title = "AppArmor is disabled (unconfined)",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-693"},
	aliases = {"KSV002", "AVD-KSV-0002"},
	precision = "very-high",
	description = [[
On hosts with AppArmor, the runtime's default profile denies a container
writes to `/proc` and `/sys` files, mounts, and other moves that turn a
compromised process into a host compromise. `unconfined` removes it.

What is reported, once where it is written: Kubernetes
`appArmorProfile.type: Unconfined` (container or pod level) and the
legacy `container.apparmor.security.beta.kubernetes.io/<name>:
unconfined` annotation; Compose `security_opt: [apparmor:unconfined]`
(or `apparmor=unconfined`).

How to fix:

```yaml
# before
securityContext:
  appArmorProfile:
    type: Unconfined
# after
securityContext:
  appArmorProfile:
    type: RuntimeDefault
```

```yaml
# Compose: remove `apparmor:unconfined` from security_opt, or name a
# profile loaded on the host:
security_opt:
  - apparmor:my-app-profile
```

References: CIS Docker Benchmark 5.1, "Ensure that, if applicable, an
AppArmor Profile is enabled"; Pod Security Standards, baseline:
"AppArmor".
]],
	check = function(doc, report)
		local seen = {}
		for c in p.containers(doc) do
			if p.unconfined(c, "apparmor") and p.first_at(seen, c, "apparmor") then
				local who = p.meta(c, "apparmor").inherited and c.pod ~= nil
					and ("the pod of %s %q"):format(c.workload.kind,
						c.workload.name or "")
					or p.describe(c)
				report(c, "apparmor", ("%s runs without an AppArmor profile "
					.. "(unconfined)"):format(who),
					{fix = c.origin == "command"
						and "Remove `--security-opt apparmor=unconfined`."
						or p.docker_engine(c)
						and "Remove `apparmor:unconfined` from security_opt."
						or "Set `appArmorProfile.type: RuntimeDefault`."})
			end
		end
	end,
}

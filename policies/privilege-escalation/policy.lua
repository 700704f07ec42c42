-- privilege-escalation: setuid binaries and file capabilities can raise a
-- process's privileges unless no_new_privs is set.
local p = require("plimsoll")

return {
	id = "privilege-escalation",
	title = "Privilege escalation is not disabled",
	severity = "medium",
	applies_to = {"compose", "kubernetes"},
	tags = {"security", "CWE-269"},
	aliases = {"CKV_K8S_20", "CKV_DOCKER_NO_NEW_PRIVILEGES"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/privilege-escalation.md",
	description = [[
Unless the `no_new_privs` flag is set, a process can gain privileges
through setuid binaries (`su`, `sudo`, `ping` on some images) or file
capabilities, which turns a foothold as an unprivileged user into root.

What is reported: a Kubernetes container whose
`allowPrivilegeEscalation` is `true` or unset; a Compose service without
`security_opt: [no-new-privileges:true]`.

How to fix:

```yaml
securityContext:
  allowPrivilegeEscalation: false
```

```yaml
security_opt:
  - no-new-privileges:true
```
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local ape = c.allow_privilege_escalation
			if ape ~= false and c.privileged ~= true then
				local what, fix
				if c.origin == "compose" then
					what = ("%s can gain privileges: "
						.. "no-new-privileges is not set"):format(p.describe(c))
					fix = "Add `security_opt: [\"no-new-privileges:true\"]`."
				else
					what = ("%s allows privilege escalation%s")
						:format(p.describe(c), ape == true and ""
							or " (allowPrivilegeEscalation is unset)")
					fix = "Set `securityContext.allowPrivilegeEscalation: false`."
				end
				report(c, "allow_privilege_escalation", what, {fix = fix})
			end
		end
	end,
}

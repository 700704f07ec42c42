-- privilege-escalation: setuid binaries and file capabilities can raise a
-- process's privileges unless no_new_privs is set.
local p = require("plimsoll")

return {
	id = "privilege-escalation",
	title = "Privilege escalation is not disabled",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-269"},
	aliases = {"CKV_K8S_20", "privilege-escalation-container",
		"KSV001", "AVD-KSV-0001"},
	precision = "high",
	description = [[
Unless the `no_new_privs` flag is set, a process can gain privileges
through setuid binaries (`su`, `sudo`, `ping` on some images) or file
capabilities, which turns a foothold as an unprivileged user into root.

What is reported, once per container: a Kubernetes container whose
`allowPrivilegeEscalation` is `true` or unset (on the value when it is
written, else on the container); a Compose service without
`security_opt: [no-new-privileges:true]`. A privileged container is
reported too: `privileged` is its own finding, and removing it leaves
this one to fix (Kubernetes refuses `allowPrivilegeEscalation: false`
together with `privileged: true`, so the two are fixed together).

References: CIS Kubernetes Benchmark 5.2.5 (5.2.6 in later versions),
"Minimize the admission of containers with allowPrivilegeEscalation";
CIS Docker Benchmark 5.25, "Ensure that the container is restricted from
acquiring additional privileges"; Pod Security Standards, restricted:
"Privilege Escalation".

How to fix:

```yaml
# before
securityContext: {}
# after
securityContext:
  allowPrivilegeEscalation: false
```

```yaml
# Compose, after
services:
  web:
    security_opt:
      - no-new-privileges:true
```
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local ape = c.allow_privilege_escalation
			if ape ~= false and not p.is_fragment(doc, c) then
				local what, fix
				if p.docker_engine(c) then
					what = ("%s can gain privileges: "
						.. "no-new-privileges is not set"):format(p.describe(c))
					fix = c.origin == "command"
						and "Add `--security-opt no-new-privileges`."
						or "Add `security_opt: [\"no-new-privileges:true\"]`."
				else
					what = ("%s allows privilege escalation%s")
						:format(p.describe(c), ape == true and ""
							or c.privileged == true and " (it is privileged, "
							.. "and allowPrivilegeEscalation is unset)"
							or " (allowPrivilegeEscalation is unset)")
					fix = "Set `securityContext.allowPrivilegeEscalation: false`."
				end
				local e = c.origin == "kubernetes" and p.edit_set(c,
					{"securityContext", "allowPrivilegeEscalation"}, "false")
					or c.origin == "compose" and p.edit_set(c, {"security_opt"},
						'["no-new-privileges:true"]')
					or nil
				report(c, "allow_privilege_escalation", what,
					{fix = fix, edits = p.edits_for(c,
						"allow_privilege_escalation", e and {e})})
			end
		end
	end,
}

-- proc-mount-unmasked: the runtime masks parts of /proc that leak or
-- change the host's kernel state; Unmasked turns that off.
local p = require("plimsoll")

return {
	id = "proc-mount-unmasked",
	title = "Container's /proc is unmasked",
	severity = "high",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-668"},
	aliases = {"unsafe-proc-mount", "KSV027", "AVD-KSV-0027"},
	precision = "very-high",
	description = [[
Container runtimes mask and make read-only the parts of `/proc` that
expose or change the host's kernel (`/proc/kcore`, `/proc/sys`,
`/proc/sysrq-trigger`, `/proc/keys`...). `procMount: Unmasked` turns
that off; it is meant for nested container runtimes inside a user
namespace, and is a way out of the container anywhere else.

What is reported: `securityContext.procMount: Unmasked`, on it.

How to fix: remove `procMount` (or set it to `Default`).

```yaml
# before
securityContext:
  procMount: Unmasked
# after
securityContext: {}
```

References: Pod Security Standards, baseline: "/proc Mount Type".
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			if type(c.proc_mount) == "string" and
				c.proc_mount:lower() == "unmasked" then
				report(c, "proc_mount", ("%s mounts /proc unmasked")
					:format(p.describe(c)),
					{fix = "Remove `procMount: Unmasked`."})
			end
		end
	end,
}

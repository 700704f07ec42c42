-- seccomp-unconfined: the seccomp profile is what keeps a container from
-- most of the kernel's system calls, and from most kernel exploits.
local p = require("plimsoll")

return {
	id = "seccomp-unconfined",
	title = "Seccomp is disabled (unconfined)",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-693"},
	aliases = {"KSV104", "AVD-KSV-0104"},
	precision = "very-high",
	description = [[
The runtime's default seccomp profile blocks some 50 system calls a
container has no business making (`keyctl`, `bpf`, `unshare`, `mount`,
`kexec_load`...), and with them a good share of kernel exploits.
`Unconfined` turns the filter off.

What is reported, once where it is written: Kubernetes
`seccompProfile.type: Unconfined` (container or pod level, and the
legacy `seccomp.security.alpha.kubernetes.io` annotations) and Compose
`security_opt: [seccomp:unconfined]` (or `seccomp=unconfined`). A
seccomp profile that is merely unset is not reported here: Docker
applies its default, and on Kubernetes `RuntimeDefault` is what the
restricted profile asks for.

How to fix:

```yaml
# before
securityContext:
  seccompProfile:
    type: Unconfined
# after
securityContext:
  seccompProfile:
    type: RuntimeDefault
```

```yaml
# Compose: remove `seccomp:unconfined` from security_opt, or give a
# profile that allows the one call needed:
security_opt:
  - seccomp:./seccomp-with-perf.json
```

References: CIS Docker Benchmark 5.21, "Ensure the default seccomp
profile is not disabled"; CIS Kubernetes Benchmark 5.7.2; Pod Security
Standards, baseline: "Seccomp".
]],
	check = function(doc, report)
		local seen = {}
		for c in p.containers(doc) do
			if p.unconfined(c, "seccomp") and p.first_at(seen, c, "seccomp") then
				local who = p.meta(c, "seccomp").inherited and c.pod ~= nil
					and ("the pod of %s %q"):format(c.workload.kind,
						c.workload.name or "")
					or p.describe(c)
				report(c, "seccomp", ("%s runs without a seccomp profile "
					.. "(unconfined)"):format(who),
					{fix = c.origin == "command"
						and "Remove `--security-opt seccomp=unconfined`."
						or p.docker_engine(c)
						and "Remove `seccomp:unconfined` from security_opt."
						or "Set `seccompProfile.type: RuntimeDefault`."})
			end
		end
	end,
}

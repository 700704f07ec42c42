-- writable-root-filesystem: an immutable container is harder to persist in.
local p = require("plimsoll")

return {
	id = "writable-root-filesystem",
	title = "Container root filesystem is writable",
	severity = "low",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-732"},
	aliases = {"CKV_K8S_22", "no-read-only-root-fs", "KSV014",
		"AVD-KSV-0014"},
	precision = "high",
	description = [[
A writable root filesystem lets an attacker drop tools, change binaries
and persist. Run containers read-only and mount writable volumes (or a
`tmpfs`) only where the application writes.

What is reported: Kubernetes containers without
`readOnlyRootFilesystem: true`; Compose services without `read_only: true`.

How to fix:

```yaml
# before
securityContext: {}
# after
securityContext:
  readOnlyRootFilesystem: true
# with an emptyDir mounted where the application writes (/tmp, caches)
```

```yaml
# Compose, after
services:
  web:
    read_only: true
    tmpfs: [/tmp]
```

References: CIS Docker Benchmark 5.12, "Ensure that the container's root
filesystem is mounted as read only"; Checkov CKV_K8S_22.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			if c.read_only_rootfs ~= true and not p.is_fragment(doc, c) then
				local e = c.origin == "compose"
					and p.edit_set(c, {"read_only"}, "true")
					or c.origin == "kubernetes" and p.edit_set(c,
						{"securityContext", "readOnlyRootFilesystem"}, "true")
					or nil
				report(c, "read_only_rootfs", ("%s has a writable root "
					.. "filesystem"):format(
					p.describe(c)),
					{fix = c.origin == "command" and "Add `--read-only` (and `--tmpfs` for scratch space)."
					or p.docker_engine(c)
					and "Set `read_only: true` (add `tmpfs:` for scratch space)."
					or "Set `securityContext.readOnlyRootFilesystem: true`.",
					edits = p.edits_for(c, "read_only_rootfs", e and {e})})
			end
		end
	end,
}

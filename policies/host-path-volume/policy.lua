-- host-path-volume: a hostPath volume ties a pod to its node and opens
-- the node's filesystem to it.
local p = require("plimsoll")

return {
	id = "host-path-volume",
	title = "Pod uses a hostPath volume",
	severity = "medium",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-668"},
	aliases = {"KSV023", "AVD-KSV-0023"},
	precision = "very-high",
	description = [[
A `hostPath` volume mounts a file or directory of the node into the pod.
The Pod Security Standards' baseline profile forbids them: they break
the isolation between the pod and its node (and every other pod's data
on it), and many container escapes start from one.

What is reported: each `hostPath` volume a container mounts, once per
volume, on its `path`. A runtime socket or a sensitive path
(`docker-socket-mount`, `sensitive-host-mount`) is reported by those
rules instead, which say more.

How to fix: use a volume that is not the node's filesystem: an
`emptyDir`, a `persistentVolumeClaim`, a `configMap` or `secret`; for
node agents that need it, keep the path narrow and mount it read-only.

```yaml
# before
volumes:
  - name: cache
    hostPath:
      path: /tmp/cache
# after
volumes:
  - name: cache
    emptyDir: {}
```

References: Pod Security Standards, baseline: "HostPath Volumes"; CIS
Kubernetes Benchmark 5.2 (Pod Security Standards).
]],
	check = function(doc, report)
		local seen = {}
		for c in p.containers(doc) do
			for _, m in ipairs(c.mounts or {}) do
				if m.kind == "hostPath" and not p.runtime_socket(m.source)
					and not p.sensitive_path(m.source)
					and p.first_at(seen, m, "source") then
					report(m, "source", ("%s mounts hostPath volume %s")
						:format(p.describe(c), tostring(m.source)),
						{fix = "Use an emptyDir, a persistentVolumeClaim "
						.. "or a configMap instead of the node's path."})
				end
			end
		end
	end,
}

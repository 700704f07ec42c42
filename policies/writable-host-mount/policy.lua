-- writable-host-mount: a container that writes to the host's filesystem
-- can plant files the host, or other containers, will trust.
local p = require("plimsoll")

-- A Compose bind source outside the project: absolute or home-relative.
local function outside_project(source)
	return type(source) == "string" and (source:sub(1, 1) == "/" or
		source:sub(1, 1) == "~" or source:find("^%a:[\\/]") ~= nil)
end

return {
	id = "writable-host-mount",
	title = "A host path is mounted writable",
	severity = "low",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-732"},
	aliases = {"writable-host-mount"},
	precision = "medium",
	description = [[
A host directory mounted writable lets a compromised container change
files on the host: scripts or binaries the host runs, configuration
other services read, data of other containers. Mount host paths
read-only unless writing there is the point.

What is reported, where `readOnly`/`:ro` goes: a Kubernetes `hostPath`
volume mount without `readOnly: true`, and a Compose bind mount of an
absolute or home path (`/srv/data:/data`, `~/logs:/logs`) without `:ro`
(or `read_only: true`). Bind mounts of the project's own files
(`./src:/app`) are not reported: they are the usual way to develop with
Compose; nor are sources from a variable (`$PWD/data`, `${CONFIG}/x`),
which usually name the project's directory. Sensitive paths and runtime sockets are `sensitive-host-mount`'s
and `docker-socket-mount`'s findings.

How to fix:

```yaml
# before
volumeMounts:
  - name: logs
    mountPath: /var/log/app
# after
volumeMounts:
  - name: logs
    mountPath: /var/log/app
    readOnly: true
```

```yaml
# Compose, after
volumes:
  - /srv/reports:/reports:ro
```

References: CIS Docker Benchmark 5.5 and 5.6; kube-linter
`writable-host-mount`.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			for _, m in ipairs(c.mounts or {}) do
				-- A source from a variable (`$PWD/data`, `${CONFIG}/x`)
				-- is not known to be outside the project.
				local host = m.kind == "hostPath" or (m.kind == "bind" and
					not p.meta(m, "source").interpolated and
					outside_project(m.source))
				if host and m.read_only ~= true and
					not p.runtime_socket(m.source) and
					not p.sensitive_path(m.source) then
					local where = m.kind == "hostPath" and "read_only"
						or "source"
					report(m, where, ("%s mounts host path %s writable")
						:format(p.describe(c), tostring(m.source)),
						{fix = m.kind == "hostPath"
						 and "Add `readOnly: true` to the volumeMount."
						 or "Add `:ro` to the volume."})
				end
			end
		end
	end,
}

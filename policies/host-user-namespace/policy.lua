-- host-user-namespace: without a user namespace of its own, UID 0 in the
-- container is UID 0 on the host.
local p = require("plimsoll")

-- Volumes that work unchanged in a user namespace: the kubelet owns them
-- and maps their owners. Others (hostPath, claims on storage that may
-- not support ID-mapped mounts) need checking first.
local userns_safe = {emptyDir = true, secret = true, configMap = true,
	projected = true}

-- Where the pod-level suggestion lands: the pod spec, where hostUsers goes.
local function pod_node(c)
	return c.pod ~= nil and c.pod.source or c
end

return {
	id = "host-user-namespace",
	title = "Container shares the host's user namespace",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-653"},
	aliases = {},
	precision = "high",
	description = [[
A user namespace maps the container's UIDs to unprivileged UIDs of the
host: root in the container is then nobody on the host, and most
container escapes land without privileges. It is the idea behind
rootless containers, available to a pod or a service without running
the whole engine rootless.

What is reported:

- **Compose**: `userns_mode: host` (medium), on the setting: it opts the
  service out of the daemon's `userns-remap`.
- **Kubernetes**: a pod that sets `hostUsers: true` (low), on the
  setting; and, as an **info** suggestion, once per pod, a pod that does
  not set `hostUsers: false` when nothing in it prevents one (no
  `hostNetwork`, `hostPID` or `hostIPC`, nothing privileged). User
  namespaces for pods need Kubernetes 1.30 or later (beta, on by default
  from 1.33) and a runtime and filesystem that support ID-mapped mounts:
  the suggestion is for clusters that have them.

How to fix:

```yaml
# Kubernetes, after
spec:
  hostUsers: false
  containers:
    - name: app
      image: example/app:1.0
```

```yaml
# Compose: before
services:
  app:
    userns_mode: host
# after: remove userns_mode (and run dockerd with userns-remap, or
# Docker rootless)
```

References: CIS Docker Benchmark 2.8 ("Enable user namespace support")
and 5.30 ("Ensure that the host's user namespaces are not shared");
Kubernetes, "Use a User Namespace With a Pod".
]],
	check = function(doc, report)
		local seen = {}
		local pods = {}
		-- Kubernetes: what blocks hostUsers: false, per pod.
		for c in p.containers(doc, "kubernetes") do
			local id = c.pod and c.pod.id
			if id ~= nil then
				local info = pods[id] or {blocked = false, first = c}
				pods[id] = info
				local h = c.host or {}
				if h.network == true or h.pid == true or h.ipc == true or
					c.privileged == true then
					info.blocked = true
				end
				for _, m in ipairs(c.mounts or {}) do
					if not userns_safe[m.kind] then
						info.blocked = true
					end
				end
			end
		end
		for c in p.containers(doc) do
			local host = c.host
			if p.docker_engine(c) then
				if host ~= nil and host.users == true and
					not p.is_fragment(doc, c) then
					report(host, "users", ("%s shares the host's user "
						.. "namespace (userns_mode: host): root in it is "
						.. "root on the host"):format(p.describe(c)),
						{fix = "Remove `userns_mode: host`."})
				end
			elseif c.pod ~= nil and not seen[c.pod.id] then
				seen[c.pod.id] = true
				local who = ("the pod of %s %q"):format(
					c.workload and c.workload.kind or "workload",
					c.workload and c.workload.name or "")
				if host ~= nil and host.users == true then
					report(host, "users", ("%s shares the host's user "
						.. "namespace (hostUsers: true)"):format(who),
						{fix = "Set `hostUsers: false`.",
						 severity = "low"})
				elseif host ~= nil and host.users == nil and
					not pods[c.pod.id].blocked then
					report(pod_node(c), ("%s could run in its own user "
						.. "namespace: set hostUsers: false"):format(who),
						{fix = "Add `hostUsers: false` to the pod spec "
						.. "(Kubernetes 1.30 or later).", severity = "info"})
				end
			end
		end
	end,
}

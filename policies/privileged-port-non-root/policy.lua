-- privileged-port-non-root: a non-root process can bind a port below 1024
-- only with CAP_NET_BIND_SERVICE or a runtime that lowers the limit.
local p = require("plimsoll")

local function runs_non_root(c)
	return c.user.root == false or c.run_as_non_root == true
end

-- The runtime's limit is lowered (or the capability given) for it.
local function can_bind(c)
	local add = c.capabilities and c.capabilities.add
	if p.contains(add, "NET_BIND_SERVICE", true) or p.contains(add, "ALL", true)
		or c.privileged == true then
		return true
	end
	for _, s in ipairs(c.sysctls or {}) do
		if s.name == "net.ipv4.ip_unprivileged_port_start" then
			return true
		end
	end
	return false
end

-- A Dockerfile that gives a binary the capability itself (`setcap
-- cap_net_bind_service=+ep /usr/bin/nginx`).
local function sets_file_capability(doc)
	if doc.kind ~= "dockerfile" or not p.mentions(doc, "cap_net_bind_service")
		then
		return false
	end
	for ins in p.instructions(doc, "RUN") do
		for _, cmd in ipairs(p.find_commands(ins, "setcap")) do
			if cmd.text:lower():find("cap_net_bind_service", 1, true) then
				return true
			end
		end
	end
	return false
end

return {
	id = "privileged-port-non-root",
	title = "Non-root container uses a port below 1024",
	severity = "info",
	applies_to = {"dockerfile", "compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "portability"},
	aliases = {},
	precision = "medium",
	description = [[
Ports below 1024 are privileged: a process that does not run as root
needs `CAP_NET_BIND_SERVICE` to listen on one, unless the runtime lowers
`net.ipv4.ip_unprivileged_port_start` for the container (Docker 20.10 and
later, and containerd 2.0, do; Kubernetes with older containerd or
CRI-O, rootless Podman and many hardened setups do not). A non-root
container that listens on port 80 either fails to start there or
quietly depends on the runtime; listening on a high port works
everywhere.

What is reported (info), once per container, on its first such port: a
port below 1024 (`EXPOSE`,
Compose `ports` container side, Kubernetes `containerPort`) of a
container that runs as a non-root user (a non-zero `USER`/`user:`/
`runAsUser`, or `runAsNonRoot: true`) and neither adds
`NET_BIND_SERVICE` nor sets `net.ipv4.ip_unprivileged_port_start`, nor
(in a Dockerfile) gives a binary the capability with `setcap
cap_net_bind_service`.

How to fix: listen on a high port and map it.

```dockerfile
# before
USER 10001
EXPOSE 80
# after
USER 10001
EXPOSE 8080
```

```yaml
# Compose, after: the host's port 80 to the container's 8080
ports:
  - "80:8080"
```

References: capabilities(7) (`CAP_NET_BIND_SERVICE`); Kubernetes,
"Using sysctls in a Kubernetes Cluster".
]],
	check = function(doc, report)
		if sets_file_capability(doc) then
			return
		end
		for c in p.containers(doc) do
			if runs_non_root(c) and not can_bind(c) then
				local first, low = nil, {}
				for _, port in ipairs(c.ports or {}) do
					local n = port.container
					if math.type(n) == "integer" and n > 0 and n < 1024 then
						first = first or port
						low[#low + 1] = tostring(n)
					end
				end
				if first ~= nil then
					report(first, "container", ("%s runs as a non-root user "
						.. "and uses port%s %s, which need%s "
						.. "CAP_NET_BIND_SERVICE"):format(p.describe(c),
						#low > 1 and "s" or "", table.concat(low, ", "),
						#low > 1 and "" or "s"),
						{fix = "Listen on a port above 1023 (and map it), "
						.. "or add NET_BIND_SERVICE."})
				end
			end
		end
	end,
}

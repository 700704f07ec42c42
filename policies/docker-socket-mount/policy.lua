-- docker-socket-mount: the container runtime's socket is root on the host.
local p = require("plimsoll")

local sockets = {
	["/var/run/docker.sock"] = true, ["/run/docker.sock"] = true,
	["/var/run/containerd/containerd.sock"] = true,
	["/run/containerd/containerd.sock"] = true,
	["/var/run/crio/crio.sock"] = true, ["/run/crio/crio.sock"] = true,
	["/var/run/podman/podman.sock"] = true, ["/run/podman/podman.sock"] = true,
	["/var/run/cri-dockerd.sock"] = true, ["/run/cri-dockerd.sock"] = true,
}

local function socket_of(path)
	if type(path) ~= "string" then
		return nil
	end
	local norm = path:gsub("/+", "/"):gsub("/$", "")
	if sockets[norm] then
		return norm
	end
	-- The whole runtime directory.
	if norm == "/var/run" or norm == "/run" or norm == "/var/run/docker"
		or norm == "/run/containerd" or norm == "/var/run/containerd" then
		return norm
	end
	return nil
end

return {
	id = "docker-socket-mount",
	title = "Container runtime socket is mounted",
	severity = "critical",
	applies_to = {"compose", "kubernetes"},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_27", "docker-sock", "KSV006", "AVD-KSV-0006",
		"d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b"},
	precision = "very-high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/docker-socket-mount.md",
	description = [[
Whoever can talk to the Docker (or containerd, CRI-O, Podman) socket can
start a privileged container with the host's root filesystem mounted:
mounting the socket into a container gives that container root on the
host, read-only or not.

What is reported: a bind mount (Compose) or `hostPath` volume (Kubernetes)
of a runtime socket, or of the directory that holds it (`/var/run`,
`/run`).

How to fix: do not mount the socket. For CI builds use a rootless builder
(BuildKit rootless, kaniko); for monitoring, a read-only API proxy that
allows only the calls needed.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			for _, m in ipairs(c.mounts or {}) do
				local sock = (m.kind == "bind" or m.kind == "hostPath")
					and socket_of(m.source)
				if sock then
					report(m, "source", ("%s mounts the container "
						.. "runtime socket %s"):format(
						p.describe(c), sock), {fix = "Remove the mount; use a "
						.. "rootless builder or a filtering API proxy."})
				end
			end
		end
	end,
}

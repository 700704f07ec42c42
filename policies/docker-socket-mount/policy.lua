-- docker-socket-mount: the container runtime's socket is root on the host.
local p = require("plimsoll")

return {
	id = "docker-socket-mount",
	title = "Container runtime socket is mounted",
	severity = "critical",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_27", "docker-sock", "KSV006", "AVD-KSV-0006",
		"d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b"},
	precision = "very-high",
	description = [[
Whoever can talk to the Docker (or containerd, CRI-O, Podman) socket can
start a privileged container with the host's root filesystem mounted:
mounting the socket into a container gives that container root on the
host, read-only or not.

What is reported, on the mount's source: a bind mount (Compose) or
`hostPath` volume (Kubernetes) of a runtime socket (`docker.sock`,
`podman.sock`, `containerd.sock`, `crio.sock`, `cri-dockerd.sock`,
`buildkitd.sock` wherever they are: `/var/run/docker.sock`, the rootless
`/run/user/1000/docker.sock` and `${XDG_RUNTIME_DIR}/podman/podman.sock`,
Docker Desktop's `~/.docker/run/docker.sock`; Windows'
`\\.\pipe\docker_engine`), or of a directory that holds one (`/var/run`,
`/run`, `/run/containerd`...); and a mount whose host side is a variable
(`${DOCKER_SOCK}:/var/run/docker.sock`) when the container side is a
socket's path. A rootless daemon's socket is no safer to hand out: it
gives the container everything that user owns, and a way to run
anything as them.

References: CIS Docker Benchmark 5.31, "Ensure that the Docker socket is
not mounted inside any containers"; Pod Security Standards, baseline:
"HostPath Volumes".

How to fix: do not mount the socket. For CI builds use a rootless builder
(BuildKit rootless, kaniko); for monitoring, an API proxy that allows
only the calls needed.

```yaml
# before
services:
  traefik:
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
# after
services:
  socket-proxy:          # answers read-only container queries only
    image: tecnativa/docker-socket-proxy:0.2
    environment: {CONTAINERS: 1}
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
  traefik:
    environment:
      DOCKER_HOST: tcp://socket-proxy:2375
```

(The proxy still mounts the socket and is reported: that one finding,
suppressed with its reason, is the whole exposure.)
]],
	check = function(doc, report)
		local fix = {fix = "Remove the mount; use a rootless builder or "
			.. "a filtering API proxy."}
		for c in p.containers(doc) do
			for _, m in ipairs(c.mounts or {}) do
				local from_host = m.kind == "bind" or m.kind == "hostPath"
				local meta = p.meta(m, "source")
				local sock = from_host and p.runtime_socket(m.source)
				if sock then
					local what = p.is_socket_name(sock) and
						"the container runtime socket " .. sock or
						"host directory " .. sock .. ", which holds the "
						.. "container runtime's socket"
					report(m, "source", ("%s mounts %s%s"):format(
						p.describe(c), what, meta.interpolated and
						" (its path from a variable)" or ""), fix)
				elseif meta.interpolated and
					p.is_socket_name(m.target) then
					-- `${DOCKER_SOCK}:/var/run/docker.sock`: whatever the
					-- variable holds, the container expects a socket.
					report(m, "source", ("%s mounts a host path given by "
						.. "a variable at %s, where a container runtime's "
						.. "socket goes"):format(p.describe(c), m.target), fix)
				end
			end
		end
	end,
}

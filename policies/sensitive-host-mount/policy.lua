-- sensitive-host-mount: the host's configuration, kernel interfaces and
-- devices, mounted into a container, are the host.
local p = require("plimsoll")

return {
	id = "sensitive-host-mount",
	title = "A sensitive host path is mounted",
	severity = "high",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-668"},
	aliases = {"sensitive-host-mounts"},
	precision = "high",
	description = [[
Some host directories are the host: `/etc` holds its accounts, keys and
configuration, `/proc` and `/sys` its kernel's interfaces, `/dev` its
devices, `/boot` its kernel, `/root` the administrator's home,
`/var/lib/docker`, `/var/lib/containerd` and `/var/lib/kubelet` every
container's files and the node's credentials. Mounted writable, any of
them gives a compromised container the host; read-only, they still leak
secrets and the host's layout.

What is reported, on the mount's host path: a Compose bind mount or a
Kubernetes `hostPath` of `/`, `/etc` and its sensitive parts (accounts,
`sudoers`, `cron.d`, `ssh`, `kubernetes`, `cni`, `systemd`, `docker`,
private keys; not an application's own directory such as `/etc/nginx`,
nor `/etc/localtime`), `/proc`, `/sys`, `/dev` (and the host's disks),
`/boot`, `/root`, `/lib`, `/lib/modules`, `/usr`, `/bin`, `/sbin`,
`/var`, `/var/lib`, `/home`, `/var/lib/docker`, `/var/lib/containerd`,
`/var/lib/kubelet`, `/var/lib/etcd` and the like. High when the mount is writable, medium
when it is read-only. A container runtime's socket or its directory
(`/var/run`, `/run`) is `docker-socket-mount`'s finding.

How to fix: mount only the file or directory the workload needs (a
config map, a secret, a volume), read-only.

```yaml
# before
volumes:
  - name: host
    hostPath:
      path: /etc
# after
volumes:
  - name: config
    configMap:
      name: agent-config
```

References: CIS Docker Benchmark 5.5, "Ensure sensitive host system
directories are not mounted on containers"; Pod Security Standards,
baseline: "HostPath Volumes".
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			for _, m in ipairs(c.mounts or {}) do
				local from_host = m.kind == "bind" or m.kind == "hostPath"
				local path = from_host and not p.runtime_socket(m.source)
					and p.sensitive_path(m.source)
				if path then
					local rw = m.read_only ~= true
					report(m, "source", ("%s mounts the host's %s%s")
						:format(p.describe(c), path,
						rw and ", writable" or " (read-only)"),
						{severity = rw and "high" or "medium",
						 fix = "Mount only what the workload needs, "
						 .. "read-only, or a volume instead of the host path."})
				end
			end
		end
	end,
}

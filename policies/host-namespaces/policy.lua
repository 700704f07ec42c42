-- host-namespaces: sharing the host's network, PID, IPC or user namespace
-- removes a layer of isolation.
local p = require("plimsoll")

-- The namespaces, in the order their findings come; none for a
-- container whose pod was seen or that shares none.
local namespaces = {"network", "pid", "ipc", "uts"}
local none = {}

local what = {
	network = "the host's network namespace (it sees every interface and "
		.. "can reach services bound to localhost)",
	pid = "the host's PID namespace (it sees and can signal every process)",
	ipc = "the host's IPC namespace (shared memory of host processes)",
	uts = "the host's UTS namespace (it can change the host's hostname "
		.. "and domain name)",
}

local fixes = {
	compose = {network = "Remove `network_mode: host`.",
		pid = "Remove `pid: host`.", ipc = "Remove `ipc: host`.",
		uts = "Remove `uts: host`.",
	},
	command = {network = "Remove `--network host` (`--net host`).",
		pid = "Remove `--pid host`.", ipc = "Remove `--ipc host`.",
		uts = "Remove `--uts host`.",
	},
	kubernetes = {network = "Remove `hostNetwork: true`.",
		pid = "Remove `hostPID: true`.", ipc = "Remove `hostIPC: true`."},
}

return {
	id = "host-namespaces",
	title = "Container shares a host namespace",
	severity = "high",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-653"},
	aliases = {"CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "host-ipc",
		"host-network", "host-pid", "KSV008", "AVD-KSV-0008", "KSV009",
		"AVD-KSV-0009", "KSV010", "AVD-KSV-0010"},
	precision = "very-high",
	description = [[
Namespaces are what make a container a container. Sharing the host's
network, PID or IPC namespace lets the container see and reach the host's
interfaces, processes or shared memory; sharing its UTS namespace lets it
change the host's hostname.

What is reported, on the setting: Compose `network_mode: host`, `pid:
host`, `ipc: host`, `uts: host`; `docker run` / `podman run` `--network
host`, `--pid host`, `--ipc host`, `--uts host`; Kubernetes
`hostNetwork`, `hostPID`, `hostIPC: true`, once per pod (they are pod
settings, whatever the number of containers; a pod has no setting for
the UTS namespace).
The user namespace is `host-user-namespace`'s.

References: CIS Docker Benchmark 5.9, 5.15 and 5.16; CIS Kubernetes
Benchmark 5.2.2 to 5.2.4; Pod Security Standards, baseline: "Host
Namespaces".

How to fix: remove the setting; publish ports instead of sharing the
host network.

```yaml
# before
spec:
  hostNetwork: true
  containers:
    - name: web
      ports: [{containerPort: 8080}]
# after
spec:
  containers:
    - name: web
      ports: [{containerPort: 8080}]
# and a Service (or hostPort, if a node port is truly needed)
```
]],
	check = function(doc, report)
		-- Host namespaces are pod settings: one finding per pod, not
		-- one per container of it.
		local seen = {}
		for c in p.containers(doc) do
			local host = c.host
			local pod = c.pod
			local first = pod == nil or not seen[pod.id]
			if pod ~= nil then
				seen[pod.id] = true
			end
			for _, ns in ipairs(first and host ~= nil and namespaces or none) do
				if host[ns] == true then
					local who = pod ~= nil and c.workload ~= nil and
						("the pod of %s %q"):format(
							c.workload.kind or "workload",
							c.workload.name or "")
						or p.describe(c)
					report(host, ns, ("%s shares %s"):format(who,
						what[ns]),
						{fix = (fixes[c.origin] or fixes.kubernetes)[ns]})
				end
			end
		end
	end,
}

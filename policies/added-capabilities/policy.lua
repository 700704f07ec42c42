-- added-capabilities: each added Linux capability widens what a compromised
-- process can do; how much depends on the capability.
local p = require("plimsoll")

-- What each capability allows (capabilities(7)), and how much that hands
-- a compromised process: "high" for those that reach the host kernel or
-- other processes, enough to escape the container; "medium" for those that
-- weaken the container's own protections; "low" for the rest, most of
-- them in Docker's default set (marked default).
local caps = {
	ALL = {"high", "every capability, root's full power over the kernel"},
	AUDIT_CONTROL = {"medium", "configuring the kernel audit subsystem"},
	AUDIT_READ = {"low", "reading the audit log"},
	AUDIT_WRITE = {"low", "writing records to the kernel audit log (default)"},
	BLOCK_SUSPEND = {"low", "blocking system suspend"},
	BPF = {"high", "loading BPF programs, which can read kernel memory and "
		.. "trace every process of the host"},
	CHECKPOINT_RESTORE = {"medium", "checkpointing and restoring processes"},
	CHOWN = {"low", "changing the owner of any file (default)"},
	DAC_OVERRIDE = {"medium", "bypassing file read, write and execute "
		.. "permission checks (default)"},
	DAC_READ_SEARCH = {"high", "reading any file and opening files by "
		.. "handle, which reaches files of the host outside the container"},
	FOWNER = {"low", "bypassing checks that require owning a file "
		.. "(default)"},
	FSETID = {"low", "keeping setuid and setgid bits when changing a file "
		.. "(default)"},
	IPC_LOCK = {"low", "locking memory"},
	IPC_OWNER = {"medium", "bypassing permission checks on IPC objects"},
	KILL = {"low", "signalling processes of other users (default)"},
	LEASE = {"low", "taking leases on files"},
	LINUX_IMMUTABLE = {"low", "setting the immutable and append-only flags"},
	MAC_ADMIN = {"high", "changing the AppArmor, SELinux or Smack "
		.. "configuration that confines containers"},
	MAC_OVERRIDE = {"high", "overriding mandatory access control"},
	MKNOD = {"medium", "creating device files (default)"},
	NET_ADMIN = {"high", "configuring interfaces, routes and firewall rules "
		.. "and intercepting traffic of its network namespace"},
	NET_BIND_SERVICE = {"low", "binding ports below 1024 (default)"},
	NET_BROADCAST = {"low", "broadcasting and listening to multicast"},
	NET_RAW = {"medium", "raw sockets: forging packets and spoofing "
		.. "other pods' traffic (default)"},
	PERFMON = {"high", "performance monitoring of the whole system, which "
		.. "exposes kernel and other processes' data"},
	SETFCAP = {"medium", "setting file capabilities (default)"},
	SETGID = {"low", "changing its group IDs (default)"},
	SETPCAP = {"medium", "changing capability sets (default)"},
	SETUID = {"low", "changing its user IDs (default)"},
	SYSLOG = {"medium", "reading the kernel log, which leaks kernel "
		.. "addresses"},
	SYS_ADMIN = {"high", "mounting filesystems and most kernel "
		.. "administration, the usual way out of a container"},
	SYS_BOOT = {"high", "rebooting the host and loading a new kernel"},
	SYS_CHROOT = {"low", "chroot (default)"},
	SYS_MODULE = {"high", "loading kernel modules: arbitrary code in the "
		.. "host's kernel"},
	SYS_NICE = {"low", "raising process priorities"},
	SYS_PACCT = {"low", "switching process accounting"},
	SYS_PTRACE = {"high", "tracing and reading the memory of any process "
		.. "it can see"},
	SYS_RAWIO = {"high", "raw I/O ports and /dev/mem: the host's memory "
		.. "and devices"},
	SYS_RESOURCE = {"low", "overriding resource limits"},
	SYS_TIME = {"medium", "setting the host's clock, which is not "
		.. "namespaced"},
	SYS_TTY_CONFIG = {"low", "configuring terminals"},
	WAKE_ALARM = {"low", "setting wake-up alarms"},
}

return {
	id = "added-capabilities",
	title = "Container adds Linux capabilities",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_25", "CKV_K8S_39", "KSV022", "AVD-KSV-0022"},
	precision = "high",
	description = [[
Capabilities split root's powers; adding one hands a compromised process
that power. How much that matters depends on the capability, so each
finding says what the capability allows and its severity follows:

| severity | capabilities |
|---|---|
| high | `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `SYS_BOOT`, `DAC_READ_SEARCH`, `NET_ADMIN`, `BPF`, `PERFMON`, `MAC_ADMIN`, `MAC_OVERRIDE`: they reach the host's kernel, memory, files or other processes |
| medium | `DAC_OVERRIDE`, `MKNOD`, `SETFCAP`, `SETPCAP`, `NET_RAW`, `SYS_TIME`, `SYSLOG`, `IPC_OWNER`, `AUDIT_CONTROL`, `CHECKPOINT_RESTORE`, and names not listed here |
| low | `CHOWN`, `FOWNER`, `FSETID`, `KILL`, `SETUID`, `SETGID`, `SYS_CHROOT`, `AUDIT_WRITE` (Docker's default set) and the other minor ones |

Re-adding a capability of Docker's default set after `drop: [ALL]` is
still worth a look (a low finding), not an escape.
`NET_BIND_SERVICE` (binding ports below 1024) is not reported, nor any
capability the `allowed` setting lists.

What is reported: each entry of Compose `cap_add` and Kubernetes
`securityContext.capabilities.add`, on the entry.

How to fix: remove the capability; bind a high port instead of adding
`NET_BIND_SERVICE`'s neighbours; move the task that needs it to a
separate, short-lived container.

```yaml
# before
securityContext:
  capabilities:
    add: ["SYS_ADMIN"]
# after
securityContext:
  capabilities:
    drop: ["ALL"]
```

References: CIS Docker Benchmark 5.3; CIS Kubernetes Benchmark 5.2.8
and 5.2.9; Pod Security Standards, baseline: "Capabilities";
capabilities(7).
]],
	settings = {
		{name = "allowed", type = "list", default = {},
		 description = "Capabilities not reported when added (names as in "
			.. "`cap_add`, with or without `CAP_`, any case)."},
	},
	check = function(doc, report)
		local allowed = {NET_BIND_SERVICE = true}
		for _, name in ipairs(p.setting("allowed")) do
			allowed[name:upper():gsub("^CAP_", "")] = true
		end
		for c in p.containers(doc) do
			local add = c.capabilities and c.capabilities.add
			for i, cap in ipairs(add or {}) do
				if not allowed[cap] then
					local known = caps[cap]
					local severity = known and known[1] or "medium"
					local allows = known and known[2] or "a capability "
						.. "plimsoll does not know"
					report(add, i, ("%s adds capability %s (%s)"):format(
						p.describe(c), cap, allows),
						{severity = severity,
						 fix = "Remove " .. cap .. " from the added "
						 .. "capabilities."})
				end
			end
		end
	end,
}

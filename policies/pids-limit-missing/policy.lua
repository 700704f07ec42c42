-- pids-limit-missing:
-- a fork bomb in one container can exhaust the process table of the host.
local p = require("plimsoll")

-- deploy.resources.limits.pids, the Compose Specification's other spelling.
local deploy_keys = {"deploy", "resources", "limits"}

local function deploy_pids(c)
	local node = c.source
	for _, key in ipairs(deploy_keys) do
		node = p.is_node(node) and node[key] or nil
	end
	return p.is_node(node) and node.pids or nil
end

return {
	id = "pids-limit-missing",
	title = "Service has no process limit",
	severity = "low",
	applies_to = {"compose", "command"},
	needs = {containers = true},
	tags = {"availability", "resources", "CWE-770"},
	aliases = {"221e0658-cb2a-44e3-b08a-db96a341d6fa"},
	precision = "high",
	description = [[
Process IDs are shared by every container on a host. A container with no
PID limit can fork until the host's process table is full (a fork bomb,
or a leak of threads or zombie processes), and then nothing on the host,
containers or system services, can start a process.

What is reported: a Compose service with neither `pids_limit` nor
`deploy.resources.limits.pids`, or with one of them set to `-1` or `0`
(unlimited). Not reported: a service that is only part of one (no
`image:` nor `build:`, as in an override file scanned alone). Kubernetes
limits processes per pod on the node (the kubelet's `podPidsLimit`), not
in manifests.

How to fix: a few hundred processes is plenty for most services.

```yaml
# Before
services:
  api:
    image: example/api:2.4.1
# After
services:
  api:
    image: example/api:2.4.1
    pids_limit: 200
```

References:

- Compose: [pids_limit](https://docs.docker.com/reference/compose-file/services/#pids_limit)
- CIS Docker Benchmark 5.29 (ensure the PIDs cgroup limit is used); CWE-770
]],
	check = function(doc, report)
		for c in p.containers(doc, p.docker_engine) do
			-- Interpolated values stay strings; one that is not a number
			-- is left to whoever sets it.
			local limit, deploy = c.pids_limit, deploy_pids(c)
			local function limits(v)
				return v ~= nil and (tonumber(v) == nil or tonumber(v) > 0)
			end
			local set = limits(limit) or limits(deploy)
			if not set and not p.partial(c) then
				local unlimited = limit ~= nil or deploy ~= nil
				report(c, "pids_limit", ("%s %s: a fork bomb or a thread "
					.. "leak in it can exhaust the host's process IDs.")
					:format(p.describe(c), unlimited
						and ("sets its process limit to %s, which is "
							.. "unlimited"):format(tostring(limit or deploy))
						or "has no process limit"),
					{fix = c.origin == "command"
						and "Add `--pids-limit`, e.g. `--pids-limit 200`."
						or "Set `pids_limit` (e.g. `pids_limit: 200`)."})
			end
		end
	end,
}

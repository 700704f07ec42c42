-- added-capabilities: each added Linux capability widens what a compromised
-- process can do to the host.
local p = require("plimsoll")

-- Capabilities that amount to root on the host, or close to it.
local dangerous = {
	ALL = true, SYS_ADMIN = true, SYS_MODULE = true, SYS_PTRACE = true,
	SYS_RAWIO = true, DAC_READ_SEARCH = true, DAC_OVERRIDE = true,
	NET_ADMIN = true, BPF = true, PERFMON = true, SYS_BOOT = true,
	MAC_ADMIN = true, MAC_OVERRIDE = true, SETFCAP = true, SYS_TIME = true,
	MKNOD = true,
}

return {
	id = "added-capabilities",
	title = "Container adds Linux capabilities",
	severity = "medium",
	applies_to = {"compose", "kubernetes"},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_25", "CKV_K8S_39", "KSV022", "AVD-KSV-0022"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/added-capabilities.md",
	description = [[
Capabilities split root's powers; adding one back hands a compromised
process that power. Some (`SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`,
`NET_ADMIN`, `DAC_READ_SEARCH`, `ALL`, ...) are enough to escape the
container: those are reported as high.

`NET_BIND_SERVICE` (binding ports below 1024) is not reported, nor any
capability the `allowed` setting lists.

What is reported: each entry of Compose `cap_add` and Kubernetes
`securityContext.capabilities.add`.

How to fix: remove the capability, or bind a high port / use a sidecar
for the task that needed it.
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
					local bad = dangerous[cap] == true
					report(add, i, ("%s adds capability %s%s"):format(
						p.describe(c), cap, bad and ", which allows escaping "
						.. "the container" or ""),
						{severity = bad and "high" or nil,
						 fix = "Remove " .. cap .. " from the added "
						 .. "capabilities."})
				end
			end
		end
	end,
}

-- runtime-package-install: installing packages when the container starts
-- makes it mutable, slow to start, and dependent on a live mirror.
local p = require("plimsoll")

local function describe(inst)
	local pkgs = #inst.packages > 0 and (" " .. table.concat(inst.packages, " "))
		or ""
	return ("%s %s%s"):format(inst.manager, inst.subcommand, pkgs)
end

return {
	id = "runtime-package-install",
	title = "Packages are installed when the container starts",
	severity = "medium",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	tags = {"security", "CWE-494"},
	aliases = {},
	precision = "high",
	description = [[
A container that runs `apt-get install`, `apk add`, `pip install`, `npm
install`... when it starts downloads unverified code on every start,
needs network access and a writable root filesystem, and no longer matches
the image that was scanned. Install packages at build time, in the image.

What is reported: package installs (apt-get, apt, apk, yum, dnf, microdnf,
zypper, pip, npm, gem, ...) in a Dockerfile's final `CMD` / `ENTRYPOINT`,
a Compose service's `command` / `entrypoint`, or a Kubernetes container's
`command`, `args` or lifecycle hooks.

How to fix: move the install into a `RUN` instruction of the image.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local reported = false
			for _, field in ipairs({"entrypoint", "command"}) do
				local installs = p.package_installs(c[field])
				if #installs > 0 and not reported then
					reported = true
					report(c, field, ("%s installs packages when it starts "
						.. "(%s)"):format(p.describe(c), describe(installs[1])),
						{fix = "Install the packages in the image (a RUN "
						.. "instruction), not at start-up."})
				end
			end
			if not reported then
				local installs = p.package_installs(c)
				if #installs > 0 then
					report(c, c.command ~= nil and "command" or "entrypoint",
						("%s installs packages when it starts (%s)")
						:format(p.describe(c), describe(installs[1])))
				end
			end
			for _, hook in ipairs(c.lifecycle or {}) do
				local installs = p.package_installs(hook.command)
				if #installs > 0 then
					report(hook, "command", ("%s installs packages in its "
						.. "%s hook (%s)"):format(p.describe(c), hook.hook or "lifecycle",
						describe(installs[1])))
				end
			end
		end
	end,
}

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
	applies_to = {"dockerfile", "compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-494"},
	aliases = {},
	precision = "high",
	description = [[
A container that runs `apt-get install`, `apk add`, `pip install`, `npm
install`... when it starts downloads unverified code on every start,
needs network access and a writable root filesystem, and no longer matches
the image that was scanned. Install packages at build time, in the image.

What is reported: package installs (apt-get, apt, apk, yum, dnf, microdnf,
zypper, pip, npm, gem, ...) and installs of a project's dependencies
(`npm ci`, `yarn`, `bundle install`, `composer install`, `poetry
install`, `pipenv install`, `uv sync`), also inside `sh -c` scripts, in
a Dockerfile's final `CMD` / `ENTRYPOINT`,
a Compose service's `command` / `entrypoint`, or a Kubernetes container's
`command`, `args` or lifecycle hooks, also inside `sh -c` / `bash -c`
scripts (nested ones too), at the install command itself. A script the
command runs from a file (`./start.sh`) cannot be seen into and is not
reported.

How to fix: move the install into a `RUN` instruction of the image.

```dockerfile
# before
CMD ["sh", "-c", "pip install gunicorn && gunicorn app:app"]
# after
RUN pip install --no-cache-dir gunicorn==22.0.0
CMD ["gunicorn", "app:app"]
```

References: CWE-494, download of code without an integrity check.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			-- What the runtime runs (entrypoint, then command, and the
			-- scripts of sh -c in them, however deep), then the hooks;
			-- one finding for each, at the first install.
			local reported = {}
			for _, inst in ipairs(p.package_installs(c,
				{installs_only = true})) do
				local cmd = inst.command
				local key = cmd.hook or c
				if not reported[key] then
					reported[key] = true
					local fix = {fix = "Install the packages in the image (a "
						.. "RUN instruction), not at start-up."}
					-- A command is placed in the file when it came from
					-- the model; else the field.
					local at, field = cmd, nil
					if cmd.line == nil and not p.is_node(cmd) then
						at, field = cmd.hook or c, "command"
					end
					if cmd.hook then
						report(at, field, ("%s installs packages in its %s hook "
							.. "(%s)"):format(p.describe(c),
							cmd.hook.hook or "lifecycle", describe(inst)), fix)
					else
						report(at, field, ("%s installs packages when it "
							.. "starts (%s)"):format(p.describe(c),
							describe(inst)), fix)
					end
				end
			end
		end
	end,
}

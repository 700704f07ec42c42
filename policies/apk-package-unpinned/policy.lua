-- apk-package-unpinned: apk packages without a version (info severity,
-- see the description).
local p = require("plimsoll")

-- The simple commands of a RUN, each with the command node a finding
-- lands on and its argv without wrappers (sudo, env A=B...). The model
-- lists the commands of a `sh -c "..."` script after the sh command
-- itself, each with its own position.
local script_runners = {sh = true, bash = true, ash = true, dash = true,
	zsh = true, ksh = true, su = true, runuser = true}

local function run_commands(ins)
	local out = {}
	for _, node in ipairs(ins.commands or {}) do
		local argv = {}
		for _, a in ipairs(node.argv or {}) do
			argv[#argv + 1] = tostring(a)
		end
		argv = p.unwrap(argv)
		-- `sh -c SCRIPT`, `su user -c SCRIPT`: the script's commands
		-- follow as commands of their own; judging the wrapper too would
		-- report them twice.
		local runner = argv[1] and script_runners[p.basename(argv[1])]
		local script = false
		for k = 2, #argv do
			script = script or argv[k] == "-c" or
				argv[k]:match("^%-%a*c%a*$") ~= nil
		end
		if not (runner and script) then
			out[#out + 1] = {node = node, argv = argv,
				text = tostring(node.text or "")}
		end
	end
	return out
end

local function unpinned(pkgs)
	local out = {}
	for _, a in ipairs(pkgs) do
		if not a:find("[=~<>]") and not a:find("/", 1, true) and
			not a:find("$", 1, true) and not a:find("%.apk$") then
			out[#out + 1] = a
		end
	end
	return out
end

return {
	id = "apk-package-unpinned",
	title = "apk package installed without a version",
	severity = "info",
	applies_to = {"dockerfile"},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3018"},
	precision = "very-high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apk-package-unpinned.md",
	description = [[
`apk add curl` installs whatever version the mirror has on the day of the
build, so two builds of one Dockerfile can differ.

**Why this is only `info`.** Alpine's repositories keep only the latest
build of each package in a branch: an exact pin (`curl=8.5.0-r0`) breaks
the build as soon as a security fix replaces that package, and teams then
hold back security updates to keep builds green. A fuzzy pin
(`curl~8.5`) or pinning the base image by digest and rebuilding
regularly is usually the better trade. Teams that do not pin can
`--skip apk-package-unpinned`.

What is reported: `apk add` package names without a version constraint
(`=`, `~`, `<`, `>`), once per command. Not reported: `.apk` files, paths,
virtual package names (`--virtual .build-deps`) and variables.

How to fix:

When pinning:

```dockerfile
# Before
RUN apk add --no-cache curl
# After
RUN apk add --no-cache curl~8.5
```

References:

- Alpine wiki: [Alpine Package Keeper](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper) (version constraints)
]],
	check = function(doc, report)
		if not p.mentions(doc, "apk") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(run_commands(ins)) do
				local inst = p.package_installs(cmd.argv)[1]
				local loose = inst and inst.manager == "apk" and
					unpinned(inst.packages) or {}
				if #loose > 0 then
					report(cmd.node, ("apk installs %s without a version.")
						:format(table.concat(loose, ", ")),
						{fix = "Constrain each package (name~major.minor or "
						.. "name=version), or pin the base image by digest."})
				end
			end
		end
	end,
}

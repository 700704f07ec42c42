-- apt-package-unpinned: apt packages without a version (off the noisy
-- end: info severity, see the description).
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


-- apt-get/apt options whose value is the next word.
local apt_value_opts = {["-o"] = true, ["--option"] = true, ["-t"] = true,
	["--target-release"] = true, ["-c"] = true, ["--config-file"] = true,
	["-a"] = true, ["--host-architecture"] = true}

-- An apt-get or apt command line: {sub, opts, args}; an option with a
-- value is kept as "-o=VALUE".
local function apt_parse(argv)
	local prog = argv[1] and p.basename(argv[1])
	if prog ~= "apt-get" and prog ~= "apt" then
		return nil
	end
	local r = {prog = prog, opts = {}, args = {}}
	local k = 2
	while argv[k] ~= nil do
		local a = argv[k]
		if apt_value_opts[a] then
			r.opts[#r.opts + 1] = a .. "=" .. tostring(argv[k + 1] or "")
			k = k + 1
		elseif a:sub(1, 1) == "-" then
			r.opts[#r.opts + 1] = a
		elseif r.sub == nil then
			r.sub = a
		else
			r.args[#r.args + 1] = a
		end
		k = k + 1
	end
	return r
end

local function unpinned(args)
	local out = {}
	for _, a in ipairs(args) do
		-- name=version pins; a .deb file, a path, a name/release or a
		-- variable is something else.
		if not a:find("=", 1, true) and not a:find("/", 1, true) and
			not a:find("$", 1, true) and not a:find("%.deb$") and
			not a:find("^%-") then
			out[#out + 1] = a
		end
	end
	return out
end

return {
	id = "apt-package-unpinned",
	title = "apt package installed without a version",
	severity = "info",
	applies_to = {"dockerfile"},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3008"},
	precision = "very-high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apt-package-unpinned.md",
	description = [[
`apt-get install curl` installs whatever version the mirror has on the
day of the build, so two builds of one Dockerfile can differ.

**Why this is only `info`.** Pinning Debian and Ubuntu packages is often
worse than the problem: the archive keeps only the current version of a
package in a release, so a pin such as `curl=7.88.1-10+deb12u4` makes the
build fail as soon as a security update replaces it, and teams then stop
taking security updates to keep builds green. Pinning the base image by
digest and rebuilding regularly gives reproducible images without that
trap. This rule is here for teams that do pin (with a snapshot mirror such
as snapshot.debian.org); others can skip it: `--skip apt-package-unpinned`.

What is reported: `apt-get install` / `apt install` package names without
`=version`, once per command. Not reported: `.deb` files, `name/release`,
and packages given by a variable.

How to fix:

When pinning:

```dockerfile
# Before
RUN apt-get install -y --no-install-recommends curl
# After
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
```

References:

- Docker: [best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get) (version pinning)
- [snapshot.debian.org](https://snapshot.debian.org/), an archive of every past package version
]],
	check = function(doc, report)
		if not p.mentions(doc, "apt") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(run_commands(ins)) do
				local apt = apt_parse(cmd.argv)
				local loose = apt and apt.sub == "install" and
					unpinned(apt.args) or {}
				if #loose > 0 then
					report(cmd.node, ("%s installs %s without a version.")
						:format(apt.prog, table.concat(loose, ", ")),
						{fix = "Pin each package as name=version, or pin "
						.. "the base image by digest instead."})
				end
			end
		end
	end,
}

-- apt-get-missing-yes: apt-get install without -y waits for an answer
-- that never comes in a build.
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

-- Subcommands that ask "Do you want to continue?".
local prompts = {install = true, upgrade = true, ["dist-upgrade"] = true,
	["full-upgrade"] = true, remove = true, purge = true, autoremove = true,
	["build-dep"] = true, reinstall = true}

-- Options that only simulate: nothing to confirm.
local simulate = {["-s"] = true, ["--simulate"] = true, ["--dry-run"] = true,
	["--just-print"] = true, ["--no-act"] = true, ["--recon"] = true,
	["--print-uris"] = true, ["--download-only"] = true, ["-d"] = true}

local function assumes_yes(opts)
	for _, o in ipairs(opts) do
		if simulate[o] or o == "--yes" or o == "--assume-yes" or o == "--force-yes" or
			o == "-q=2" or o == "--quiet=2" or
			(o:match("^%-[%a]+$") and (o:find("y") or
				select(2, o:gsub("q", "")) >= 2)) or
			o:lower():match("assume%-yes=[\"']?t") or
			o:lower():match("assume%-yes=[\"']?1") or
			o:lower():match("assume%-yes=[\"']?y") then
			return true
		end
	end
	return false
end

return {
	id = "apt-get-missing-yes",
	title = "apt-get asks for confirmation in a build",
	severity = "medium",
	applies_to = {"dockerfile"},
	tags = {"reliability"},
	aliases = {"DL3014", "DS021"},
	precision = "very-high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apt-get-missing-yes.md",
	description = [[
A build has no one to answer apt-get's "Do you want to continue? [Y/n]":
without `-y` the command aborts as soon as it would install or remove
anything beyond what was asked, so a build that works today fails the day
a dependency changes.

What is reported: `apt-get` (or `apt`) `install`, `upgrade`,
`dist-upgrade`, `remove`, `purge`, `autoremove`, `build-dep` without `-y`
(`--yes`, `--assume-yes`, a flag cluster such as `-qy`, `-qq`, or
`-o APT::Get::Assume-Yes=true`), at the command inside the `RUN`. Output
piped from `yes` counts as an answer, a simulation (`-s`,
`--dry-run`) or download (`-d`) asks nothing, and a Dockerfile that configures
`APT::Get::Assume-Yes` itself is not reported.

How to fix:

```dockerfile
# Before
RUN apt-get update && apt-get install curl
# After
RUN apt-get update && apt-get install -y curl
```

References:

- [apt-get(8)](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html), option `-y`
- Docker: [best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
]],
	check = function(doc, report)
		if not p.mentions(doc, "apt") or p.mentions(doc, "Assume-Yes") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			local cmds = run_commands(ins)
			for i, cmd in ipairs(cmds) do
				local apt = apt_parse(cmd.argv)
				local piped_yes = i > 1 and cmds[i - 1].node ~= cmd.node and
					p.program(cmds[i - 1].argv) == "yes"
				if apt and apt.sub and prompts[apt.sub] and
					not assumes_yes(apt.opts) and not piped_yes then
					report(cmd.node, ("`%s %s` without -y aborts at the "
						.. "confirmation prompt whenever it has more to do "
						.. "than asked."):format(apt.prog, apt.sub),
						{fix = ("Use `%s %s -y ...`."):format(apt.prog,
						apt.sub)})
				end
			end
		end
	end,
}

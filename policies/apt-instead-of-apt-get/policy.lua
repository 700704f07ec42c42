-- apt-instead-of-apt-get: apt is the interactive front end; scripts use
-- apt-get and apt-cache.
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

return {
	id = "apt-instead-of-apt-get",
	title = "apt is used instead of apt-get",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"reliability"},
	aliases = {"DL3027", "CKV_DOCKER_9"},
	precision = "very-high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apt-instead-of-apt-get.md",
	description = [[
`apt` is made for people at a terminal: its output and behaviour may
change between releases ("apt does not have a stable CLI interface. Use
with caution in scripts", it warns), it shows progress bars meant for a
screen, and its defaults differ from apt-get's. A build is a script.

What is reported: each `apt` command in a `RUN`, at the command.

How to fix: use `apt-get` (install, update, remove...) or `apt-cache`
(search, show, policy).

```dockerfile
# Before
RUN apt update && apt install -y curl
# After
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

References:

- [apt(8)](https://manpages.debian.org/bookworm/apt/apt.8.en.html), "Script usage and differences from other APT tools"
]],
	check = function(doc, report)
		if not p.mentions(doc, "apt") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(run_commands(ins)) do
				if cmd.argv[1] and p.basename(cmd.argv[1]) == "apt" and
					cmd.argv[2] ~= nil then
					report(cmd.node, ("`%s` uses apt, whose command line is "
						.. "not stable for scripts."):format(cmd.text),
						{fix = "Use apt-get (or apt-cache) instead."})
				end
			end
		end
	end,
}

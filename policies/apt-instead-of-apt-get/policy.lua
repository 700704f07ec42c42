-- apt-instead-of-apt-get: apt is the interactive front end; scripts use
-- apt-get and apt-cache.
local p = require("plimsoll")

return {
	id = "apt-instead-of-apt-get",
	title = "apt is used instead of apt-get",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"apt"}},
	tags = {"reliability"},
	aliases = {"DL3027", "CKV_DOCKER_9"},
	precision = "very-high",
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
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
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

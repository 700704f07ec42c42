-- apt-get-missing-yes: apt-get install without -y waits for an answer
-- that never comes in a build.
local p = require("plimsoll")

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
	needs = {instructions = {"RUN"}, mentions = {"apt"}},
	tags = {"reliability"},
	aliases = {"DL3014", "DS021"},
	precision = "very-high",
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
		if p.mentions(doc, "Assume-Yes") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			local cmds = p.run_commands(ins)
			for i, cmd in ipairs(cmds) do
				local apt = p.apt_parse(cmd.argv)
				local piped_yes = i > 1 and cmds[i - 1].node ~= cmd.node and
					p.program(cmds[i - 1].argv) == "yes"
				if apt and apt.sub and prompts[apt.sub] and
					not assumes_yes(apt.opts) and not piped_yes then
					report(cmd.node, ("`%s %s` without -y aborts at the "
						.. "confirmation prompt whenever it has more to do "
						.. "than asked."):format(apt.prog, apt.sub),
						{fix = ("Use `%s %s -y ...`."):format(apt.prog,
						apt.sub), edits = {p.edit_after_word(ins, cmd.node,
						apt.sub, " -y")}})
				end
			end
		end
	end,
}

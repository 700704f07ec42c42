-- apt-get-no-install-recommends: recommended packages bloat the image and
-- its attack surface.
local p = require("plimsoll")

local function skips_recommends(opts)
	for _, o in ipairs(opts) do
		local l = o:lower()
		if l == "--no-install-recommends" or
			l:match("install%-recommends=[\"']?f") or
			l:match("install%-recommends=[\"']?0") or
			l:match("install%-recommends=[\"']?no") then
			return true
		end
	end
	return false
end

return {
	id = "apt-get-no-install-recommends",
	title = "apt-get installs recommended packages",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"apt"}},
	tags = {"image-size", "attack-surface"},
	aliases = {"DL3015", "DS029"},
	precision = "high",
	description = [[
By default apt installs every package a package *recommends*: for
`python3-dev` that is dozens of megabytes of compilers and libraries the
image never uses, each one more thing to patch and more code an attacker
can use.

What is reported: `apt-get install` (or `apt install`) without
`--no-install-recommends` (or `-o APT::Install-Recommends=false`), at the
command, in the stages whose layers ship in the image (the final stage and
the stages it is built FROM; a builder stage's extra packages stay
behind). A Dockerfile that configures `APT::Install-Recommends` in an
apt.conf file is not reported.

How to fix:

```dockerfile
# Before
RUN apt-get install -y python3-dev
# After
RUN apt-get install -y --no-install-recommends python3-dev
```

References:

- Docker: [best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
- [apt.conf(5)](https://manpages.debian.org/bookworm/apt/apt.conf.5.en.html), `APT::Install-Recommends`
]],
	check = function(doc, report)
		if p.mentions(doc, "Install-Recommends") then
			return
		end
		local shipped = p.shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] then
				for _, cmd in ipairs(p.run_commands(ins)) do
					local apt = p.apt_parse(cmd.argv)
					if apt and apt.sub == "install" and #apt.args > 0 and
						not skips_recommends(apt.opts) then
						report(cmd.node, ("`%s install` also installs every "
							.. "recommended package."):format(apt.prog),
							{fix = "Add --no-install-recommends.",
							 edits = {p.edit_after_word(ins, cmd.node,
								"install", " --no-install-recommends")}})
					end
				end
			end
		end
	end,
}

-- gem-package-unpinned: gems without a version (info severity, see the
-- description).
local p = require("plimsoll")

local function has_version_option(argv)
	for _, a in ipairs(argv) do
		if a == "-v" or a == "--version" or a:find("^%-%-version=") or
			a:find("^%-v%d") then
			return true
		end
	end
	return false
end

return {
	id = "gem-package-unpinned",
	title = "gem installed without a version",
	severity = "info",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"gem"}},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3028"},
	precision = "very-high",
	description = [[
`gem install bundler` installs the newest release on the day of the build:
a rebuild can pull a breaking major version (Bundler 1 to 2 broke many
images) or a malicious release of a hijacked gem.

**Why this is only `info`.** A Gemfile.lock installed with
`bundle install` (not reported) pins the whole tree, which a version on
the command line does not. Teams that do not pin can
`--skip gem-package-unpinned`.

What is reported: `gem install` names without a version (`-v 2.5.6`,
`--version`, or `name:2.5.6`), once per command. Not reported: `.gem`
files and variables.

How to fix:

```dockerfile
# Before
RUN gem install bundler
# After
RUN gem install bundler -v 2.5.6
```

References:

- RubyGems: [gem install](https://guides.rubygems.org/command-reference/#gem-install)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
				local inst = p.package_installs(cmd.argv)[1]
				local loose = {}
				if inst and inst.manager == "gem" and
					not has_version_option(inst.argv) then
					for _, name in ipairs(inst.packages) do
						if not name:find("[:$/]") and
							not name:find("%.gem$") then
							loose[#loose + 1] = name
						end
					end
				end
				if #loose > 0 then
					report(cmd.node, ("gem installs %s without a version.")
						:format(table.concat(loose, ", ")),
						{fix = "Pin each gem (`gem install NAME -v VERSION` "
						.. "or NAME:VERSION), or use a Gemfile.lock."})
				end
			end
		end
	end,
}

-- apk-package-unpinned: apk packages without a version (info severity,
-- see the description).
local p = require("plimsoll")

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
	needs = {instructions = {"RUN"}, mentions = {"apk"}},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3018"},
	precision = "very-high",
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
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
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

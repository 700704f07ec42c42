-- apt-package-unpinned: apt packages without a version (off the noisy
-- end: info severity, see the description).
local p = require("plimsoll")

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
	needs = {instructions = {"RUN"}, mentions = {"apt"}},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3008"},
	precision = "very-high",
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
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
				local apt = p.apt_parse(cmd.argv)
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

-- rpm-package-unpinned: yum, dnf and zypper packages without a version
-- (info severity, see the description).
local p = require("plimsoll")

local function unpinned(args)
	local out = {}
	for _, a in ipairs(args) do
		-- name-version(-release), a constraint, a file, a URL, a group or
		-- module stream, or a variable.
		if not a:find("%-%d") and not a:find("[=<>:/$@]") and
			not a:find("%.rpm$") and not a:find("^%-") then
			out[#out + 1] = a
		end
	end
	return out
end

return {
	id = "rpm-package-unpinned",
	title = "yum, dnf or zypper package installed without a version",
	severity = "info",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"},
		mentions = {"yum", "dnf", "zypper"}},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3033", "DL3041", "DL3037"},
	precision = "very-high",
	description = [[
`dnf install -y httpd` installs whatever version the repository has on
the day of the build, so two builds of one Dockerfile can differ.

**Why this is only `info`.** Distribution repositories replace packages
with security updates and often drop the old builds, so an exact pin
(`httpd-2.4.57-5.el9`) breaks the build as soon as the fix lands, and
teams then hold back security updates to keep builds green. Pinning the
base image by digest and rebuilding regularly is usually the better trade.
Teams that do not pin can `--skip rpm-package-unpinned`.

What is reported: package names without a version in yum, dnf, microdnf,
tdnf (`name-version`) and zypper (`name=version`, `name>=version`)
installs, once per command. Not reported: `.rpm` files, URLs and paths,
`@group` and `module:stream` names, and variables.

How to fix:

When pinning:

```dockerfile
# Before
RUN dnf install -y httpd && dnf clean all
# After
RUN dnf install -y httpd-2.4.57 && dnf clean all
```

References:

- [dnf install](https://dnf.readthedocs.io/en/latest/command_ref.html#install-command) (package specs with versions)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
				local rpm = p.rpm_parse(cmd.argv)
				local loose = rpm and rpm.sub and rpm.install and
					unpinned(rpm.args) or {}
				if #loose > 0 then
					report(cmd.node, ("%s installs %s without a version.")
						:format(rpm.prog, table.concat(loose, ", ")),
						{fix = "Pin each package (name-version; zypper "
						.. "name=version), or pin the base image by digest."})
				end
			end
		end
	end,
}

-- rpm-install-missing-yes: yum, dnf and zypper ask for confirmation that a
-- build cannot give.
local p = require("plimsoll")

-- Subcommands that ask "Is this ok [y/N]".
local prompts = {update = true, upgrade = true, remove = true, erase = true,
	downgrade = true, ["distro-sync"] = true, autoremove = true,
	rm = true, up = true, patch = true, ["dist-upgrade"] = true,
	dup = true, ["source-install"] = true, si = true,
	["group remove"] = true, ["group update"] = true}

local function confirmed(rpm)
	local all = {}
	for _, o in ipairs(rpm.global) do all[#all + 1] = o end
	for _, o in ipairs(rpm.opts) do all[#all + 1] = o end
	for _, o in ipairs(all) do
		if o == "--assumeyes" or o == "--assume-yes" or o == "--yes" or
			(o:match("^%-[%a]+$") and o:find("y")) or
			o:find("assumeyes=[\"']?[1tTyY]") then
			return true
		end
	end
	if rpm.prog == "zypper" then
		for _, o in ipairs(rpm.global) do
			if o == "--non-interactive" or o:match("^%-[%a]*n[%a]*$") then
				return true
			end
		end
		for _, o in ipairs(rpm.opts) do
			if o == "--no-confirm" then
				return true
			end
		end
	end
	return false
end

return {
	id = "rpm-install-missing-yes",
	title = "yum, dnf or zypper asks for confirmation in a build",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"},
		mentions = {"yum", "dnf", "zypper"}},
	tags = {"reliability"},
	aliases = {"DL3030", "DL3038", "DL3034"},
	precision = "very-high",
	description = [[
`yum install`, `dnf install` and `zypper install` ask "Is this ok [y/N]"
before changing anything. A build has no one to answer: the command reads
end of input, takes it as "no", and the build fails.

What is reported: yum, dnf, tdnf (`install`, `update`, `remove`,
`groupinstall`, `module install`...) without `-y` / `--assumeyes`, and
zypper (`install`, `in`, `remove`, `update`, `patch`, `dist-upgrade`...)
without `-n` / `--non-interactive` before the command or `-y` /
`--no-confirm` after it; at the command inside the `RUN`. microdnf never
asks and is not reported; neither is a command fed by `yes |`.

How to fix:

```dockerfile
# Before
RUN dnf install httpd && zypper install curl
# After
RUN dnf install -y httpd && zypper --non-interactive install curl
```

References:

- [dnf(8)](https://dnf.readthedocs.io/en/latest/command_ref.html) `-y, --assumeyes`; [zypper(8)](https://en.opensuse.org/SDB:Zypper_manual) `--non-interactive`
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			local cmds = p.run_commands(ins)
			for i, cmd in ipairs(cmds) do
				local rpm = p.rpm_parse(cmd.argv)
				local piped_yes = i > 1 and cmds[i - 1].node ~= cmd.node and
					p.program(cmds[i - 1].argv) == "yes"
				if rpm and rpm.prog ~= "microdnf" and rpm.sub and
					(rpm.install or prompts[rpm.sub]) and
					not confirmed(rpm) and not piped_yes then
					local fix = rpm.prog == "zypper" and
						"Use `zypper --non-interactive " .. rpm.sub .. " ...`."
						or ("Use `%s %s -y ...`."):format(rpm.prog, rpm.sub)
					report(cmd.node, ("`%s %s` stops at its confirmation "
						.. "prompt."):format(rpm.prog, rpm.sub), {fix = fix})
				end
			end
		end
	end,
}

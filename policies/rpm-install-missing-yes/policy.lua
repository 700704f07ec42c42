-- rpm-install-missing-yes: yum, dnf and zypper ask for confirmation that a
-- build cannot give.
local p = require("plimsoll")

-- yum, dnf and their kin: a command line as {prog, sub, opts, args}.
local rpm_managers = {yum = true, dnf = true, dnf5 = true, tdnf = true,
	microdnf = true, zypper = true}
local rpm_value_opts = {["-c"] = true, ["--config"] = true,
	["--installroot"] = true, ["--releasever"] = true,
	["--enablerepo"] = true, ["--disablerepo"] = true, ["-x"] = true,
	["--exclude"] = true, ["--setopt"] = true, ["--repo"] = true,
	["--repoid"] = true, ["-r"] = true, ["--root"] = true,
	["--nodocs"] = false, ["--rpmverbosity"] = true, ["-d"] = true,
	["--debuglevel"] = true, ["-e"] = true, ["--errorlevel"] = true,
	["--forcearch"] = true}

local function rpm_parse(argv)
	local prog = argv[1] and p.basename(argv[1])
	if not rpm_managers[prog] then
		return nil
	end
	local r = {prog = prog, opts = {}, args = {}, global = {}}
	local k = 2
	while argv[k] ~= nil do
		local a = argv[k]
		local list = r.sub == nil and r.global or r.opts
		if rpm_value_opts[a] then
			list[#list + 1] = a .. "=" .. tostring(argv[k + 1] or "")
			k = k + 1
		elseif a:sub(1, 1) == "-" then
			list[#list + 1] = a
		elseif r.sub == nil then
			r.sub = a
		else
			r.args[#r.args + 1] = a
		end
		k = k + 1
	end
	-- `yum group install`, `dnf module install`: the verb is the second
	-- word.
	if (r.sub == "group" or r.sub == "groups" or r.sub == "module") and
		r.args[1] ~= nil then
		r.sub = r.sub .. " " .. table.remove(r.args, 1)
	end
	return r
end

local rpm_installs = {install = true, ["in"] = true, groupinstall = true,
	localinstall = true, reinstall = true, ["group install"] = true,
	["groups install"] = true, ["module install"] = true,
	["install-n"] = true, ["install-na"] = true, ["install-nevra"] = true}

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
		if not p.mentions(doc, "yum") and not p.mentions(doc, "dnf") and
			not p.mentions(doc, "zypper") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			local cmds = p.run_commands(ins)
			for i, cmd in ipairs(cmds) do
				local rpm = rpm_parse(cmd.argv)
				local piped_yes = i > 1 and cmds[i - 1].node ~= cmd.node and
					p.program(cmds[i - 1].argv) == "yes"
				if rpm and rpm.prog ~= "microdnf" and rpm.sub and
					(rpm_installs[rpm.sub] or prompts[rpm.sub]) and
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

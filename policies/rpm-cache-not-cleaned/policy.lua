-- rpm-cache-not-cleaned: yum, dnf and zypper leave their metadata and
-- package caches in the layer unless the same RUN cleans them.
local p = require("plimsoll")

local caches = {"/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5",
	"/var/cache/zypp", "/var/cache/tdnf"}

local function cache_of(prog)
	return prog == "zypper" and "/var/cache/zypp" or
		prog == "yum" and "/var/cache/yum" or prog == "tdnf" and
		"/var/cache/tdnf" or "/var/cache/dnf"
end

-- True when a command cleans what an install by prog left behind.
local function cleans(argv, prog)
	local rpm = p.rpm_parse(argv)
	if rpm ~= nil and (rpm.sub == "clean" or rpm.sub == "cc") then
		if prog == "zypper" or rpm.prog == "zypper" then
			return rpm.prog == "zypper"
		end
		return rpm.args[1] == "all" or rpm.args[1] == "packages" and
			p.contains(rpm.args, "metadata")
	end
	if argv[1] and p.basename(argv[1]) == "rm" then
		for k = 2, #argv do
			local a = argv[k]
			if a == "/var/cache/*" or a == "/var/cache" or
				a == "/var/cache/" then
				return true
			end
			for _, c in ipairs(caches) do
				if a:sub(1, #c) == c then
					return true
				end
			end
		end
	end
	return false
end

local function clean_hint(prog)
	if prog == "zypper" then
		return "zypper clean --all"
	end
	return prog .. " clean all"
end

return {
	id = "rpm-cache-not-cleaned",
	title = "yum, dnf or zypper caches are left in the image",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"},
		mentions = {"yum", "dnf", "zypper"}},
	tags = {"image-size"},
	aliases = {"DL3032", "DL3040", "DL3036", "DS015", "DS019", "DS020",
		"DS027"},
	precision = "high",
	description = [[
yum, dnf, microdnf and zypper keep repository metadata (and sometimes the
downloaded packages) under `/var/cache`: often a hundred megabytes that
stay in the layer unless the same `RUN` cleans them; a later `RUN` only
hides them.

What is reported: an install (`install`, `groupinstall`, `reinstall`,
`module install`, zypper `in`...) in a `RUN` that does not clean
afterwards with `yum clean all` / `dnf clean all` / `microdnf clean all` /
`zypper clean` or by removing the cache directory; at the install, in the
stages whose layers ship in the image (the final stage and the stages it
is built FROM). A cache or tmpfs `--mount` on the cache is fine.

How to fix:

```dockerfile
# Before
RUN dnf install -y httpd
# After
RUN dnf install -y httpd && dnf clean all
```

References:

- Docker: [best practices: RUN](https://docs.docker.com/build/building/best-practices/#run)
- [dnf clean](https://dnf.readthedocs.io/en/latest/command_ref.html#clean-command)
]],
	check = function(doc, report)
		local shipped = p.shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] then
				local pending
				for _, cmd in ipairs(p.run_commands(ins)) do
					local rpm = p.rpm_parse(cmd.argv)
					if rpm and rpm.sub and rpm.install and
						not p.run_mounts(ins, cache_of(rpm.prog)) then
						pending = pending or {cmd = cmd, prog = rpm.prog}
					elseif pending and cleans(cmd.argv, pending.prog) then
						pending = nil
					end
				end
				if pending then
					report(pending.cmd.node, ("`%s` leaves the %s caches in "
						.. "the layer."):format(pending.cmd.text,
						pending.prog), {fix = ("End the same RUN with `%s`.")
						:format(clean_hint(pending.prog))})
				end
			end
		end
	end,
}

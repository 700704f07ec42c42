-- apt-get-no-install-recommends: recommended packages bloat the image and
-- its attack surface.
local p = require("plimsoll")

-- The simple commands of a RUN, each with the command node a finding
-- lands on and its argv without wrappers (sudo, env A=B...). The model
-- lists the commands of a `sh -c "..."` script after the sh command
-- itself, each with its own position.
local script_runners = {sh = true, bash = true, ash = true, dash = true,
	zsh = true, ksh = true, su = true, runuser = true}

local function run_commands(ins)
	local out = {}
	for _, node in ipairs(ins.commands or {}) do
		local argv = {}
		for _, a in ipairs(node.argv or {}) do
			argv[#argv + 1] = tostring(a)
		end
		argv = p.unwrap(argv)
		-- `sh -c SCRIPT`, `su user -c SCRIPT`: the script's commands
		-- follow as commands of their own; judging the wrapper too would
		-- report them twice.
		local runner = argv[1] and script_runners[p.basename(argv[1])]
		local script = false
		for k = 2, #argv do
			script = script or argv[k] == "-c" or
				argv[k]:match("^%-%a*c%a*$") ~= nil
		end
		if not (runner and script) then
			out[#out + 1] = {node = node, argv = argv,
				text = tostring(node.text or "")}
		end
	end
	return out
end


-- The stages whose layers end up in the image: the final stage and the
-- stages it is built FROM (a builder stage's files are only copied).
local function shipped_stages(doc)
	local stages, set = doc.tree.stages, {}
	local s, guard = stages[#stages], 0
	while s ~= nil and guard <= #stages do
		set[s.index] = true
		local b = s.base and s.base.stage
		s = b ~= nil and stages[b + 1] or nil
		guard = guard + 1
	end
	return set
end

-- True when the RUN puts dir (or a directory above it) on a --mount, so
-- what the command leaves there is not in the layer.
local function mounted(ins, dir)
	for _, f in ipairs(ins.flags or {}) do
		local m = f.name == "mount" and f.mount or nil
		local target = m and (m.target or m.dst or m.destination)
		if target ~= nil and (m.type == "cache" or m.type == "tmpfs") then
			target = tostring(target):gsub("/+$", "")
			if dir == target or dir:sub(1, #target + 1) == target .. "/" then
				return true
			end
		end
	end
	return false
end


-- apt-get/apt options whose value is the next word.
local apt_value_opts = {["-o"] = true, ["--option"] = true, ["-t"] = true,
	["--target-release"] = true, ["-c"] = true, ["--config-file"] = true,
	["-a"] = true, ["--host-architecture"] = true}

-- An apt-get or apt command line: {sub, opts, args}; an option with a
-- value is kept as "-o=VALUE".
local function apt_parse(argv)
	local prog = argv[1] and p.basename(argv[1])
	if prog ~= "apt-get" and prog ~= "apt" then
		return nil
	end
	local r = {prog = prog, opts = {}, args = {}}
	local k = 2
	while argv[k] ~= nil do
		local a = argv[k]
		if apt_value_opts[a] then
			r.opts[#r.opts + 1] = a .. "=" .. tostring(argv[k + 1] or "")
			k = k + 1
		elseif a:sub(1, 1) == "-" then
			r.opts[#r.opts + 1] = a
		elseif r.sub == nil then
			r.sub = a
		else
			r.args[#r.args + 1] = a
		end
		k = k + 1
	end
	return r
end

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
	tags = {"image-size", "attack-surface"},
	aliases = {"DL3015", "DS029"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apt-get-no-install-recommends.md",
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
		if not p.mentions(doc, "apt") or
			p.mentions(doc, "Install-Recommends") then
			return
		end
		local shipped = shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] then
				for _, cmd in ipairs(run_commands(ins)) do
					local apt = apt_parse(cmd.argv)
					if apt and apt.sub == "install" and #apt.args > 0 and
						not skips_recommends(apt.opts) then
						report(cmd.node, ("`%s install` also installs every "
							.. "recommended package."):format(apt.prog),
							{fix = "Add --no-install-recommends."})
					end
				end
			end
		end
	end,
}

-- apt-lists-not-removed: `apt-get update` leaves tens of megabytes of
-- package lists in the layer unless the same RUN removes them.
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

local lists = "/var/lib/apt/lists"

-- True when path is the lists directory, something in it, or a directory
-- above it (`rm -rf /var/lib/apt/lists/*`, `rm -rf /var/lib`).
local function covers_lists(path)
	path = path:gsub("/%*$", ""):gsub("/+$", "")
	return path:sub(1, #lists) == lists or (path ~= "" and
		lists:sub(1, #path + 1) == path .. "/")
end

-- True when a command removes the package lists (rm of the directory, its
-- contents or a directory above it, or apt-get distclean).
local function removes_lists(argv)
	local prog = argv[1] and p.basename(argv[1])
	if prog == "rm" then
		for k = 2, #argv do
			if argv[k]:sub(1, 1) == "/" and covers_lists(argv[k]) then
				return true
			end
		end
	elseif prog == "find" and argv[2] and argv[2]:sub(1, #lists) == lists then
		return true
	end
	local apt = apt_parse(argv)
	return apt ~= nil and (apt.sub == "distclean" or apt.sub == "dist-clean")
end

return {
	id = "apt-lists-not-removed",
	title = "apt lists are left in the image",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"image-size"},
	aliases = {"DL3009"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apt-lists-not-removed.md",
	description = [[
`apt-get update` downloads the package lists into `/var/lib/apt/lists`:
tens of megabytes that stay in the layer for good unless the same `RUN`
deletes them (a later `RUN rm` only hides them). Stale lists in an image
are useless anyway: the next install needs a fresh `apt-get update`.

What is reported: `apt-get update` (or `apt update`) in a `RUN` that does
not remove `/var/lib/apt/lists` after it, in the stages whose layers ship
in the image (the final stage and the stages it is built FROM). Not
reported: a `RUN` with a cache or tmpfs `--mount` on the lists.

How to fix:

```dockerfile
# Before
RUN apt-get update && apt-get install -y --no-install-recommends curl
# After
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

References:

- Docker: [best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
]],
	check = function(doc, report)
		if not p.mentions(doc, "update") then
			return
		end
		local shipped = shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] and not mounted(ins, lists) then
				local cmds = run_commands(ins)
				local pending
				for _, cmd in ipairs(cmds) do
					local apt = apt_parse(cmd.argv)
					if apt and apt.sub == "update" then
						pending = pending or cmd
					elseif pending and removes_lists(cmd.argv) then
						pending = nil
					end
				end
				if pending then
					report(pending.node, ("`%s` leaves the package lists in "
						.. "the layer."):format(pending.text),
						{fix = "End the same RUN with "
						.. "`rm -rf /var/lib/apt/lists/*`."})
				end
			end
		end
	end,
}

-- apk-no-cache: `apk add` without --no-cache leaves the package index in
-- the layer.
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

local cache = "/var/cache/apk"

local function removes_cache(argv)
	if argv[1] and p.basename(argv[1]) == "rm" then
		for k = 2, #argv do
			if argv[k]:sub(1, #cache) == cache then
				return true
			end
		end
	end
	return argv[1] and p.basename(argv[1]) == "apk" and
		argv[2] == "cache" and argv[3] == "clean"
end

return {
	id = "apk-no-cache",
	title = "apk add keeps its cache in the image",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"image-size"},
	aliases = {"DL3019", "DS025"},
	precision = "very-high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/apk-no-cache.md",
	description = [[
`apk add` stores the package index it downloads in `/var/cache/apk`, where
it stays in the layer: a few megabytes that are stale by the next build.
`--no-cache` fetches the index to a temporary place and keeps nothing, so
no `apk update` and no clean-up are needed.

What is reported: `apk add` without `--no-cache`, at the command, in the
stages whose layers ship in the image (the final stage and the stages it
is built FROM), unless the same `RUN` removes `/var/cache/apk` afterwards
or puts it on a cache or tmpfs `--mount`. `apk add --no-network` fetches
nothing and is not reported.

How to fix:

```dockerfile
# Before
RUN apk update && apk add curl
# After
RUN apk add --no-cache curl
```

References:

- Alpine: [apk(8)](https://man.archlinux.org/man/apk.8.en) `--no-cache`; [Alpine Docker image usage](https://github.com/alpinelinux/docker-alpine)
]],
	check = function(doc, report)
		if not p.mentions(doc, "apk") then
			return
		end
		local shipped = shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] and not mounted(ins, cache) then
				local pending
				for _, cmd in ipairs(run_commands(ins)) do
					local inst = p.package_installs(cmd.argv)[1]
					-- --no-network fetches nothing, so caches nothing.
					if inst and inst.manager == "apk" and
						not p.contains(cmd.argv, "--no-cache") and
						not p.contains(cmd.argv, "--no-network") then
						pending = pending or cmd
					elseif pending and removes_cache(cmd.argv) then
						pending = nil
					end
				end
				if pending then
					report(pending.node, "`apk add` without --no-cache leaves "
						.. "the package index in the layer.",
						{fix = "Use `apk add --no-cache ...` (and drop "
						.. "`apk update`)."})
				end
			end
		end
	end,
}

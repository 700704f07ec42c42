-- pip-no-cache-dir: pip keeps every wheel it downloads in ~/.cache/pip,
-- and in a RUN that cache stays in the layer.
local p = require("plimsoll")

local pips = {pip = true, pip2 = true, pip3 = true}

-- Whether ENV has turned pip's cache off, before each instruction of a
-- stage and of the stages it is built FROM, in their order: a list of
-- {instruction, its stage, the state before it}, the first place of each
-- instruction, and the state after them all. Worked out once per stage
-- and file (a file with hundreds of RUNs asks for each).
local function env_states(doc, stage)
	local stages = doc.tree.stages
	local chain, s = {}, stage
	while s ~= nil and #chain <= #stages do
		table.insert(chain, 1, s)
		local b = s.base and s.base.stage
		s = b ~= nil and stages[b + 1] or nil
	end
	local order, first, set = {}, {}, false
	for _, st in ipairs(chain) do
		for _, i in ipairs(st.instructions) do
			order[#order + 1] = {i, st, set}
			first[i] = first[i] or #order
			if i.keyword and i.keyword:upper() == "ENV" then
				for _, pair in ipairs(i.pairs or {}) do
					-- pip turns the cache off for any boolean value,
					-- "false" and "off" included (an old quirk it keeps).
					if pair.name == "PIP_NO_CACHE_DIR" then
						set = tostring(pair.value or "") ~= ""
					end
				end
			end
		end
	end
	return {order = order, first = first, after = set}
end

-- True when ENV in this stage (or one it is built FROM), before ins, turns
-- pip's cache off. `known` keeps env_states by stage for the file.
local function env_no_cache(doc, stage, ins, known)
	local states = known[stage]
	if states == nil then
		states = env_states(doc, stage)
		known[stage] = states
	end
	local at = states.first[ins]
	if at ~= nil then
		return states.order[at][3]
	end
	-- Not one of them (an ONBUILD trigger): the instruction of the same
	-- keyword that starts on its line in this stage, else all of them.
	local line = p.span(ins).start_line
	for _, e in ipairs(states.order) do
		local i, st = e[1], e[2]
		if i.keyword == ins.keyword and st.index == stage.index and
			p.span(i).start_line == line then
			return e[3]
		end
	end
	return states.after
end

local function removes_cache(argv)
	if argv[1] and p.basename(argv[1]) == "rm" then
		for k = 2, #argv do
			if argv[k]:find("%.cache") or argv[k]:find("^/tmp/pip") then
				return true
			end
		end
	end
	return argv[1] and p.basename(argv[1]):match("^pip%d?$") and
		argv[2] == "cache" and (argv[3] == "purge" or argv[3] == "remove")
end

-- --no-cache-dir, or an abbreviation pip accepts (--no-cache).
local function no_cache_option(argv)
	for _, a in ipairs(argv) do
		if a:find("^%-%-no%-cache") then
			return true
		end
	end
	return false
end

local function is_pip(inst)
	return inst ~= nil and pips[inst.manager] and
		p.basename(inst.argv[1]) ~= "uv"
end

return {
	id = "pip-no-cache-dir",
	title = "pip install keeps its download cache in the image",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"pip"}},
	tags = {"image-size"},
	aliases = {"DL3042"},
	precision = "high",
	description = [[
pip saves every wheel it downloads or builds in `~/.cache/pip` so the next
install is faster. In an image there is no next install: the cache (often
as large as the packages themselves) stays in the layer.

What is reported: `pip install` (pip, pip3, `python -m pip`) without
`--no-cache-dir`, at the command, in the stages whose layers ship in the
image (the final stage and the stages it is built FROM). Not reported:
when `ENV PIP_NO_CACHE_DIR` is set before it (to any value: pip
reads even `off` or `false` as "no cache") (in the stage or one it
builds on), when the same `RUN` removes the cache afterwards
(`rm -rf ~/.cache/pip`, `pip cache purge`), or when the cache is on a
cache `--mount`, which is the better fix for build speed.

How to fix:

```dockerfile
# Before
RUN pip install -r requirements.txt
# After
RUN pip install --no-cache-dir -r requirements.txt
# Or keep the cache between builds, outside the image:
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

References:

- pip: [caching](https://pip.pypa.io/en/stable/topics/caching/), `--no-cache-dir`
- Docker: [cache mounts](https://docs.docker.com/build/cache/optimize/#use-cache-mounts)
]],
	check = function(doc, report)
		local shipped = p.shipped_stages(doc)
		local env_known = {}
		for ins, stage in p.instructions(doc, "RUN") do
			local cache_mount = p.run_mounts(ins, "/root/.cache/pip")
			for _, f in ipairs(ins.flags or {}) do
				local t = f.name == "mount" and f.mount and f.mount.target
				if t and tostring(t):find("%.cache") and
					(f.mount.type == "cache" or f.mount.type == "tmpfs") then
					cache_mount = true
				end
			end
			if shipped[stage.index] and not cache_mount then
				local pending
				for _, cmd in ipairs(p.run_commands(ins)) do
					local inst = p.package_installs(cmd.argv)[1]
					if is_pip(inst) and not no_cache_option(inst.argv) then
						pending = pending or cmd
					elseif pending and removes_cache(cmd.argv) then
						pending = nil
					end
				end
				if pending and not env_no_cache(doc, stage, ins, env_known)
					then
					report(pending.node, "`pip install` without "
						.. "--no-cache-dir leaves its download cache in the "
						.. "layer.", {fix = "Add --no-cache-dir (or use a "
						.. "cache mount on /root/.cache/pip)."})
				end
			end
		end
	end,
}

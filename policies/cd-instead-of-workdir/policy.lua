-- cd-instead-of-workdir: a RUN that starts with `cd` is a WORKDIR in
-- disguise, and `RUN cd dir` alone changes nothing at all.
local p = require("plimsoll")

local function strings(list)
	local out = {}
	for _, a in ipairs(list or {}) do
		out[#out + 1] = tostring(a)
	end
	return out
end

-- True when dir is a scratch directory: a temporary one, one the RUN
-- mounts, or one it removes again (cd /tmp/src && make && rm -rf
-- /tmp/src).
local function scratch(ins, dir)
	if dir:find("^/tmp") or dir:find("^/var/tmp") or dir:find("mktemp") or
		dir:find("TMP") then
		return true
	end
	for _, f in ipairs(ins.flags or {}) do
		local target = f.name == "mount" and f.mount and f.mount.target
		if target ~= nil and dir:sub(1, #tostring(target)) ==
			tostring(target) then
			return true
		end
	end
	for k, cmd in ipairs(ins.commands or {}) do
		if k > 1 and p.program(strings(cmd.argv)) == "rm" then
			for _, a in ipairs(strings(cmd.argv)) do
				a = a:gsub("/+$", ""):gsub("^%./", "")
				if a ~= "" and a:sub(1, 1) ~= "-" and
					(dir == a or dir:sub(1, #a + 1) == a .. "/") then
					return true
				end
			end
		end
	end
	return false
end

return {
	id = "cd-instead-of-workdir",
	title = "RUN changes directory with cd instead of WORKDIR",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"cd"}},
	tags = {"maintainability"},
	aliases = {"DL3003", "DS013"},
	precision = "high",
	description = [[
Every `RUN` starts in the `WORKDIR`, whatever an earlier `RUN` did with
`cd`: `RUN cd /app` followed by `RUN make` runs `make` in the old
directory. A `RUN` that begins with `cd` is a `WORKDIR` spelled in shell,
harder to read and to keep in step with the instructions around it.

What is reported: a `RUN` whose first command is `cd` (and, worse, a `RUN`
that is nothing but `cd`, which has no effect at all). Not reported: a
`cd` into a scratch directory the `RUN` uses and throws away (`/tmp`, a
`mktemp` directory, a `--mount` target, or a directory the same `RUN`
removes), and a `cd` later in a command chain, such as stepping into an
unpacked source tree to build it: ordinary shell idioms that a `WORKDIR`
would not improve.

How to fix: set the directory with `WORKDIR` (it is created if missing).

```dockerfile
# Before
RUN cd /app && npm ci
# After
WORKDIR /app
RUN npm ci
```

References:

- Docker: [best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			local cmds = ins.commands or {}
			local first = cmds[1]
			if first ~= nil and ins.form == "shell" and
				p.program(strings(first.argv)) == "cd" then
				local dir = first.argv[2] and tostring(first.argv[2]) or "~"
				dir = dir:gsub("^%./", "")
				if #cmds > 1 and scratch(ins, dir) then
					goto next
				end
				local msg
				if #cmds == 1 then
					msg = ("`%s` alone has no effect: the next instruction "
						.. "starts in the WORKDIR again."):format(first.text)
				else
					msg = ("RUN starts with `%s`: use WORKDIR %s instead.")
						:format(first.text, dir)
				end
				report(first, msg, {fix = ("Add `WORKDIR %s` before this "
					.. "RUN and drop the cd."):format(dir)})
			end
			::next::
		end
	end,
}

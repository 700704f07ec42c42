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

return {
	id = "cd-instead-of-workdir",
	title = "RUN changes directory with cd instead of WORKDIR",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"maintainability"},
	aliases = {"DL3003", "DS013"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/cd-instead-of-workdir.md",
	description = [[
Every `RUN` starts in the `WORKDIR`, whatever an earlier `RUN` did with
`cd`: `RUN cd /app` followed by `RUN make` runs `make` in the old
directory. A `RUN` that begins with `cd` is a `WORKDIR` spelled in shell,
harder to read and to keep in step with the instructions around it.

What is reported: a `RUN` whose first command is `cd` (and, worse, a `RUN`
that is nothing but `cd`, which has no effect at all). A `cd` later in a
command chain, such as stepping into an unpacked source tree before
building it and removing it, is an ordinary shell idiom and is not
reported.

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
		if not p.mentions(doc, "cd") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			local cmds = ins.commands or {}
			local first = cmds[1]
			if first ~= nil and ins.form == "shell" and
				p.program(strings(first.argv)) == "cd" then
				local dir = first.argv[2] and tostring(first.argv[2]) or "~"
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
		end
	end,
}

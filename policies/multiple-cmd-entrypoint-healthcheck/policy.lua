-- multiple-cmd-entrypoint-healthcheck: only the last CMD, ENTRYPOINT or
-- HEALTHCHECK of a stage counts; the others mislead the reader.
local p = require("plimsoll")

local keywords = {CMD = true, ENTRYPOINT = true, HEALTHCHECK = true}

return {
	id = "multiple-cmd-entrypoint-healthcheck",
	title = "A stage has several CMD, ENTRYPOINT or HEALTHCHECK instructions",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"CMD", "ENTRYPOINT",
		"HEALTHCHECK"}},
	tags = {"correctness", "maintainability"},
	aliases = {"DL4003", "DL4004", "DL3012", "DS016", "DS007", "DS023"},
	precision = "very-high",
	description = [[
A stage has one command, one entrypoint and one health check: each
`CMD`, `ENTRYPOINT` or `HEALTHCHECK` replaces the one before it. An
earlier one that is replaced in the same stage does nothing, yet reads as
if it did, and is often a merge leftover that hides which command really
runs.

What is reported: each `CMD`, `ENTRYPOINT` and `HEALTHCHECK` followed by
another of the same kind in the same stage, at the one that has no
effect. `ONBUILD` triggers are not counted.

How to fix: delete the instructions that are replaced.

```dockerfile
# Before
CMD ["npm", "start"]
CMD ["node", "server.js"]
# After
CMD ["node", "server.js"]
```

References:

- Docker: [CMD](https://docs.docker.com/reference/dockerfile/#cmd), [ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint), [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
]],
	check = function(doc, report)
		for stage in p.stages(doc) do
			local last = {}
			local list, kws = p.stage_instructions(doc, stage)
			for k, ins in ipairs(list) do
				local kw = kws[k]
				if keywords[kw] then
					local before = last[kw]
					if before then
						report(before, ("This %s has no effect: the %s on "
							.. "line %d replaces it."):format(kw, kw,
							p.span(ins).start_line),
							{fix = ("Delete this %s."):format(kw)})
					end
					last[kw] = ins
				end
			end
		end
	end,
}

-- copy-from-own-stage: a stage cannot copy from itself.
local p = require("plimsoll")

return {
	id = "copy-from-own-stage",
	title = "COPY --from names its own stage",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"COPY"}},
	tags = {"correctness"},
	aliases = {"DL3023", "DS006"},
	precision = "very-high",
	description = [[
`COPY --from=<stage>` copies from another stage's result. A stage that
names itself cannot be built: its result does not exist yet. It is nearly
always a typo for another stage's name.

What is reported: a `COPY --from` naming the stage it is in, by name
(case-insensitive, as BuildKit compares them) or by index.

How to fix: name the stage that produces the files.

```dockerfile
# Before
FROM golang:1.22 AS build
COPY --from=build /out/app /usr/local/bin/app
# After
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /usr/local/bin/app
```

References:

- Docker: [multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
]],
	check = function(doc, report)
		for stage in p.stages(doc) do
			local name = stage.name and tostring(stage.name):lower()
			local list, keywords = p.stage_instructions(doc, stage)
			for k, ins in ipairs(list) do
				local from = keywords[k] == "COPY" and
					p.instruction_flag(ins, "from") or nil
				if from ~= nil and (ins.from_stage == stage.index or
					from:lower() == name or from == tostring(stage.index)) then
					report(ins, ("COPY --from=%s names its own stage: a "
						.. "stage cannot copy from itself."):format(from),
						{fix = "Name the stage that builds these files."})
				end
			end
		end
	end,
}

-- copy-from-own-stage: a stage cannot copy from itself.
local p = require("plimsoll")

-- The sources of an ADD or COPY as written and as expanded: a list of
-- {raw, value}; value is nil when a variable in it is unknown.
local function sources(ins)
	local out = {}
	local args, expanded = ins.args or {}, ins.sources or {}
	local heredocs = #(ins.heredocs or {})
	-- A heredoc source is a file written inline.
	for k = 1, #args - 1 do
		local raw = tostring(args[k])
		local value = expanded[k] ~= nil and tostring(expanded[k]) or raw
		if raw:find("$", 1, true) and value == "" then
			value = nil
		end
		out[#out + 1] = {raw = raw, value = value}
	end
	if #out == 0 and heredocs > 0 then
		for _ = 1, heredocs do
			out[#out + 1] = {raw = "<<", value = "<<"}
		end
	end
	return out
end

local function flag(ins, name)
	for _, f in ipairs(ins.flags or {}) do
		if f.name == name then
			return f.value ~= nil and tostring(f.value) or ""
		end
	end
	return nil
end

local function is_url(s)
	return s:find("^%a[%w+.-]*://") ~= nil
end

local function is_git(s)
	return s:find("^git@") ~= nil or s:find("%.git$") ~= nil or
		s:find("%.git#") ~= nil or s:find("^git://") ~= nil
end

return {
	id = "copy-from-own-stage",
	title = "COPY --from names its own stage",
	severity = "medium",
	applies_to = {"dockerfile"},
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
			for _, ins in ipairs(stage.instructions) do
				local from = ins.keyword and ins.keyword:upper() == "COPY" and
					flag(ins, "from") or nil
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

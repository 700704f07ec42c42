-- workdir-relative: a relative WORKDIR lands wherever the base image's
-- WORKDIR happens to be.
local p = require("plimsoll")

return {
	id = "workdir-relative",
	title = "WORKDIR is relative to an unknown directory",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"WORKDIR"}},
	tags = {"reproducibility"},
	aliases = {"DL3000", "DS009", "CKV_DOCKER_10"},
	precision = "very-high",
	description = [[
A relative `WORKDIR` is joined to the current working directory, which a
stage inherits from its base image. When the base image changes its
`WORKDIR` (a new release, another variant), files land somewhere else and
later `COPY`, `RUN` and `CMD` instructions quietly use the wrong paths.

What is reported: a `WORKDIR` with a relative path when no earlier
`WORKDIR` of the stage (or of a stage it builds on) fixes where it lands.
A relative `WORKDIR` after another `WORKDIR` is not reported (after an
absolute one it resolves to a known path; after a relative one, the
first carries the finding), nor is a path that starts with a variable
(`WORKDIR $HOME/app`) or a Windows drive (`C:\app`).

How to fix: use an absolute path.

```dockerfile
# Before
WORKDIR app
# After
WORKDIR /app
```

References:

- Docker: [WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir), [best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
]],
	check = function(doc, report)
		-- Stages with a WORKDIR so far: a relative WORKDIR after another
		-- one shares its finding (the first is where the fix goes).
		local has_workdir = {}
		for ins, stage, onbuild in p.instructions(doc, "WORKDIR") do
			local b = stage.base and stage.base.stage
			local earlier = onbuild == nil and (has_workdir[stage.index] or
				(b ~= nil and has_workdir[b]))
			if onbuild == nil then
				has_workdir[stage.index] = true
			end
			local text = (ins.text or ""):gsub("^[\"']", "")
			local path = (ins.path or text):gsub("^[\"']", "")
			-- `WORKDIR .` changes nothing.
			if path ~= "" and path ~= "." and path ~= "./" and
				ins.absolute == nil and not earlier and
				not text:find("^%$") and
				not path:find("^/") and not path:find("^%$") and
				not path:find("^\\") and not path:find("^%a:[\\/]") then
				report(ins, ("WORKDIR %s is relative: where it lands depends "
					.. "on the base image's working directory."):format(path),
					{fix = ("Use an absolute path, e.g. `WORKDIR /%s`.")
					:format(path)})
			end
		end
	end,
}

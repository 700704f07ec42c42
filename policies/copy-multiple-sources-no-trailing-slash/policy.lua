-- copy-multiple-sources-no-trailing-slash: several sources need a
-- directory destination, written with a trailing slash.
local p = require("plimsoll")

-- Flags that take no value.
local bare_flags = {link = true, parents = true, ["keep-git-dir"] = true,
	unpack = true}

-- A value flag written without `=` (`--chown 1000 a b`): its value is
-- read as a source, a syntax error of its own, not this rule's.
local function malformed_flag(ins)
	for _, f in ipairs(ins.flags or {}) do
		if f.value == nil and not bare_flags[tostring(f.name)] then
			return true
		end
	end
	return false
end

local function directory(dest)
	return dest:find("[/\\]$") ~= nil or dest == "." or dest == ".." or
		dest:find("/%.%.?$") ~= nil
end

return {
	id = "copy-multiple-sources-no-trailing-slash",
	title = "COPY of several sources to a destination without a trailing slash",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"COPY", "ADD"}},
	tags = {"correctness"},
	aliases = {"DL3021", "DS011"},
	precision = "very-high",
	description = [[
When `COPY` (or `ADD`) is given more than one source, the destination
must be a directory and Docker requires it to end with `/`: `COPY
package.json yarn.lock /app` fails the build ("When using COPY with more
than one source file, the destination must be a directory and end with a
/").

What is reported: a `COPY` or `ADD` with two or more sources (heredocs
included) whose destination does not end with `/` (or is `.` / `..`). A
destination given by an unknown variable is not reported; neither is a
single wildcard source, an instruction with a flag written without `=`
(`--chown 1000 a b`, a syntax error of its own), or a Windows stage.

How to fix:

```dockerfile
# Before
COPY package.json yarn.lock /app
# After
COPY package.json yarn.lock /app/
```

References:

- Docker: [COPY](https://docs.docker.com/reference/dockerfile/#copy)
]],
	check = function(doc, report)
		for _, keyword in ipairs({"COPY", "ADD"}) do
			for ins, stage in p.instructions(doc, keyword) do
				local srcs = p.copy_sources(ins)
				local args = ins.args or {}
				local raw = args[#args] and tostring(args[#args]) or ""
				local dest = ins.destination and tostring(ins.destination)
					or raw
				if raw:find("$", 1, true) and dest == "" then
					dest = nil
				end
				if #srcs >= 2 and dest ~= nil and not directory(dest) and
					not malformed_flag(ins) and not p.windows_stage(doc, stage) then
					report(ins, ("%s has %d sources but its destination %s "
						.. "does not end with /."):format(keyword, #srcs,
						raw), {fix = ("Write the destination as `%s/`.")
						:format(raw)})
				end
			end
		end
	end,
}

-- add-instead-of-copy: ADD of local files does what COPY does, plus magic
-- nobody asked for.
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

-- Extensions of what ADD may unpack (tar, possibly compressed), also
-- in a wildcard (`app.tar.gz*`).
local archives = {".tar", ".tgz", ".tbz", ".txz", ".tzst", ".gz", ".bz2",
	".xz", ".zst", ".lz"}

local function archive(s)
	s = s:lower()
	for _, ext in ipairs(archives) do
		local at = s:find(ext, 1, true)
		local next = at and s:sub(at + #ext, at + #ext) or nil
		if at and (next == "" or next == "." or next == "*" or
			next == "?" or next == "[" or next == "2") then
			return true
		end
	end
	return false
end

return {
	id = "add-instead-of-copy",
	title = "ADD is used where COPY does the job",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"security", "maintainability"},
	aliases = {"DL3020", "DS005", "CKV_DOCKER_4"},
	precision = "very-high",
	description = [[
`ADD` does more than copy: it unpacks any local tar archive it is given
(whatever the file is called) and fetches URLs. For plain files and
directories that magic is a trap: a file that happens to be a tarball
arrives unpacked, and a reader cannot tell what the instruction is meant
to do. `COPY` does exactly one thing.

What is reported: an `ADD` whose sources are all local files or
directories that are not archives (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`,
`.bz2`...), including heredocs. Not reported: archives (unpacking them is
what ADD is for), URLs and git sources (see `add-from-url`), and sources
given by an unknown variable.

How to fix:

```dockerfile
# Before
ADD requirements.txt /app/
# After
COPY requirements.txt /app/
```

References:

- Docker: [best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
- CIS Docker Benchmark 4.9 (use COPY instead of ADD)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "ADD") do
			local srcs = sources(ins)
			local plain = #srcs > 0
			for _, s in ipairs(srcs) do
				if s.value == nil or is_url(s.value) or is_git(s.value) or
					archive(s.value) then
					plain = false
				end
			end
			if plain then
				report(ins, ("ADD copies %s, which COPY does without ADD's "
					.. "unpacking and URL handling."):format(srcs[1].raw),
					{fix = "Replace ADD with COPY."})
			end
		end
	end,
}

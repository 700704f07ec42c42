-- add-instead-of-copy: ADD of local files does what COPY does, plus magic
-- nobody asked for.
local p = require("plimsoll")

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
	needs = {instructions = {"ADD"}},
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
			local srcs = p.copy_sources(ins)
			local plain = #srcs > 0
			for _, s in ipairs(srcs) do
				if s.value == nil or p.is_url(s.value) or p.is_git_source(s.value) or
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

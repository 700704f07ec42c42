-- add-from-url: ADD of a URL downloads at build time with nothing
-- checked.
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
	id = "add-from-url",
	title = "ADD downloads a URL without a checksum",
	severity = "medium",
	applies_to = {"dockerfile"},
	tags = {"security", "supply-chain", "CWE-494"},
	aliases = {"CKV_DOCKER_4"},
	precision = "very-high",
	description = [[
`ADD https://...` puts whatever the server returns into the image, with no
check that it is the file you meant: a compromised server or a hijacked
domain changes your image without any change to the Dockerfile, and a
rebuild is never guaranteed to get the same bytes.

What is reported: an `ADD` with an `http://`, `https://` or `ftp://`
source and no `--checksum`. Not reported: `ADD --checksum=sha256:...
URL` (BuildKit verifies it) and git sources (`ADD
https://github.com/org/repo.git#v1.2`), which name a ref.

How to fix: give the expected digest, or download, verify and unpack in
one `RUN`:

```dockerfile
# Before
ADD https://example.com/tool-1.2.tar.gz /opt/
# After
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://example.com/tool-1.2.tar.gz /opt/
```

References:

- Docker: [ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
- [CWE-494](https://cwe.mitre.org/data/definitions/494.html): download of code without integrity check
]],
	check = function(doc, report)
		if not p.mentions(doc, "://") then
			return
		end
		for ins in p.instructions(doc, "ADD") do
			if flag(ins, "checksum") == nil then
				for _, s in ipairs(sources(ins)) do
					if s.value ~= nil and is_url(s.value) and
						not is_git(s.value) then
						report(ins, ("ADD downloads %s without a checksum: "
							.. "whatever the server returns goes into the "
							.. "image."):format(s.raw),
							{fix = "Add --checksum=sha256:<digest>, or "
							.. "download and verify it in a RUN."})
						break
					end
				end
			end
		end
	end,
}

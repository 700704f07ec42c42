-- add-from-url: ADD of a URL downloads at build time with nothing
-- checked.
local p = require("plimsoll")

return {
	id = "add-from-url",
	title = "ADD downloads a URL without a checksum",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"ADD"}, mentions = {"://"}},
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
		for ins in p.instructions(doc, "ADD") do
			if p.instruction_flag(ins, "checksum") == nil then
				for _, s in ipairs(p.copy_sources(ins)) do
					if s.value ~= nil and p.is_url(s.value) and
						not p.is_git_source(s.value) then
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

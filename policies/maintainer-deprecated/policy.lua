-- maintainer-deprecated: MAINTAINER was replaced by a label long ago.
local p = require("plimsoll")

return {
	id = "maintainer-deprecated",
	title = "MAINTAINER is deprecated",
	severity = "info",
	applies_to = {"dockerfile"},
	needs = {instructions = {"MAINTAINER"}},
	tags = {"maintainability"},
	aliases = {"DL4000", "DS022", "CKV_DOCKER_6"},
	precision = "very-high",
	description = [[
`MAINTAINER` has been deprecated since Docker 1.13 (2017). It sets a
field tools no longer read; labels carry the same information in a form
registries and scanners understand.

What is reported: each `MAINTAINER` instruction.

How to fix: use the OCI annotation as a label.

```dockerfile
# Before
MAINTAINER Jane Doe <jane@example.com>
# After
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

References:

- Docker: [deprecated features: MAINTAINER](https://docs.docker.com/engine/deprecated/#maintainer-in-dockerfile)
- OCI: [pre-defined annotation keys](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "MAINTAINER") do
			report(ins, "MAINTAINER is deprecated: use a LABEL "
				.. "org.opencontainers.image.authors instead.",
				{fix = ("LABEL org.opencontainers.image.authors=%q")
				:format(tostring(ins.text or ""))})
		end
	end,
}

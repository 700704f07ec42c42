-- base-image-untagged: FROM an image with neither tag nor digest builds
-- on whatever `latest` is that day.
local p = require("plimsoll")

return {
	id = "base-image-untagged",
	title = "Base image has no tag",
	severity = "medium",
	applies_to = {"dockerfile"},
	tags = {"reproducibility", "supply-chain", "CWE-1357"},
	aliases = {"DL3006", "DS001", "CKV_DOCKER_7"},
	precision = "very-high",
	description = [[
`FROM debian` without a tag means `FROM debian:latest`: the image you get
changes whenever the publisher pushes a new one, so two builds of the same
Dockerfile can differ, a rebuild can break without any change on your
side, and a compromised or broken upstream push flows straight in.

What is reported: a `FROM` whose image has neither a tag nor a digest.
Not reported: `scratch`, a `FROM` naming an earlier stage, and an image
built from a variable (`FROM ${BASE}`, `FROM node:${VERSION}`), whose value
is only known when the build runs.

How to fix: name a version, or better a digest, which cannot move:

```dockerfile
# Before
FROM debian
# After
FROM debian:12.5-slim
# Or, immutable:
FROM debian:12.5-slim@sha256:<digest>
```

References:

- Docker: [FROM](https://docs.docker.com/reference/dockerfile/#from), [pinning base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- CIS Docker Benchmark 4.2 (use trusted base images)
]],
	check = function(doc, report)
		for stage in p.stages(doc) do
			local base = stage.base
			local text = base and base.text
			if text ~= nil and base.stage == nil and
				not text:find("$", 1, true) and
				base.tag == nil and base.digest == nil and
				base.repository ~= nil and base.repository ~= "scratch" then
				report(base, "text", ("The base image %s has no tag: it "
					.. "is whatever `latest` is when the build runs.")
					:format(text),
					{fix = ("Pin a version, e.g. `FROM %s:<version>`, or a "
					.. "digest."):format(text)})
			end
		end
	end,
}

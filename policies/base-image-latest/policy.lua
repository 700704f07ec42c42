-- base-image-latest: FROM image:latest moves under your feet.
local p = require("plimsoll")

return {
	id = "base-image-latest",
	title = "Base image uses the latest tag",
	severity = "medium",
	applies_to = {"dockerfile"},
	tags = {"reproducibility", "supply-chain", "CWE-1357"},
	aliases = {"DL3007", "DS001", "CKV_DOCKER_7"},
	precision = "very-high",
	description = [[
`latest` is only a name: the publisher moves it with every release. A
Dockerfile built `FROM node:latest` today and next month gets two
different operating systems and runtimes, a rebuild can break with no
change on your side, and nobody can tell from the Dockerfile which image
is running.

What is reported: a `FROM` whose tag is `latest` and that has no digest.
Not reported: `scratch`, earlier stages, a digest-pinned image
(`image:latest@sha256:...` is immutable), and an image built from a
variable, whose value is only known when the build runs.

How to fix: name the version you tested with, or a digest:

```dockerfile
# Before
FROM node:latest
# After
FROM node:20.11-bookworm-slim
```

References:

- Docker: [pinning base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
- CIS Docker Benchmark 4.2 (use trusted base images)
]],
	check = function(doc, report)
		for stage in p.stages(doc) do
			local base = stage.base
			local text = base and base.text
			if text ~= nil and base.stage == nil and
				not text:find("$", 1, true) and
				base.tag == "latest" and base.digest == nil then
				report(base, "text", ("The base image %s uses the `latest` "
					.. "tag, which moves with every release."):format(text),
					{fix = "Pin the version you tested with, or a digest."})
			end
		end
	end,
}

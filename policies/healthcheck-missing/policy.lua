-- healthcheck-missing: a service image with no way to tell whether it
-- works.
local p = require("plimsoll")

return {
	id = "healthcheck-missing",
	title = "A service image has no HEALTHCHECK",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"reliability", "availability"},
	aliases = {"DL3057", "CKV_DOCKER_2", "DS026"},
	precision = "medium",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/healthcheck-missing.md",
	description = [[
Without a `HEALTHCHECK`, Docker and Compose know only whether the process
is running, not whether it answers: a hung server stays "up", a restart
policy never kicks in, and `depends_on: condition: service_healthy`
cannot wait for it.

What is reported: an image that exposes a port (so it is a service that
can be probed) and has no `HEALTHCHECK` in its final stage or the stages
it is built FROM; once per image, at its final `FROM`. `HEALTHCHECK NONE`
is a deliberate choice and is not reported. The base image may define a
health check this rule cannot see; Kubernetes ignores `HEALTHCHECK` and
uses its own probes, so images deployed only there can skip this rule.

How to fix:

```dockerfile
# Before
EXPOSE 8080
CMD ["./server"]
# After
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["./server", "healthcheck"]
CMD ["./server"]
```

References:

- Docker: [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
- CIS Docker Benchmark 4.6 (add HEALTHCHECK instruction to the container image)
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			if c.healthcheck == nil and #(c.ports or {}) > 0 then
				report(c, "healthcheck", ("The image exposes port %s but "
					.. "has no HEALTHCHECK."):format(
					tostring(c.ports[1].text or c.ports[1].container)),
					{fix = "Add a HEALTHCHECK that probes the service."})
			end
		end
	end,
}

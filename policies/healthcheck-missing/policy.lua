-- healthcheck-missing: nothing tells Docker, or the services that wait
-- for it, that a service works: an image that serves with no HEALTHCHECK,
-- a Compose service with no healthcheck.
local p = require("plimsoll")

-- Services other services wait on: "once" for those that must complete
-- (one-shot jobs: a health check means nothing for them), "healthy" for
-- those that must report healthy.
local function dependencies(doc)
	local waits = {}
	for c in p.containers(doc, p.docker_engine) do
		local deps = c.source ~= nil and c.source.depends_on
		if p.is_node(deps) then
			for name, dep in pairs(deps) do
				local cond = p.is_node(dep) and dep.condition or nil
				if cond == "service_completed_successfully" then
					waits[name] = "once"
				elseif cond == "service_healthy" and waits[name] == nil then
					waits[name] = "healthy"
				end
			end
		end
	end
	return waits
end

-- Words that name a run-once service (`mongodb-init`, `db_migrate`,
-- `createbuckets`): such a service exits when done, and a health check
-- means nothing for it.
local one_shot_words = {
	init = true, setup = true, migrate = true, migration = true,
	migrations = true, migrator = true, seed = true, seeder = true,
	bootstrap = true, provision = true, provisioner = true,
	createbuckets = true, oneshot = true,
}

local function named_one_shot(name)
	for word in tostring(name):lower():gmatch("[^-_.]+") do
		if one_shot_words[word] then
			return true
		end
	end
	return false
end

-- A service kept open for a terminal (`tty`, `stdin_open`): a shell or a
-- CLI to attach to, not something that serves.
-- A command line run with a terminal, or removed once it exits
-- (`-it`, `--rm`): a one-off, not a service.
local one_off_flags = {["-i"] = true, ["-t"] = true, ["--interactive"] = true,
	["--tty"] = true, ["--rm"] = true}

local function interactive(c)
	local s = c.source
	if c.origin == "command" then
		for _, f in ipairs(s ~= nil and s.flags or {}) do
			if one_off_flags[f.name] and f.value ~= "false" then
				return true
			end
		end
		return false
	end
	return s ~= nil and (s.tty == true or s.stdin_open == true or
		s.tty == "true" or s.stdin_open == "true")
end

local function check_dockerfile(doc, report)
	for c in p.containers(doc) do
		if c.healthcheck == nil and #(c.ports or {}) > 0 then
			report(c, "healthcheck", ("The image exposes port %s but "
				.. "has no HEALTHCHECK."):format(
				tostring(c.ports[1].text or c.ports[1].container)),
				{fix = "Add a HEALTHCHECK that probes the service."})
		end
	end
end

local function check_compose(doc, report)
	local waits = dependencies(doc)
	for c in p.containers(doc, p.docker_engine) do
		local built = c.build
		local from_image = built ~= nil and built.healthcheck ~= nil and
			built.healthcheck.disabled ~= true
		if c.healthcheck == nil and not from_image and
			waits[c.name] ~= "once" and not named_one_shot(c.name) and
			not interactive(c) and
			not p.partial(c) then
			local why
			if built ~= nil then
				why = "and the Dockerfile it builds has none"
			else
				why = "and whether its image has one is not known"
			end
			local healthy = waits[c.name] == "healthy"
			report(c, "healthcheck", ("%s has no health check %s%s.")
				:format(p.describe(c), why, healthy and
					": a service waits for it to be healthy" or ""),
				{severity = healthy and "medium" or nil,
				 fix = c.origin == "command"
					and "Add `--health-cmd` with a test that fails when it "
					.. "cannot serve (or `--no-healthcheck` if none makes "
					.. "sense)." or "Add a `healthcheck:` whose test fails when the "
					.. "service cannot serve (or `disable: true` if "
					.. "none makes sense)."})
		end
	end
end

return {
	id = "healthcheck-missing",
	title = "Service or service image has no health check",
	severity = "low",
	applies_to = {"dockerfile", "compose", "command"},
	tags = {"availability", "reliability", "CWE-754"},
	aliases = {"DL3057", "CKV_DOCKER_2", "DS026",
		"698ed579-b239-4f8f-a388-baa4bcb13ef8"},
	precision = "medium",
	description = [[
Without a health check Docker only knows whether a service's process is
running, not whether it works. `docker ps` shows a wedged server as "Up",
`depends_on` with `condition: service_healthy` cannot be used to wait for
it, and orchestrators and restart tooling that act on health never see
the failure. Kubernetes ignores `HEALTHCHECK` and uses its own probes
(see `liveness-probe-missing` and `readiness-probe-missing`).

What is reported:

- **Dockerfile**: an image that exposes a port (so it is a service that
  can be probed) and has no `HEALTHCHECK` in its final stage or the stages
  it is built FROM; once per image, at its final `FROM`. `HEALTHCHECK NONE`
  is a deliberate choice and is not reported. The base image may define a
  health check this rule cannot see.
- **Compose**: a service with no `healthcheck:` whose image's
  own HEALTHCHECK is not known to exist: when the service builds from a
  Dockerfile plimsoll read, that Dockerfile's HEALTHCHECK (in the final or
  target stage, or inherited) counts, and `HEALTHCHECK NONE` there does
  not. A service another one waits for with `condition: service_healthy`
  is reported at medium severity: Compose cannot start the dependent
  without it. Not reported: `healthcheck: {disable: true}` (a decision
  written down); one-shot services, which exit when done: those others wait
  for with `condition: service_completed_successfully`, and those whose
  name says so (a word such as `init`, `setup`, `migrate`, `seed`,
  `bootstrap`: `mongodb-init`, `db_migrate`); a service kept open for a
  terminal (`tty: true` or `stdin_open: true`); and a service that is only
  part of one (no `image:` nor `build:`). An image pulled from a registry
  may bring a HEALTHCHECK of its own, which this rule cannot see: it says
  so in its message, and its precision is medium for that reason.

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

```yaml
# Before
services:
  api:
    image: example/api:2.4.1
# After
services:
  api:
    image: example/api:2.4.1
    healthcheck:
      test: ["CMD", "wget", "-q", "--spider", "http://localhost:8080/healthz"]
      interval: 30s
      timeout: 5s
      retries: 3
```

References:

- Dockerfile: [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
- Compose: [healthcheck](https://docs.docker.com/reference/compose-file/services/#healthcheck)
  and [depends_on conditions](https://docs.docker.com/reference/compose-file/services/#long-syntax-1)
- CIS Docker Benchmark 4.6 (add HEALTHCHECK instruction to the container image)
]],
	check = function(doc, report)
		if doc.kind == "dockerfile" then
			check_dockerfile(doc, report)
		else
			check_compose(doc, report)
		end
	end,
}

-- low-uid: a UID that the host also uses (system accounts, the first
-- human users) gives a process that escapes the host's rights of that
-- account.
local p = require("plimsoll")

-- True when node[field] is written in the container's own files, not
-- taken from the Dockerfile a Compose service builds.
local function written_here(c, node, field)
	if p.meta(node, field).implicit then
		return false
	end
	return c.build == nil or
		p.span(node, field).path ~= p.span(c.build, "user").path
end

local function fix_for(kind, min_uid)
	if kind == "dockerfile" then
		return ("Create the user with a UID of at least %d "
			.. "(`useradd --uid %d app`) and `USER %d`."):format(min_uid,
			min_uid + 1, min_uid + 1)
	elseif kind == "compose" then
		return ("Set `user: \"%d:%d\"`."):format(min_uid + 1, min_uid + 1)
	elseif kind == "command" then
		return ("Pass `--user %d:%d`."):format(min_uid + 1, min_uid + 1)
	end
	return ("Set `runAsUser` (and `runAsGroup`) to %d or more.")
		:format(min_uid)
end

local function check(doc, report)
	local min_uid = p.setting("min_uid")
	local extra = {fix = fix_for(doc.kind, min_uid)}
	for c in p.containers(doc) do
		local user = c.user
		if user.uid ~= nil and user.uid > 0 and user.uid < min_uid then
			local msg = ("%s runs as UID %d, below %d: a UID the host may "
				.. "give to one of its own accounts"):format(p.describe(c),
				user.uid, min_uid)
			if user.text ~= nil and written_here(c, user, "text") then
				report(user, "text", msg, extra)
			elseif p.docker_engine(c) then
				report(c, msg, extra)
			else
				report(c, "user", msg, extra)
			end
		end
	end
end

return {
	id = "low-uid",
	title = "Container runs as a low UID",
	severity = "low",
	applies_to = {"dockerfile", "compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {"CKV_K8S_40"},
	precision = "high",
	description = [[
A container's UID is the host's UID: without user namespaces, a process
that escapes a container running as UID 1000 acts on the host as
whichever account has UID 1000 there (often the first human user, or a
system service), with its files and its rights. A high UID (10000 and
above by default) is one the host is unlikely to use.

What is reported: a numeric, non-zero user below `min_uid` (Dockerfile
`USER`, Compose `user:`, Kubernetes `runAsUser`, pod-level settings
included), once per container, on the value. UID 0 is `runs-as-root`'s
concern; a user given by name is not reported (its UID is not known
here).

How to fix:

```dockerfile
# before
RUN useradd --uid 1000 app
USER 1000
# after
RUN useradd --uid 10001 app
USER 10001
```

```yaml
# before
securityContext:
  runAsUser: 1000
# after
securityContext:
  runAsUser: 10001
  runAsGroup: 10001
```

References: Checkov CKV_K8S_40 ("Containers should run as a high UID to
avoid host conflict"); CIS Docker Benchmark 4.1.
]],
	settings = {
		{name = "min_uid", type = "int", default = 10000,
		 description = "The lowest UID allowed: a non-zero numeric user "
			.. "below it is reported."},
	},
	check = check,
}

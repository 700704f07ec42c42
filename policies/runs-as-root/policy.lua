-- runs-as-root: the founding concern. A container whose process is root
-- owns the host the moment it escapes.
local p = require("plimsoll")

local function fix_for(kind)
	if kind == "dockerfile" then
		return "Create an unprivileged user and switch to it: "
			.. "`RUN useradd --uid 10001 app` then `USER 10001`."
	elseif kind == "compose" then
		return "Set `user: \"10001:10001\"` on the service (or a USER in "
			.. "the image it builds)."
	end
	return "Set `securityContext.runAsNonRoot: true` and a non-zero "
		.. "`runAsUser` on the container or the pod."
end

-- True when node[field] is written in the container's own files (the
-- Compose file and its overrides or extends), not implicit and not taken
-- from the Dockerfile a Compose service builds.
local function written_here(c, node, field)
	if p.meta(node, field).implicit then
		return false
	end
	return c.build == nil or
		p.span(node, field).path ~= p.span(c.build, "user").path
end

-- The user a Compose service without `user:` ends up with: its build.
local function built_user(c)
	return c.build ~= nil and c.build.user or nil
end

-- True when the container's image is one the user listed as running as
-- a non-root user (setting non_root_images).
local function known_non_root(c, patterns)
	local image = c.image and c.image.text
	if image == nil then
		return false
	end
	for _, pattern in ipairs(patterns) do
		if p.glob(image, pattern) then
			return true
		end
	end
	return false
end

local function check(doc, report)
	local extra = {fix = fix_for(doc.kind)}
	local min_uid = p.setting("min_uid")
	local non_root_images = p.setting("non_root_images")
	for c in p.containers(doc) do
		local user = c.user
		local what = p.describe(c)
		if user.uid ~= nil and user.uid > 0 and user.uid < min_uid then
			local written = user.text ~= nil and
				written_here(c, user, "text")
			local msg = ("%s runs as UID %d, below the lowest UID "
				.. "allowed (min_uid %d)"):format(what, user.uid, min_uid)
			if written then
				report(user, "text", msg, extra)
			else
				report(c, c.origin ~= "compose" and "user" or nil, msg,
					extra)
			end
		elseif c.run_as_non_root == true then
			-- The kubelet refuses to start it as root.
		elseif user.root == true then
			-- The written value when this file has it; else the
			-- container's declaration (a Compose service whose user
			-- comes from the Dockerfile it builds).
			local node, field = c, nil
			if user.text ~= nil and written_here(c, user, "text") then
				node, field = user, "text"
			elseif c.origin ~= "compose" then
				field = "user"
			end
			local msg
			if c.origin == "kubernetes" then
				msg = ("%s runs as root (runAsUser: %s)"):format(what,
					user.text or "0")
			elseif node == c and c.origin == "compose" then
				msg = ("%s runs as root: no `user:` is set and the "
					.. "Dockerfile it builds switches to %s"):format(what,
					user.text or "root")
			else
				msg = ("%s runs as root (user %s)"):format(what,
					user.text or "root")
			end
			if field ~= nil then
				report(node, field, msg, extra)
			else
				report(node, msg, extra)
			end
		elseif user.root == nil and user.text == nil then
			local built = built_user(c)
			if known_non_root(c, non_root_images) then
				-- The image is known to set a non-root user.
			elseif built ~= nil and built.root == false then
				-- The image it builds sets a non-root USER.
			elseif c.origin == "dockerfile" then
				report(c, "user", "the image runs as root: no USER "
					.. "instruction switches to a non-root user", extra)
			elseif c.origin == "compose" then
				local why = built ~= nil
					and "the Dockerfile it builds sets no USER"
					or "the image's user is unknown"
				report(c, ("%s runs as root: no `user:` is set and %s")
					:format(what, why), extra)
			elseif c.run_as_non_root == false then
				report(c, "run_as_non_root", ("%s may run as root: "
					.. "runAsNonRoot is false and no runAsUser is set")
					:format(what), extra)
			else
				report(c, "user", ("%s may run as root: neither "
					.. "runAsNonRoot: true nor a non-zero runAsUser is set")
					:format(what), extra)
			end
		end
	end
end

return {
	id = "runs-as-root",
	title = "Container runs as root",
	severity = "high",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	tags = {"security", "CWE-250"},
	aliases = {"DL3002", "CKV_DOCKER_3", "CKV_K8S_23"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/runs-as-root.md",
	description = [[
Containers run as root unless told otherwise, and root in a container is
root on the host once the process escapes (a kernel bug, a mounted socket,
a privileged flag). Run the process as an unprivileged user.

What is reported:

- **Dockerfile**: the final stage has no `USER`, or its last `USER` is
  `root` / `0`, variables expanded as BuildKit does (`USER ${UID:-0}`
  with no `UID` declared is user 0). A `USER` that depends on a build
  argument without a default is not reported (its value cannot be known).
- **Compose**: a service with `user: root` / `user: "0"`, or with no
  `user:` when the image it builds (if any) does not switch to a non-root
  user.
- **Kubernetes**: a container with `runAsUser: 0`, or with neither
  `runAsNonRoot: true` nor a non-zero `runAsUser` (pod-level settings
  count).

Settings: `min_uid` also reports a non-zero UID below it (a UID that
the host gives to system accounts, say); `non_root_images` lists images
(`*` matches any run of characters) known to run as a non-root user, so
a container of one of them with no user set is not reported.

How to fix:

```dockerfile
RUN useradd --uid 10001 --no-create-home app
USER 10001
```

```yaml
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
```
]],
	settings = {
		{name = "min_uid", type = "int", default = 1,
		 description = "The lowest UID allowed: a numeric user below it is "
			.. "reported (UID 0 always is)."},
		{name = "non_root_images", type = "list",
		 default = {"gcr.io/distroless/*:nonroot",
			"gcr.io/distroless/*:*-nonroot"},
		 description = "Images known to run as a non-root user (`*` "
			.. "matches any run of characters): a container of one with "
			.. "no user set is not reported."},
	},
	check = check,
}

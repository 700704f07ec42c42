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
	elseif kind == "command" then
		return "Add `--user 10001:10001` to the command (or a USER in "
			.. "the image it runs)."
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

-- Keywords after which a USER line would come too early: they may need
-- root to run (RUN, COPY --chown...), or set the user themselves.
local needs_root = {RUN = true, COPY = true, ADD = true, USER = true,
	ONBUILD = true, WORKDIR = true}

-- The fix of a Dockerfile: `USER 10001` in the final stage, before the
-- CMD or ENTRYPOINT that no build step follows, else after its last
-- instruction. None for a Windows stage (no numeric users there).
local function dockerfile_edits(doc)
	local stages = doc.tree ~= nil and doc.tree.stages
	local final = stages and stages[#stages]
	if not final or #final.instructions == 0 or
		p.windows_stage(doc, final) then
		return nil
	end
	local before = nil
	for _, ins in ipairs(final.instructions) do
		local kw = tostring(ins.keyword):upper()
		if (kw == "CMD" or kw == "ENTRYPOINT") and before == nil then
			before = ins
		elseif needs_root[kw] then
			before = nil
		end
	end
	if before ~= nil then
		return {p.edit_line_before(before, nil, "USER 10001")}
	end
	return {p.edit_line_after(final.instructions[#final.instructions], nil,
		"USER 10001")}
end

-- The fix where one setting does it: Compose `user: "10001"`;
-- Kubernetes `runAsUser: 0` written as such becomes 10001, an explicit
-- `runAsNonRoot: false` true, and else the container gets
-- `securityContext.runAsNonRoot: true`. The edits of the finding at
-- node[field], or nil.
local function edits_for(doc, c, node, field)
	local edits
	if c.origin == "dockerfile" then
		edits = dockerfile_edits(doc)
	elseif c.origin == "compose" and c.source ~= nil then
		edits = p.yaml_set(c.source, "user", '"10001"')
	elseif c.origin == "kubernetes" and c.source ~= nil then
		local m = field ~= nil and p.meta(node, field)
		if node == c.user and m.present and m.kind == "int" and
			not m.interpolated then
			edits = {p.edit_replace(node, field, "10001")}
		elseif field == "run_as_non_root" and m.present and
			m.kind == "bool" and not m.interpolated then
			edits = {p.edit_replace(node, field, "true")}
		else
			edits = p.yaml_set(c.source, {"securityContext", "runAsNonRoot"},
				"true")
		end
	end
	return p.edits_for(node, field, edits)
end

-- extra with the fix's edits for a finding at node[field] (a copy).
local function with_edits(doc, c, extra, node, field)
	local out = {}
	for k, v in pairs(extra) do
		out[k] = v
	end
	out.edits = edits_for(doc, c, node, field)
	return out
end

-- The user a Compose service without `user:` ends up with: its build.
local function built_user(c)
	return c.build ~= nil and c.build.user or nil
end

-- What an image runs as (see p.image_user_judge), set per file from
-- the settings.
local image_user

-- extra with one related location added (a copy: extra is shared).
local function with_related(extra, node, field, message)
	local out = {}
	for k, v in pairs(extra) do
		out[k] = v
	end
	out.related = {{node = node, field = field, message = message}}
	return out
end

-- The second place a reader needs: where a Dockerfile's final stage
-- inherits a user set in an earlier stage, or the USER of the Dockerfile
-- a Compose service builds.
local function root_related(c, node, extra)
	if c.origin == "dockerfile" and node ~= c then
		local at, final = p.span(node, "text"), p.span(c)
		if at.path == final.path and at.start_line < final.start_line then
			return with_related(extra, c, nil,
				"the final stage inherits this user here")
		end
	elseif node == c and p.docker_engine(c) and c.build ~= nil and
		c.build.user ~= nil and c.build.user.text ~= nil then
		return with_related(extra, c.build.user, "text",
			"the USER of the Dockerfile it builds")
	end
	return extra
end

-- A Kubernetes setting written on the pod and folded into the container:
-- the container that inherits it is the second place.
local function pod_related(c, node, field, extra)
	if c.origin ~= "kubernetes" or not p.meta(node, field).inherited then
		return extra
	end
	return with_related(extra, c, nil,
		("%s inherits this pod-level setting"):format(p.describe(c)))
end

local function report_root(doc, c, report, extra)
	local user = c.user
	local what = p.describe(c)
	-- The written value when this file has it; else the container's
	-- declaration (a Compose service whose user comes from the
	-- Dockerfile it builds).
	local node, field = c, nil
	if user.text ~= nil and written_here(c, user, "text") then
		node, field = user, "text"
	elseif not p.docker_engine(c) then
		field = "user"
	end
	local msg
	if c.origin == "kubernetes" then
		msg = ("%s runs as root (runAsUser: %s)"):format(what,
			user.text or "0")
	elseif node == c and p.docker_engine(c) then
		msg = ("%s runs as root: no `user:` is set and the "
			.. "Dockerfile it builds switches to %s"):format(what,
			user.text or "root")
	else
		msg = ("%s runs as root (user %s)"):format(what,
			user.text or "root")
	end
	if c.origin == "kubernetes" then
		extra = pod_related(c, node, field, extra)
	else
		extra = root_related(c, node, extra)
	end
	extra = with_edits(doc, c, extra, node, field)
	if field ~= nil then
		report(node, field, msg, extra)
	else
		report(node, msg, extra)
	end
end

-- No user is set anywhere in the container's own files.
local function report_unset(doc, c, report, extra)
	local what = p.describe(c)
	local built = built_user(c)
	local known = image_user(c.image)
	if known == "non-root" then
		return
	end
	if c.origin == "dockerfile" then
		report(c, "user", "the image runs as root: no USER instruction "
			.. "switches to a non-root user",
			with_edits(doc, c, extra, c, "user"))
	elseif p.docker_engine(c) and c.build ~= nil then
		if built ~= nil and built.root == false then
			return
		end
		if image_user(c.build.image) == "non-root" then
			return
		end
		report(c, ("%s runs as root: no `user:` is set and the "
			.. "Dockerfile it builds sets no USER"):format(what),
			with_edits(doc, c, with_related(extra, c.build, nil,
				"the final stage of the Dockerfile it builds"), c, nil))
	elseif p.docker_engine(c) then
		if known == "root" then
			report(c, ("%s runs as root: no `user:` is set and image %s "
				.. "starts as root"):format(what, c.image.text),
				with_edits(doc, c, extra, c, nil))
		end
		-- Otherwise the image's user is unknown: image-user-unknown.
	elseif c.run_as_non_root == false then
		report(c, "run_as_non_root", ("%s may run as root: "
			.. "runAsNonRoot is false and no runAsUser is set")
			:format(what), with_edits(doc, c,
				pod_related(c, c, "run_as_non_root", extra), c,
				"run_as_non_root"))
	else
		report(c, "user", ("%s may run as root: neither "
			.. "runAsNonRoot: true nor a non-zero runAsUser is set")
			:format(what), with_edits(doc, c, extra, c, "user"))
	end
end

local function check(doc, report)
	local extra = {fix = fix_for(doc.kind)}
	image_user = p.image_user_judge(p.setting("root_images"),
		p.setting("non_root_images"))
	for c in p.containers(doc) do
		local user = c.user
		if c.run_as_non_root == true then
			-- The kubelet refuses to start it as root.
		elseif user.root == true then
			-- Written, even in a fragment: that is where root comes from.
			report_root(doc, c, report, extra)
		elseif user.root == nil and user.text == nil and
			not p.is_fragment(doc, c) then
			report_unset(doc, c, report, extra)
		end
	end
end

return {
	id = "runs-as-root",
	title = "Container runs as root",
	severity = "high",
	applies_to = {"dockerfile", "compose", "command", "kubernetes"},
	tags = {"security", "CWE-250"},
	aliases = {"DL3002", "CKV_DOCKER_3", "CKV_DOCKER_8", "CKV_K8S_23",
		"run-as-non-root", "KSV012", "AVD-KSV-0012"},
	precision = "high",
	description = [[
Containers run as root unless told otherwise, and root in a container is
root on the host once the process escapes (a kernel bug, a mounted socket,
a privileged flag). Run the process as an unprivileged user (CIS Docker
Benchmark 4.1; Pod Security Standards, restricted: "Running as Non-root").

What is reported, once per container, where the fix goes:

- **Dockerfile**: the final stage has no `USER` (a `USER` of an earlier
  stage it is built `FROM` counts), or its last `USER` is `root` / `0` in
  any spelling (`root:root`, `0:0`, `${UID}` whose default is 0). A base
  image known to run as a non-root user (distroless `:nonroot`,
  Chainguard, Windows Nano Server's `ContainerUser`...) is not reported;
  a `USER` from a variable with no known value is not reported.
- **Compose**: `user: root` / `user: "0"`; a service built from a
  Dockerfile is judged on the Dockerfile's user. A service with only an
  `image:` and no `user:` is reported when the image is known to start
  as root (Docker's official images that set no USER, such as `nginx`,
  `postgres` or `redis`, and `root_images`), and not when it is known to
  run as non-root; when the image's user is unknown, `image-user-unknown`
  says so, at low severity. Services of an override file with neither
  image nor build are fragments and are not judged alone.
- **Kubernetes**: `runAsUser: 0`, or neither `runAsNonRoot: true` nor a
  non-zero `runAsUser` (pod-level settings count; the finding lands on
  the pod's setting when that is where it is written, with the container
  that inherits it as a related location).

A non-zero UID that is merely low is `low-uid`'s concern; a user given by
name is `user-by-name`'s.

Settings: `non_root_images` lists images (`*` matches any run of
characters, matched against the image as written and with or without
its registry and tag) known to run as a non-root user; its default is a
small maintained list. `root_images` lists images known to start as root
beyond Docker's official images.

How to fix:

```dockerfile
# before
FROM python:3.12-slim
CMD ["python", "app.py"]
# after
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
USER 10001
CMD ["python", "app.py"]
```

```yaml
# before
securityContext: {}
# after
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
```

```yaml
# Compose, after
services:
  web:
    image: nginx:1.27
    user: "10001:10001"
```
]],
	settings = {
		{name = "non_root_images", type = "list",
		 default = p.non_root_images,
		 description = "Images known to run as a non-root user (`*` "
			.. "matches any run of characters): a container of one with "
			.. "no user set is not reported."},
		{name = "root_images", type = "list", default = p.root_images,
		 description = "Images known to start as root, besides Docker's "
			.. "official images (checked before non_root_images)."},
	},
	check = check,
}

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

-- The user a Compose service without `user:` ends up with: its build.
local function built_user(c)
	return c.build ~= nil and c.build.user or nil
end

-- Instructions that may need root, or set the user themselves: a USER
-- line goes after the last of them.
local build_steps = {RUN = true, COPY = true, ADD = true, USER = true,
	WORKDIR = true, ONBUILD = true}

-- The edits of the fix, where one is sound: a Dockerfile gets `USER
-- 10001` in its final stage (before the CMD or ENTRYPOINT that no build
-- step follows, else at its end: a RUN after it may need root; none in
-- a Windows stage, which has no numeric users); a Compose service
-- `user:`; a Kubernetes container `securityContext.runAsNonRoot: true`.
local function fix_edits(doc, c)
	if c.origin == "dockerfile" then
		local final
		for s in p.stages(doc) do
			final = s
		end
		if final == nil or p.windows_stage(doc, final) then
			return nil
		end
		local start, last
		local list, keywords = p.stage_instructions(doc, final)
		for k, ins in ipairs(list) do
			last = ins
			local kw = keywords[k]
			if start == nil and (kw == "CMD" or kw == "ENTRYPOINT") then
				start = ins
			elseif build_steps[kw] then
				start = nil
			end
		end
		if start ~= nil then
			return {{line = p.span(start).start_line, column = 1,
				text = "USER 10001\n"}}
		elseif last ~= nil then
			return {{node = last, at = "after", text = "\nUSER 10001"}}
		end
		return nil
	end
	local e
	if c.origin == "compose" then
		e = p.edit_set(c, {"user"}, '"10001:10001"')
	elseif c.origin == "kubernetes" then
		e = p.edit_set(c, {"securityContext", "runAsNonRoot"}, "true")
	end
	-- Not when the user is written in another file (a Compose override).
	return p.edits_for(c, "user", e and {e})
end

-- A copy of extra (it is shared) with key set to value.
local function extra_with(extra, key, value)
	local out = {}
	for k, v in pairs(extra) do
		out[k] = v
	end
	out[key] = value
	return out
end

-- extra with the fix's edits for c.
local function with_edits(doc, c, extra)
	local edits = fix_edits(doc, c)
	return edits and extra_with(extra, "edits", edits) or extra
end

-- What an image runs as (see p.image_user_judge), set per file from
-- the settings.
local image_user

-- extra with one related location added.
local function with_related(extra, node, field, message)
	return extra_with(extra, "related",
		{{node = node, field = field, message = message}})
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

local function report_root(c, report, extra)
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
	if field ~= nil then
		report(node, field, msg, extra)
	else
		report(node, msg, extra)
	end
end

-- No user is set anywhere in the container's own files.
local function report_unset(c, report, extra)
	local what = p.describe(c)
	local built = built_user(c)
	local known = image_user(c.image)
	if known == "non-root" then
		return
	end
	if c.origin == "dockerfile" then
		report(c, "user", "the image runs as root: no USER instruction "
			.. "switches to a non-root user", extra)
	elseif p.docker_engine(c) and c.build ~= nil then
		if built ~= nil and built.root == false then
			return
		end
		if image_user(c.build.image) == "non-root" then
			return
		end
		report(c, ("%s runs as root: no `user:` is set and the "
			.. "Dockerfile it builds sets no USER"):format(what),
			with_related(extra, c.build, nil,
				"the final stage of the Dockerfile it builds"))
	elseif p.docker_engine(c) then
		if known == "root" then
			report(c, ("%s runs as root: no `user:` is set and image %s "
				.. "starts as root"):format(what, c.image.text), extra)
		end
		-- Otherwise the image's user is unknown: image-user-unknown.
	elseif c.run_as_non_root == false then
		report(c, "run_as_non_root", ("%s may run as root: "
			.. "runAsNonRoot is false and no runAsUser is set")
			:format(what), pod_related(c, c, "run_as_non_root", extra))
	else
		report(c, "user", ("%s may run as root: neither "
			.. "runAsNonRoot: true nor a non-zero runAsUser is set")
			:format(what), extra)
	end
end

-- report, passing a finding's edits on only when they change the file
-- the finding is in: a Compose service's user may be written in an
-- override file while its fix would go into the base file.
local function edits_in_its_file(report)
	return function(node, field, msg, extra)
		if type(msg) ~= "string" then -- report(node, msg [, extra])
			field, msg, extra = nil, field, msg
		end
		if extra ~= nil and extra.edits ~= nil then
			local at = p.span(node, field).source or 1
			for _, e in ipairs(extra.edits) do
				if e.source ~= nil and e.source ~= at then
					local copy = {}
					for k, v in pairs(extra) do
						copy[k] = v
					end
					copy.edits = nil
					extra = copy
					break
				end
			end
		end
		if field ~= nil then
			return report(node, field, msg, extra)
		end
		return report(node, msg, extra)
	end
end

local function check(doc, report)
	report = edits_in_its_file(report)
	local extra = {fix = fix_for(doc.kind)}
	image_user = p.image_user_judge(p.setting("root_images"),
		p.setting("non_root_images"))
	for c in p.containers(doc) do
		local user = c.user
		if c.run_as_non_root == true then
			-- The kubelet refuses to start it as root.
		elseif user.root == true then
			-- Written, even in a fragment: that is where root comes from.
			report_root(c, report, with_edits(doc, c, extra))
		elseif user.root == nil and user.text == nil and
			not p.is_fragment(doc, c) then
			report_unset(c, report, with_edits(doc, c, extra))
		end
	end
end

return {
	id = "runs-as-root",
	title = "Container runs as root",
	severity = "high",
	applies_to = {"dockerfile", "compose", "command", "kubernetes"},
	needs = {containers = true},
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

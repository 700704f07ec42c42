-- image-tag-latest: an image without a tag, or tagged `latest`, is
-- whatever its publisher pushed last.
local p = require("plimsoll")

-- The part of an image reference after its last '/': where a tag goes.
local function last_component(text)
	return text:match("([^/]*)$") or text
end

-- For an interpolated Compose image: nil when the tag (or the whole name)
-- comes from a variable with no default, so only the deployment decides.
local function decided_in_file(c)
	local meta = p.meta(c.image, "text")
	if not meta.interpolated then
		return true
	end
	-- The text as written is kept on the service's own `image:` node.
	local written = c.source ~= nil and p.meta(c.source, "image").text or ""
	local tail = last_component(written)
	if c.image.tag == nil then
		-- `${REGISTRY:-docker.io}/app` has no tag whatever the variable.
		return not tail:find("$", 1, true)
	end
	-- `app:${TAG:-latest}`: the file's own default is `latest`.
	return c.image.tag == "latest" and written:find("latest", 1, true) ~= nil
end

return {
	id = "image-tag-latest",
	title = "Container image is untagged or uses the latest tag",
	severity = "medium",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"reproducibility", "supply-chain", "CWE-1357"},
	aliases = {"CKV_K8S_14", "latest-tag", "KSV013", "AVD-KSV-0013",
		"583053b7-e632-46f0-b989-f81ff8045385"},
	precision = "very-high",
	description = [[
An image named without a tag is pulled as `latest`, and `latest` is only a
name the publisher moves with every release. Two nodes, or two restarts a
week apart, can run different software from the same manifest; a bad
release rolls out by itself, and nobody can tell from the file which
version is running or roll back to the one before.

What is reported: a Kubernetes container, init container or ephemeral
container (of any workload, including custom resources that carry a pod
template) and a Compose service whose `image:` has no tag or the tag
`latest`, and no digest. Not reported: an image pinned by digest
(`app:latest@sha256:...` is immutable), an image named by a variable the
file leaves to the deployment (`app:${TAG}`, `$(params.image)`), and a
Compose service with `build:`, whose `image:` names what it builds. A
Compose default of `latest` (`app:${TAG:-latest}`) is reported: it is what
runs when nobody sets the variable.

How to fix: name the version you tested, or better its digest.

```yaml
# Before
containers:
  - name: web
    image: nginx
# After
containers:
  - name: web
    image: nginx:1.27.3
    # or: nginx:1.27.3@sha256:<digest>
```

References:

- Kubernetes: [container images](https://kubernetes.io/docs/concepts/containers/images/#image-names)
  and [configuration best practices](https://kubernetes.io/docs/concepts/configuration/overview/#container-images)
- CIS Docker Benchmark 5.27 (ensure images are pinned); CWE-1357
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local float = c.image ~= nil and p.floating_tag(c.image)
			local built = p.docker_engine(c) and c.source ~= nil and
				c.source.build ~= nil
			if float and not built and decided_in_file(c) then
				local what = float == "latest" and "the `latest` tag"
					or "no tag (it is pulled as `latest`)"
				report(c.image, "text", ("%s uses image %s with %s.")
					:format(p.describe(c), c.image.text, what),
					{fix = "Pin the version you tested, e.g. "
						.. (c.image.repository or "image")
						.. ":<version>, or its digest."})
			end
		end
	end,
}

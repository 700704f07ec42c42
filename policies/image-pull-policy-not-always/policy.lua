-- image-pull-policy-not-always: a floating tag pulled once and cached runs
-- whatever version each node happened to pull.
local p = require("plimsoll")

return {
	id = "image-pull-policy-not-always",
	title = "Floating image tag is not pulled on every start",
	severity = "low",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"reproducibility", "supply-chain"},
	aliases = {"CKV_K8S_15"},
	precision = "very-high",
	description = [[
With `imagePullPolicy: IfNotPresent` (or `Never`) the kubelet starts a
container from whatever image it already has under that name. For a
floating tag (`latest`, or no tag at all) that is whatever was current
when this node first pulled it: nodes drift apart, a pod rescheduled to
another node runs another version, and a fixed image never reaches the
nodes that cached the broken one. Kubernetes defaults floating tags to
`Always` for this reason; writing another policy undoes it.

What is reported: a container, init container or ephemeral container whose
image has no tag or the tag `latest` (and no digest), and whose
`imagePullPolicy` is written and is not `Always`. Not reported: the
policy left unset (the default is then `Always`), and a pinned tag or
digest with `IfNotPresent`, which is the efficient choice for an image
that does not change. Checkov's CKV_K8S_15 asks for `Always` on every
image; this rule reports only the case where caching changes what runs.
The floating tag itself is `image-tag-latest`.

How to fix: pin the image (best), or pull it on every start.

```yaml
# Before
image: example/app:latest
imagePullPolicy: IfNotPresent
# After
image: example/app:2.4.1
imagePullPolicy: IfNotPresent
# or, while the tag floats:
image: example/app:latest
imagePullPolicy: Always
```

References:

- Kubernetes: [image pull policy](https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy)
  and its [defaults](https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting)
]],
	check = function(doc, report)
		for c in p.containers(doc, "kubernetes") do
			local policy = c.image_pull_policy
			local float = p.floating_tag(c.image)
			if float and policy ~= nil and policy ~= "Always" then
				report(c, "image_pull_policy", ("%s pulls %s (%s) with "
					.. "imagePullPolicy %s: each node keeps running the "
					.. "version it pulled first."):format(p.describe(c),
					c.image.text, float == "latest" and "the `latest` tag"
						or "no tag, so `latest`", policy),
					{fix = "Pin the image to a version or digest, or set "
						.. "`imagePullPolicy: Always`."})
			end
		end
	end,
}

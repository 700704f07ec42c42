-- image-user-unknown: a Compose service that sets no user runs as its
-- image's USER, which this file does not show.
local p = require("plimsoll")

return {
	id = "image-user-unknown",
	title = "Service sets no user and its image's user is unknown",
	severity = "low",
	applies_to = {"compose", "command"},
	needs = {containers = true},
	tags = {"security", "CWE-250"},
	aliases = {},
	precision = "low",
	description = [[
A Compose service without `user:` runs as whatever user its image
chose. For Docker's official images that is root (`runs-as-root`
reports them), for some images it is a non-root user (they are not
reported); for the rest, nothing in the project says, and many of them
run as root. This rule names those services so that someone checks:
it is a prompt, not a finding of fact, hence its low severity and low
precision.

What is reported, on the service: a service with no `user:` whose image
is neither known to start as root nor known to run as non-root (the
settings `root_images` and `non_root_images`, a small maintained list by
default), or whose image comes from a variable, or is built from a
Dockerfile that could not be read. A service built from a readable
Dockerfile is judged by `runs-as-root` on that Dockerfile's USER.

How to fix: check the image (`docker inspect --format '{{.Config.User}}'
IMAGE`), then say it in the file, or list the image in
`non_root_images`:

```yaml
# before
services:
  queue:
    image: vendor/queue:4.2
# after
services:
  queue:
    image: vendor/queue:4.2
    user: "10001:10001"
```
]],
	settings = {
		{name = "non_root_images", type = "list",
		 default = p.non_root_images,
		 description = "Images known to run as a non-root user (`*` "
			.. "matches any run of characters)."},
		{name = "root_images", type = "list", default = p.root_images,
		 description = "Images known to start as root, besides Docker's "
			.. "official images."},
	},
	check = function(doc, report)
		local judge = p.image_user_judge(p.setting("root_images"),
			p.setting("non_root_images"))
		for c in p.containers(doc, p.docker_engine) do
			if c.user.text == nil and c.build == nil and
				not p.is_fragment(doc, c) and judge(c.image) == nil then
				local image = c.image and c.image.text
				local why = (image == nil or image == "") and
					"the image it builds could not be read" or
					("the user of image %s is not known"):format(image)
				report(c, ("%s sets no `%s` and %s: it may run as root")
					:format(p.describe(c), c.origin == "command" and
						"--user" or "user:", why),
					{fix = "Check the image's user and set "
					.. (c.origin == "command" and "`--user`" or "`user:`")
					.. " (or "
					.. "list the image in non_root_images)."})
			end
		end
	end,
}

-- user-by-name: the kubelet can only check runAsNonRoot against a
-- numeric USER.
local p = require("plimsoll")

-- Windows accounts: no runAsNonRoot check applies to them.
local windows = {ContainerUser = true, ContainerAdministrator = true}

return {
	id = "user-by-name",
	title = "USER names a user instead of a UID",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"USER"}},
	tags = {"security", "kubernetes"},
	aliases = {},
	precision = "high",
	description = [[
Kubernetes can only verify `runAsNonRoot: true` when it knows the UID the
image runs as. An image whose `USER` is a name (`USER app`) gives it none:
the kubelet refuses to start the container ("image has non-numeric user,
cannot verify user is non-root") unless the pod also sets `runAsUser`.
A numeric USER also does not depend on the image's `/etc/passwd`.

What is reported: the final stage's effective `USER` when it is a name
other than `root` (which `runs-as-root` reports), once, on that `USER`
(the stage where it is written, which may be a parent stage). A `USER`
from a variable, a numeric one (`1000`, `1000:app`) and the Windows
accounts (`ContainerUser`) are not reported.

How to fix: give the UID (and GID) as numbers.

```dockerfile
# before
RUN useradd --uid 10001 app
USER app
# after
RUN useradd --uid 10001 app
USER 10001:10001
```

References: Kubernetes, "Configure a Security Context" (runAsNonRoot);
Pod Security Standards, restricted: "Running as Non-root".
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			local user = c.user
			if user.name ~= nil and user.uid == nil and user.root == false
				and not windows[user.name] then
				report(user, "text", ("the image's USER %s is a name: "
					.. "Kubernetes cannot verify runAsNonRoot for it")
					:format(user.text), {fix = "Use the numeric UID: `USER "
					.. "10001:10001` (the UID you gave " .. user.name .. ")."})
			end
		end
	end,
}

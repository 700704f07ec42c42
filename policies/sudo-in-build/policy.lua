-- sudo-in-build: sudo in a Dockerfile hides who runs what.
local p = require("plimsoll")

return {
	id = "sudo-in-build",
	title = "sudo is used in a Dockerfile",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"sudo"}},
	tags = {"security", "CWE-250"},
	aliases = {"DL3004", "CKV2_DOCKER_1", "8ada6e80-0ade-439e-b176-0b28f6bce35a"},
	precision = "very-high",
	description = [[
`sudo` in a build step means the image has `sudo` installed and a user
allowed to use it: anyone who gets a shell as that user is root. Its TTY
and environment handling also make builds behave unpredictably.

What is reported: a `RUN` (or `ONBUILD RUN`) instruction that calls
`sudo` (anywhere in its
commands, including after `&&` or in a subshell).

How to fix: run the step as root with `USER root` before it and switch
back with `USER <uid>` after it, and do not install `sudo` in the image.

```dockerfile
# before
USER 10001
RUN sudo apt-get install -y --no-install-recommends curl
# after
USER root
RUN apt-get install -y --no-install-recommends curl
USER 10001
```

References: hadolint DL3004; CIS Docker Benchmark 4.1.
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			-- Cheap test first: most RUN lines never mention sudo.
			local text = ins.text or ""
			for _, cmd in ipairs(text:find("sudo", 1, true)
				and p.commands(ins) or {}) do
				local _, wrappers = p.unwrap(cmd.argv)
				if p.contains(wrappers, "sudo") then
					report(ins, ("RUN uses sudo: %s"):format(cmd.text),
						{fix = "Use `USER root` for this step and switch back "
						.. "to an unprivileged USER afterwards."})
					break
				end
			end
		end
	end,
}

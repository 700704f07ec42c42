-- shell-changed-by-run: replacing /bin/sh behind Docker's back instead of
-- saying so with SHELL.
local p = require("plimsoll")

local sh_paths = {["/bin/sh"] = true, ["/usr/bin/sh"] = true}

-- True when a command removes /bin/sh.
local function removes_sh(argv)
	if argv[1] and p.basename(argv[1]) == "rm" then
		for k = 2, #argv do
			if sh_paths[argv[k]] then
				return true
			end
		end
	end
	return false
end

-- The file a command writes /bin/sh with, if it does. `ln` without -f
-- only creates a /bin/sh that is missing (a scratch or busybox image),
-- unless the RUN removed the old one first.
local function replaces_sh(argv, removed)
	local prog = argv[1] and p.basename(argv[1])
	if prog == "ln" or prog == "cp" or prog == "mv" then
		local words, force = {}, false
		for k = 2, #argv do
			local a = argv[k]
			if a:sub(1, 1) ~= "-" then
				words[#words + 1] = a
			elseif a == "--force" or (a:match("^%-%a+$") and a:find("f")) then
				force = true
			end
		end
		if #words >= 2 and sh_paths[words[#words]] and
			(prog ~= "ln" or force or removed) then
			return words[1]
		end
	elseif prog == "update-alternatives" then
		for k = 2, #argv - 1 do
			if argv[k] == "--install" and sh_paths[argv[k + 1]] then
				return argv[k + 3] or "another shell"
			end
		end
	end
	return nil
end

return {
	id = "shell-changed-by-run",
	title = "RUN replaces /bin/sh instead of using SHELL",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"/sh"}},
	tags = {"maintainability", "reliability"},
	aliases = {"DL4005"},
	precision = "very-high",
	description = [[
`RUN ln -sf /bin/bash /bin/sh` changes the shell every later `RUN`, and
every script in the running container that starts with `#!/bin/sh`, uses
– silently, and for the whole image. Scripts written for a POSIX shell
may then behave differently, and a reader of the Dockerfile cannot see
which shell runs the build steps.

What is reported: a command that replaces `/bin/sh` (`ln -sf`, `cp` or
`mv` onto it, `ln -s` after removing it, `update-alternatives --install
/bin/sh ...`), at the command. `ln -s` alone only creates a missing
`/bin/sh` (a scratch or busybox image) and is not reported.

How to fix: say which shell the build steps use with `SHELL`, and leave
`/bin/sh` alone.

```dockerfile
# Before
RUN ln -sf /bin/bash /bin/sh
# After
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
```

References:

- Docker: [SHELL](https://docs.docker.com/reference/dockerfile/#shell)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			local removed = false
			for _, cmd in ipairs(p.run_commands(ins)) do
				local with = replaces_sh(cmd.argv, removed)
				removed = removed or removes_sh(cmd.argv)
				if with then
					report(cmd.node, ("This replaces /bin/sh with %s for "
						.. "every later RUN and script."):format(with),
						{fix = ("Use SHELL [\"%s\", \"-c\"] instead."):format(
						with:find("^/") and with or "/bin/bash")})
				end
			end
		end
	end,
}

-- apk-no-cache: `apk add` without --no-cache leaves the package index in
-- the layer.
local p = require("plimsoll")

local cache = "/var/cache/apk"

local function removes_cache(argv)
	if argv[1] and p.basename(argv[1]) == "rm" then
		for k = 2, #argv do
			if argv[k]:sub(1, #cache) == cache then
				return true
			end
		end
	end
	return argv[1] and p.basename(argv[1]) == "apk" and
		argv[2] == "cache" and argv[3] == "clean"
end

return {
	id = "apk-no-cache",
	title = "apk add keeps its cache in the image",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"apk"}},
	tags = {"image-size"},
	aliases = {"DL3019", "DS025"},
	precision = "very-high",
	description = [[
`apk add` stores the package index it downloads in `/var/cache/apk`, where
it stays in the layer: a few megabytes that are stale by the next build.
`--no-cache` fetches the index to a temporary place and keeps nothing, so
no `apk update` and no clean-up are needed.

What is reported: `apk add` without `--no-cache`, at the command, in the
stages whose layers ship in the image (the final stage and the stages it
is built FROM), unless the same `RUN` removes `/var/cache/apk` afterwards
or puts it on a cache or tmpfs `--mount`. `apk add --no-network` fetches
nothing and is not reported.

How to fix:

```dockerfile
# Before
RUN apk update && apk add curl
# After
RUN apk add --no-cache curl
```

References:

- Alpine: [apk(8)](https://man.archlinux.org/man/apk.8.en) `--no-cache`; [Alpine Docker image usage](https://github.com/alpinelinux/docker-alpine)
]],
	check = function(doc, report)
		local shipped = p.shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] and not p.run_mounts(ins, cache) then
				local pending
				for _, cmd in ipairs(p.run_commands(ins)) do
					local inst = p.package_installs(cmd.argv)[1]
					-- --no-network fetches nothing, so caches nothing.
					if inst and inst.manager == "apk" and
						not p.contains(cmd.argv, "--no-cache") and
						not p.contains(cmd.argv, "--no-network") then
						pending = pending or cmd
					elseif pending and removes_cache(cmd.argv) then
						pending = nil
					end
				end
				if pending then
					report(pending.node, "`apk add` without --no-cache leaves "
						.. "the package index in the layer.",
						{fix = "Use `apk add --no-cache ...` (and drop "
						.. "`apk update`).", edits = {p.edit_after_word(
						ins, pending.node, "add", " --no-cache")}})
				end
			end
		end
	end,
}

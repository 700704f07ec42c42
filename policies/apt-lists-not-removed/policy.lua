-- apt-lists-not-removed: `apt-get update` leaves tens of megabytes of
-- package lists in the layer unless the same RUN removes them.
local p = require("plimsoll")

local lists = "/var/lib/apt/lists"

-- True when path is the lists directory, something in it, or a directory
-- above it (`rm -rf /var/lib/apt/lists/*`, `rm -rf /var/lib`).
local function covers_lists(path)
	path = path:gsub("/%*$", ""):gsub("/+$", "")
	return path:sub(1, #lists) == lists or (path ~= "" and
		lists:sub(1, #path + 1) == path .. "/")
end

-- True when a command removes the package lists (rm of the directory, its
-- contents or a directory above it, or apt-get distclean).
local function removes_lists(argv)
	local prog = argv[1] and p.basename(argv[1])
	if prog == "rm" then
		for k = 2, #argv do
			if argv[k]:sub(1, 1) == "/" and covers_lists(argv[k]) then
				return true
			end
		end
	elseif prog == "find" and argv[2] and argv[2]:sub(1, #lists) == lists then
		return true
	end
	local apt = p.apt_parse(argv)
	return apt ~= nil and (apt.sub == "distclean" or apt.sub == "dist-clean")
end

return {
	id = "apt-lists-not-removed",
	title = "apt lists are left in the image",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"update"}},
	tags = {"image-size"},
	aliases = {"DL3009"},
	precision = "high",
	description = [[
`apt-get update` downloads the package lists into `/var/lib/apt/lists`:
tens of megabytes that stay in the layer for good unless the same `RUN`
deletes them (a later `RUN rm` only hides them). Stale lists in an image
are useless anyway: the next install needs a fresh `apt-get update`.

What is reported: `apt-get update` (or `apt update`) in a `RUN` that does
not remove `/var/lib/apt/lists` after it, in the stages whose layers ship
in the image (the final stage and the stages it is built FROM). Not
reported: a `RUN` with a cache or tmpfs `--mount` on the lists.

How to fix:

```dockerfile
# Before
RUN apt-get update && apt-get install -y --no-install-recommends curl
# After
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

References:

- Docker: [best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
]],
	check = function(doc, report)
		local shipped = p.shipped_stages(doc)
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] and not p.run_mounts(ins, lists) then
				local cmds = p.run_commands(ins)
				local pending
				for _, cmd in ipairs(cmds) do
					local apt = p.apt_parse(cmd.argv)
					if apt and apt.sub == "update" then
						pending = pending or cmd
					elseif pending and removes_lists(cmd.argv) then
						pending = nil
					end
				end
				if pending then
					report(pending.node, ("`%s` leaves the package lists in "
						.. "the layer."):format(pending.text),
						{fix = "End the same RUN with "
						.. "`rm -rf /var/lib/apt/lists/*`."})
				end
			end
		end
	end,
}

-- wget-and-curl: two download tools in one image where one would do.
local p = require("plimsoll")

-- The simple commands of a RUN, each with the command node a finding
-- lands on and its argv without wrappers (sudo, env A=B...). The model
-- lists the commands of a `sh -c "..."` script after the sh command
-- itself, each with its own position.
local script_runners = {sh = true, bash = true, ash = true, dash = true,
	zsh = true, ksh = true, su = true, runuser = true}

local function run_commands(ins)
	local out = {}
	for _, node in ipairs(ins.commands or {}) do
		local argv = {}
		for _, a in ipairs(node.argv or {}) do
			argv[#argv + 1] = tostring(a)
		end
		argv = p.unwrap(argv)
		-- `sh -c SCRIPT`, `su user -c SCRIPT`: the script's commands
		-- follow as commands of their own; judging the wrapper too would
		-- report them twice.
		local runner = argv[1] and script_runners[p.basename(argv[1])]
		local script = false
		for k = 2, #argv do
			script = script or argv[k] == "-c" or
				argv[k]:match("^%-%a*c%a*$") ~= nil
		end
		if not (runner and script) then
			out[#out + 1] = {node = node, argv = argv,
				text = tostring(node.text or "")}
		end
	end
	return out
end


-- The stages whose layers end up in the image: the final stage and the
-- stages it is built FROM (a builder stage's files are only copied).
local function shipped_stages(doc)
	local stages, set = doc.tree.stages, {}
	local s, guard = stages[#stages], 0
	while s ~= nil and guard <= #stages do
		set[s.index] = true
		local b = s.base and s.base.stage
		s = b ~= nil and stages[b + 1] or nil
		guard = guard + 1
	end
	return set
end

-- True when the RUN puts dir (or a directory above it) on a --mount, so
-- what the command leaves there is not in the layer.
local function mounted(ins, dir)
	for _, f in ipairs(ins.flags or {}) do
		local m = f.name == "mount" and f.mount or nil
		local target = m and (m.target or m.dst or m.destination)
		if target ~= nil and (m.type == "cache" or m.type == "tmpfs") then
			target = tostring(target):gsub("/+$", "")
			if dir == target or dir:sub(1, #target + 1) == target .. "/" then
				return true
			end
		end
	end
	return false
end

return {
	id = "wget-and-curl",
	title = "Both wget and curl are used",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"image-size", "maintainability"},
	aliases = {"DL4001", "DS014"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/wget-and-curl.md",
	description = [[
curl and wget do the same job. Using both means the image carries two
download tools (and their TLS libraries) to install, patch and keep in
its attack surface, and two sets of flags to get right (`curl -f`, `wget
-q`), for no gain.

What is reported: the image (its final stage and the stages it is built
FROM) running both `wget` and `curl` in `RUN` instructions; once, at the
first use of the tool that comes second. Installing a package named curl
or wget is not a use.

How to fix: pick one and use it everywhere (`curl -fsSLO URL` is `wget
URL`; `curl -fsSL URL` is `wget -qO- URL`), and install only that one.

```dockerfile
# Before
RUN wget -q https://example.com/a.tar.gz && curl -fsSLO https://example.com/b.tar.gz
# After
RUN curl -fsSLO https://example.com/a.tar.gz && curl -fsSLO https://example.com/b.tar.gz
```

References:

- Docker: [best practices: RUN](https://docs.docker.com/build/building/best-practices/#run)
]],
	check = function(doc, report)
		if not p.mentions(doc, "wget") or not p.mentions(doc, "curl") then
			return
		end
		local shipped = shipped_stages(doc)
		local first = {}
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] then
				for _, cmd in ipairs(run_commands(ins)) do
					local prog = cmd.argv[1] and p.basename(cmd.argv[1])
					if (prog == "wget" or prog == "curl") and
						first[prog] == nil then
						first[prog] = cmd
						local other = prog == "wget" and "curl" or "wget"
						if first[other] then
							report(cmd.node, ("%s is used here and %s "
								.. "earlier (line %d): the image needs only "
								.. "one of them."):format(prog, other,
								p.span(first[other].node).start_line),
								{fix = ("Use %s here too."):format(other)})
							return
						end
					end
				end
			end
		end
	end,
}

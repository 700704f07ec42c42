-- wget-and-curl: two download tools in one image where one would do.
local p = require("plimsoll")

return {
	id = "wget-and-curl",
	title = "Both wget and curl are used",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"wget"}},
	tags = {"image-size", "maintainability"},
	aliases = {"DL4001", "DS014"},
	precision = "high",
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
		if not p.mentions(doc, "curl") then
			return
		end
		local shipped = p.shipped_stages(doc)
		local first = {}
		for ins, stage in p.instructions(doc, "RUN") do
			if shipped[stage.index] then
				for _, cmd in ipairs(p.run_commands(ins)) do
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

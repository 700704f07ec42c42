-- exposed-port-out-of-range: a port number that cannot exist.
local p = require("plimsoll")

return {
	id = "exposed-port-out-of-range",
	title = "EXPOSE names a port outside 0-65535",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"EXPOSE"}},
	tags = {"correctness"},
	aliases = {"DL3011", "DS008"},
	precision = "very-high",
	description = [[
TCP and UDP ports are 16-bit numbers, 0 to 65535. `EXPOSE 80800` is a
typo the builder rejects ("invalid containerPort"), or, with some
builders, a port nothing can listen on.

What is reported: an `EXPOSE` port, or the end of a port range, above
65535. Ports given by an unknown variable are not reported.

How to fix: write the port you meant.

```dockerfile
# Before
EXPOSE 80800
# After
EXPOSE 8080
```

References:

- Docker: [EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "EXPOSE") do
			for k, port in ipairs(ins.ports or {}) do
				local text = tostring(port.text or "")
				local bad
				for n in text:gsub("/.*$", ""):gmatch("%d+") do
					if #n > 5 or tonumber(n) > 65535 then
						bad = n
					end
				end
				if bad and not text:find("$", 1, true) then
					report(ins.ports, k, ("Port %s is outside 0-65535.")
						:format(bad), {fix = "Write the port you meant."})
				end
			end
		end
	end,
}

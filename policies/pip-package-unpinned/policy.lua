-- pip-package-unpinned: pip packages without a version (info severity,
-- see the description).
local p = require("plimsoll")

local function pinned(spec)
	return spec:find("[=<>~!@]") or spec:find("/", 1, true) or
		spec:find("^%.") or spec:find("$", 1, true) or
		spec:find("%.whl$") or spec:find("%.tar%.gz$") or spec:find("%.zip$")
end

return {
	id = "pip-package-unpinned",
	title = "pip package installed without a version",
	severity = "info",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"pip"}},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3013"},
	precision = "very-high",
	description = [[
`pip install flask` installs the newest release on the day of the build,
and with it the newest release of every dependency: a rebuild can pull a
breaking major version, or a malicious release of a hijacked package.

**Why this is only `info`.** Pinning the packages named on the command
line pins little (their dependencies still float), and a list of pins in
a Dockerfile is hard to keep current. A requirements or lock file
(`pip install -r requirements.txt`, with hashes: `--require-hashes`) does
the job properly and is not reported. Teams that do not pin can
`--skip pip-package-unpinned`.

What is reported: package names in `pip install` (pip, pip3, `python -m
pip`, `uv pip`, pipx) without a version specifier (`==`, `~=`, `>=`...),
once per command. Not reported: requirement files (`-r`), constraint
files (`-c`), paths, URLs, wheels and archives, and variables.

How to fix:

```dockerfile
# Before
RUN pip install --no-cache-dir flask gunicorn
# After
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
# or
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==21.2.0
```

References:

- pip: [repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/), [secure installs](https://pip.pypa.io/en/stable/topics/secure-installs/)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
				local inst = p.package_installs(cmd.argv)[1]
				local loose = {}
				if inst and inst.family == "pip" and not inst.from_project
					and not p.contains(inst.argv, "-c") and
					not p.contains(inst.argv, "--constraint") then
					for _, spec in ipairs(inst.packages) do
						if not pinned(spec) then
							loose[#loose + 1] = spec
						end
					end
				end
				if #loose > 0 then
					report(cmd.node, ("%s installs %s without a version.")
						:format(inst.manager, table.concat(loose, ", ")),
						{fix = "Install from a requirements file, or pin "
						.. "each package (name==version)."})
				end
			end
		end
	end,
}

-- npm-package-unpinned: npm packages without a version (info severity,
-- see the description).
local p = require("plimsoll")

local floating = {latest = true, next = true, ["*"] = true, [""] = true}

local function pinned(spec)
	if spec:find("$", 1, true) or spec:find("^[%./~]") or
		spec:find("://", 1, true) or spec:find("^file:") or
		spec:find("^git") or spec:find("%.tgz$") or spec:find("#", 1, true) then
		return true
	end
	-- name@version, @scope/name@version
	local version = spec:match("^@[^@]+@(.*)$") or spec:match("^[^@]+@(.*)$")
	return version ~= nil and not floating[version]
end

-- npm, yarn and pnpm options whose value is the next word.
local value_options = {}
for _, o in ipairs({"--loglevel", "--fetch-retries", "--fetch-timeout",
	"--fetch-retry-mintimeout", "--fetch-retry-maxtimeout", "--cache",
	"--userconfig", "--registry", "--prefix", "-w", "--workspace",
	"--network-timeout", "--network-concurrency", "--mutex",
	"--modules-folder", "--cache-folder", "--global-folder", "--omit",
	"--include", "--tag", "--only", "--save-prefix", "--mode", "--filter",
	"--dir", "-C", "--store-dir", "--install-strategy"}) do
	value_options[o] = true
end

-- The package names of an install: the words after the subcommand that
-- are neither options nor option values.
local function packages(inst)
	local out, argv, k = {}, inst.argv, 1
	while argv[k] ~= nil and argv[k] ~= inst.subcommand do
		k = k + 1
	end
	k = k + 1
	while argv[k] ~= nil do
		local a = argv[k]
		if value_options[a] then
			k = k + 1
		elseif a:sub(1, 1) ~= "-" then
			out[#out + 1] = a
		end
		k = k + 1
	end
	return out
end

return {
	id = "npm-package-unpinned",
	title = "npm package installed without a version",
	severity = "info",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"},
		mentions = {"npm", "yarn", "pnpm"}},
	tags = {"reproducibility", "noisy"},
	aliases = {"DL3016"},
	precision = "very-high",
	description = [[
`npm install -g typescript` installs the newest release on the day of the
build (and the newest matching release of each dependency): a rebuild can
pull a breaking major version, or a malicious release of a hijacked
package.

**Why this is only `info`.** A version on the command line pins only the
top package; a lock file (`npm ci`, which is not reported) pins the whole
tree. Teams that do not pin can `--skip npm-package-unpinned`.

What is reported: package names in `npm install`, `npm i`, `yarn add` and
`pnpm add` without a version (`name@1.2.3`, `@scope/name@^1.2`), or with
a moving tag (`@latest`, `@next`), once per command. Not reported: a
project install (`npm ci`, `npm install` with no names), paths, URLs,
tarballs, git references, and variables.

How to fix:

```dockerfile
# Before
RUN npm install -g typescript
# After
RUN npm install -g typescript@5.4.2
```

References:

- npm: [npm install](https://docs.npmjs.com/cli/commands/npm-install), [npm ci](https://docs.npmjs.com/cli/commands/npm-ci)
]],
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			for _, cmd in ipairs(p.run_commands(ins)) do
				local inst = p.package_installs(cmd.argv)[1]
				local loose = {}
				-- `yarn install` takes no package names (only option
				-- values such as --network-timeout 100000).
				if inst and inst.family == "npm" and
					not (inst.manager == "yarn" and
					inst.subcommand == "install") then
					for _, spec in ipairs(packages(inst)) do
						if not pinned(spec) and not spec:find("^%d+$") then
							loose[#loose + 1] = spec
						end
					end
				end
				if #loose > 0 then
					report(cmd.node, ("%s installs %s without a version.")
						:format(inst.manager, table.concat(loose, ", ")),
						{fix = "Pin each package (name@version), or install "
						.. "from a lock file with `npm ci`."})
				end
			end
		end
	end,
}

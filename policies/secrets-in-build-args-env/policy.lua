-- secrets-in-build-args-env: a literal secret in a Dockerfile is in the
-- repository, in the build cache and in the image's history.
local p = require("plimsoll")

local function check_pairs(ins, report)
	for _, pair in ipairs(ins.pairs or {}) do
		local raw = pair.raw or ""
		if p.is_secret_name(pair.name) and pair.value ~= nil and
			not raw:find("$", 1, true) and p.is_literal_secret(pair.value)
			then
			report(ins, ("%s %s sets a secret-looking value in the "
				.. "Dockerfile"):format(ins.keyword:upper(), pair.name),
				{fix = "Pass it at build time with a secret mount "
				.. "(`RUN --mount=type=secret,id=" .. pair.name:lower()
				.. "`), or at run time from the environment."})
		end
	end
end

return {
	id = "secrets-in-build-args-env",
	title = "Secret set in an ARG or ENV of a Dockerfile",
	severity = "high",
	applies_to = {"dockerfile"},
	tags = {"security", "CWE-798"},
	aliases = {},
	precision = "high",
	description = [[
A password or token written in a Dockerfile is in the repository for
everyone who can read it. An `ENV` is also in every container of the
image (`docker inspect`, `/proc/1/environ`); an `ARG`'s value is in the
image's history (`docker history`) for every `RUN` that uses it.

What is reported, on the instruction: an `ARG` default or `ENV` value
under a secret-looking name (`PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`,
`API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `CREDENTIALS`...; not
`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME` or `PUBLIC_KEY`) that is a
literal: not empty, not a variable, not a boolean, a number or a path.
`ONBUILD ARG`/`ENV` and global ARGs count.

How to fix: use a build secret for what the build needs, and the
runtime's environment or secrets for what the container needs.

```dockerfile
# before
ARG NPM_TOKEN=npm_AbC123
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
# after
RUN --mount=type=secret,id=npm_token \
    NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
```

References: CIS Docker Benchmark 4.10, "Ensure secrets are not stored
in Dockerfiles"; CWE-798.
]],
	check = function(doc, report)
		local tree = doc.tree
		for _, ins in ipairs(tree and tree.args or {}) do
			check_pairs(ins, report)
		end
		for _, kw in ipairs({"ARG", "ENV"}) do
			for ins in p.instructions(doc, kw) do
				check_pairs(ins, report)
			end
		end
	end,
}

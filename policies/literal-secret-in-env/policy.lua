-- literal-secret-in-env: a secret written into a Compose file or a
-- manifest is in the repository and in every copy of it.
local p = require("plimsoll")

-- The env item was written in this file (not an env_file, not a
-- Dockerfile's ENV the service inherits).
local function written_here(doc, e)
	local m = p.meta(e, "value")
	return not m.implicit and not m.interpolated and
		p.span(e, "name").path == doc.path
end

return {
	id = "literal-secret-in-env",
	title = "Literal secret in a container's environment",
	severity = "high",
	applies_to = {"compose", "command", "kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-798"},
	aliases = {"env-var-secret"},
	precision = "high",
	description = [[
A password or token written as a literal `environment:` / `env:` value
is in the repository for everyone who can read it, in every fork and
every copy of the manifest, and readable through the API by anyone who
can read the workload (Kubernetes Deployments are not Secrets).

What is reported, on the variable: a Compose `environment` entry or a
Kubernetes `env` entry with a literal value under a secret-looking name
(`PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`,
`CREDENTIALS`...; not `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`,
`PUBLIC_KEY`). Not reported: a value from a reference
(`valueFrom.secretKeyRef`), an interpolated Compose value
(`${DB_PASSWORD}`, set from `.env` or the shell), an `env_file`, and
values that are empty, booleans, numbers, paths or URLs without
credentials.

How to fix:

```yaml
# Kubernetes, before
env:
  - name: DB_PASSWORD
    value: hunter2
# after
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef: {name: db, key: password}
```

```yaml
# Compose, after
services:
  db:
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./db_password.txt
```

References: CIS Kubernetes Benchmark 5.4.1, "Prefer using secrets as
files over secrets as environment variables"; CWE-798; kube-linter
`env-var-secret`.
]],
	check = function(doc, report)
		for c in p.containers(doc) do
			if not p.is_fragment(doc, c) then
				for _, e in ipairs(c.env or {}) do
					if (e.kind == nil or e.kind == "literal") and
						p.is_secret_name(e.name) and
						p.is_literal_secret(e.value) and
						written_here(doc, e) then
						report(e, "value", ("%s sets %s to a literal value")
							:format(p.describe(c), e.name),
							{fix = c.origin == "command" and "Pass it from the environment (`-e NAME`, no value) or an `--env-file` kept out of the repository."
					or p.docker_engine(c)
							and "Use a Compose secret, or interpolate it "
							.. "from the environment (`${" .. e.name .. "}`)."
							or "Use `valueFrom.secretKeyRef` (or mount the "
							.. "Secret as a file)."})
					end
				end
			end
		end
	end,
}

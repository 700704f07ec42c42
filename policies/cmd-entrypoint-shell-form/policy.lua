-- cmd-entrypoint-shell-form: a shell-form CMD or ENTRYPOINT runs the
-- program under /bin/sh, which does not pass on signals.
local p = require("plimsoll")

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

local function windows_shell(stage)
	for _, i in ipairs(stage.instructions) do
		if i.keyword and i.keyword:upper() == "SHELL" then
			local prog = tostring((i.args or {})[1] or ""):lower()
			if prog:find("pwsh") or prog:find("powershell") or
				prog:find("cmd") then
				return true
			end
		end
	end
	return false
end

return {
	id = "cmd-entrypoint-shell-form",
	title = "CMD or ENTRYPOINT is in shell form",
	severity = "low",
	applies_to = {"dockerfile"},
	tags = {"reliability"},
	aliases = {"DL3025"},
	precision = "high",
	help_uri = "https://github.com/plimsoll-linter/plimsoll/blob/main/"
		.. "docs/rules/cmd-entrypoint-shell-form.md",
	description = [[
`CMD node server.js` (shell form) runs `/bin/sh -c "node server.js"`: the
shell is PID 1 and the program its child. `docker stop` sends SIGTERM to
the shell, which does not pass it on, so the program is killed without a
chance to shut down cleanly after the stop timeout (10 seconds by
default). A shell-form `ENTRYPOINT` also ignores any `CMD` and `docker run`
arguments, and a shell-form `CMD` under an exec-form `ENTRYPOINT` is
passed to it as `/bin/sh -c ...`.

What is reported: `CMD` and `ENTRYPOINT` in shell form in the stages whose
settings the image keeps (the final stage and the stages it is built
FROM). Not reported: a shell form that starts with `exec` (the program
replaces the shell and gets the signals), and stages whose `SHELL` is
PowerShell or cmd.

How to fix: use the exec (JSON) form; when you need the shell (variables,
`&&`), make the program replace it with `exec`:

```dockerfile
# Before
CMD node server.js --port $PORT
# After
CMD ["node", "server.js"]
# or
CMD exec node server.js --port "$PORT"
```

References:

- Docker: [CMD](https://docs.docker.com/reference/dockerfile/#cmd), [ENTRYPOINT: shell form](https://docs.docker.com/reference/dockerfile/#shell-form-entrypoint-example)
]],
	check = function(doc, report)
		local shipped = shipped_stages(doc)
		for stage in p.stages(doc) do
			if shipped[stage.index] and not windows_shell(stage) then
				for _, ins in ipairs(stage.instructions) do
					local kw = ins.keyword and ins.keyword:upper()
					local text = tostring(ins.text or "")
					if (kw == "CMD" or kw == "ENTRYPOINT") and
						ins.form == "shell" and
						not text:find("^%s*exec%s") then
						report(ins, ("%s in shell form runs under /bin/sh, "
							.. "which does not pass signals on to it.")
							:format(kw), {fix = ("Write %s as a JSON array, "
							.. "e.g. %s [\"prog\", \"arg\"].")
							:format(kw, kw)})
					end
				end
			end
		end
	end,
}

-- cmd-entrypoint-shell-form: a shell-form CMD or ENTRYPOINT runs the
-- program under /bin/sh, which may keep signals from it.
local p = require("plimsoll")

-- The CMD and ENTRYPOINT the image keeps: the last of each along the
-- final stage's chain, with their stage.
local function effective(doc)
	local stages, found = doc.tree.stages, {}
	local s, guard = stages[#stages], 0
	while s ~= nil and guard <= #stages do
		local list, keywords = p.stage_instructions(doc, s)
		for k = #list, 1, -1 do
			local kw = keywords[k]
			if (kw == "CMD" or kw == "ENTRYPOINT") and found[kw] == nil then
				found[kw] = {ins = list[k], stage = s}
			end
		end
		local b = s.base and s.base.stage
		s, guard = b ~= nil and stages[b + 1] or nil, guard + 1
	end
	return found
end

return {
	id = "cmd-entrypoint-shell-form",
	title = "CMD or ENTRYPOINT is in shell form",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"CMD", "ENTRYPOINT"}},
	tags = {"reliability"},
	aliases = {"DL3025"},
	precision = "high",
	description = [[
`CMD node server.js` (shell form) runs `/bin/sh -c "node server.js"`:
unless the shell replaces itself with the program (some shells do for a
single simple command, none do for `a && b`), the shell is PID 1 and the
program its child. `docker stop` sends SIGTERM to the shell, which does
not pass it on, so the program is killed without a chance to shut down
cleanly after the stop timeout (10 seconds by default). A shell-form `ENTRYPOINT` also ignores any `CMD` and `docker run`
arguments, and a shell-form `CMD` under an exec-form `ENTRYPOINT` is
passed to it as `/bin/sh -c ...`.

What is reported: the `CMD` and the `ENTRYPOINT` the image keeps (the last
of each in the final stage or the stages it is built FROM) when written
in shell form. Not reported: a `CMD` replaced by a later one, a shell form
that starts with `exec` (the program replaces the shell and gets the
signals), and Windows stages (cmd or PowerShell).

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
		if doc.tree == nil or #doc.tree.stages == 0 then
			return
		end
		for _, kw in ipairs({"ENTRYPOINT", "CMD"}) do
			local e = effective(doc)[kw]
			local ins = e and e.ins
			local text = ins and tostring(ins.text or "") or ""
			if ins and ins.form == "shell" and
				not text:find("^%s*exec%s") and
				not p.windows_stage(doc, e.stage) then
				report(ins, ("%s in shell form starts the program through "
					.. "/bin/sh -c, which may keep SIGTERM from it.")
					:format(kw), {fix = ("Write %s as a JSON array, "
					.. "e.g. %s [\"prog\", \"arg\"].")
					:format(kw, kw)})
			end
		end
	end,
}

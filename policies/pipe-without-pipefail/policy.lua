-- pipe-without-pipefail: in `a | b` the shell only reports b's failure.
local p = require("plimsoll")

-- Words after which a pipeline is a condition.
local conditions = {["if"] = true, elif = true, ["while"] = true,
	["until"] = true, ["!"] = true}

-- Consumers that fail on empty or truncated input, so the failure of
-- what feeds them surfaces anyway: checksum checks, key imports, archive
-- extraction, patch.
local function strict(argv)
	local prog = argv[1] and p.basename(argv[1]) or ""
	local function has(...)
		for _, want in ipairs({...}) do
			for k = 2, #argv do
				if argv[k] == want or (want:sub(1, 2) ~= "--" and
					argv[k]:match("^%-%a+$") and
					argv[k]:find(want:sub(2), 2, true)) then
					return true
				end
			end
		end
		return false
	end
	if prog:match("^sha%d*sum$") or prog == "md5sum" or prog == "shasum" or
		prog == "b2sum" then
		return has("-c", "--check")
	elseif prog == "apt-key" then
		return argv[2] == "add"
	elseif prog == "gpg" or prog == "gpg2" then
		return has("--import", "--verify")
	elseif prog == "tar" or prog == "bsdtar" then
		return has("-x", "--extract") or (argv[2] ~= nil and
			argv[2]:match("^[^-]*x") ~= nil)
	elseif prog == "grep" or prog == "egrep" or prog == "fgrep" then
		-- No line, no match: grep fails (unless it inverts or counts).
		return not has("-v", "--invert-match", "-c", "--count", "-L")
	elseif prog == "gunzip" or prog == "zcat" or prog == "unxz" or
		prog == "bunzip2" or prog == "patch" then
		return true
	elseif prog == "gzip" or prog == "xz" or prog == "bzip2" or
		prog == "zstd" then
		return has("-d", "--decompress")
	end
	return false
end

-- The last word before offset i of text (what `text:sub(1, i - 1)
-- :match("(%S+)%s*$")` gives), read backwards in place: a RUN with
-- thousands of pipes must not copy its text for each.
local function is_space(b)
	return b == 32 or (b ~= nil and b >= 9 and b <= 13)
end

local function word_before(text, i)
	local j = i - 1
	while is_space(text:byte(j)) do
		j = j - 1
	end
	local last = j
	while j >= 1 and not is_space(text:byte(j)) do
		j = j - 1
	end
	return j < last and text:sub(j + 1, last) or nil
end

-- Commands whose failure in a pipe would be no news.
local harmless = {echo = true, printf = true, yes = true, ["true"] = true}

local function sets_pipefail(argv)
	for k = 1, #argv - 1 do
		if argv[k]:match("^%-[%a]*o$") and argv[k + 1] == "pipefail" then
			return true
		end
	end
	return false
end

-- The SHELL instructions of a stage, each {instruction, line}, in order;
-- `known` keeps them by stage for the file (a file with hundreds of RUNs
-- asks for each).
local function shells_of(doc, s, known)
	local list = known[s]
	if list == nil then
		list = {}
		local all, keywords = p.stage_instructions(doc, s)
		for k, i in ipairs(all) do
			if keywords[k] == "SHELL" then
				list[#list + 1] = {i, p.span(i).start_line}
			end
		end
		known[s] = list
	end
	return list
end

-- The SHELL in force in a stage: its own last SHELL, else the one of the
-- stage it is built FROM.
local function stage_shell(doc, stage, before_line, known)
	local stages = doc.tree.stages
	local s, limit, guard = stage, before_line, 0
	while s ~= nil and guard <= #stages do
		local found
		for _, e in ipairs(shells_of(doc, s, known)) do
			if limit == nil or e[2] < limit then
				found = e[1]
			end
		end
		if found then
			return found
		end
		local b = s.base and s.base.stage
		s, limit, guard = b ~= nil and stages[b + 1] or nil, nil, guard + 1
	end
	return nil
end

local function shell_ok(shell)
	if shell == nil then
		return false
	end
	local argv = {}
	for _, a in ipairs(shell.args or {}) do
		argv[#argv + 1] = tostring(a)
	end
	local prog = argv[1] and p.basename(argv[1]):lower() or ""
	-- PowerShell and cmd have no pipefail to set.
	if prog:find("pwsh") or prog:find("powershell") or prog:find("^cmd") then
		return true
	end
	return sets_pipefail(argv)
end

return {
	id = "pipe-without-pipefail",
	title = "A RUN pipe hides the failure of its first commands",
	severity = "low",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"|"}},
	tags = {"reliability"},
	aliases = {"DL4006", "DS032"},
	precision = "high",
	description = [[
A pipeline's exit status is that of its last command: in
`RUN curl -fsSL https://example.com/key | gpg --dearmor -o key.gpg`, a
failed download still lets the build go on (gpg happily writes an empty
key), and the image is broken in a way the build did not report.
`set -o pipefail` makes the pipeline fail when any command in it fails.

What is reported: a `RUN` with a pipe `|` when neither the stage's
`SHELL` (or the one it inherits from the stage it is built FROM) nor the
`RUN` itself sets `-o pipefail` before it; once per `RUN`, at the command
left of the first such pipe. Not reported: pipes fed by `echo`, `printf`
or `yes`, which cannot fail in a way that matters, pipelines used as
conditions (`if gpg --version | grep -q ...`), pipes into a command
that ends the pipeline and fails on empty or truncated input anyway
(`sha256sum -c`, `apt-key add`, `gpg --import`, `tar -x`, `gunzip`,
`patch`, `grep` without `-v`), the `|` of case patterns, Windows stages,
and stages whose `SHELL` is PowerShell or cmd.

How to fix: set a shell with pipefail once per stage (`/bin/sh` on Debian
is dash, which lacks it: use bash, or ash on Alpine), or set it in the
`RUN`:

```dockerfile
# Before
RUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/example.gpg
# After
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/example.gpg
```

References:

- Docker: [best practices: using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
]],
	check = function(doc, report)
		local known = {}
		for ins, stage in p.instructions(doc, "RUN") do
			local pipes, cmds, text = p.run_pipes(ins)
			if #pipes > 0 and not shell_ok(stage_shell(doc, stage,
				p.span(ins).start_line, known)) then
				-- Where pipefail is first set (`set -o pipefail`, `bash -o
				-- pipefail -c ...`): the pipes after it are covered.
				local set_at
				for _, c in ipairs(cmds) do
					if c.at ~= nil and (set_at == nil or c.at < set_at) and
						((c.argv[1] == "set" and sets_pipefail(c.argv)) or
						(c.argv[1] and p.basename(c.argv[1]):find("sh", -2, true)
						and sets_pipefail(c.argv))) then
						set_at = c.at
					end
				end
				for _, pipe in ipairs(pipes) do
					local at, left = pipe.at, pipe.left
					local covered = set_at ~= nil and set_at < at
					local prog = left and left.argv[1] and
						p.basename(left.argv[1])
					-- A pipeline that is a condition (`if a | grep -q b`)
					-- is tested, not meant to fail the RUN.
					local lead = left and left.at and
						word_before(text, left.at)
					local right = pipe.right
					-- A strict consumer that ends the pipeline makes its
					-- status the pipeline's.
					local last = right and right.at and not text:find(
						"^%s*|[^|]", right.at + #right.text)
					if left and not covered and not harmless[prog] and
						not conditions[lead] and
						not (last and strict(right.argv)) and
						not p.windows_stage(doc, stage) then
						report(left.node, ("`%s` is piped without "
							.. "pipefail: if it fails, the RUN still "
							.. "succeeds."):format(left.text),
							{fix = "Add `SHELL [\"/bin/bash\", \"-o\", "
							.. "\"pipefail\", \"-c\"]` before this RUN, or "
							.. "start it with `set -o pipefail &&`."})
						break
					end
				end
			end
		end
	end,
}

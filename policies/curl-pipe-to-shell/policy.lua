-- curl-pipe-to-shell: running a script straight off the network, unseen
-- and unverified.
local p = require("plimsoll")

-- The shell text of a RUN: its shell form text, then its heredoc bodies.
local function shell_text(ins)
	local parts = {ins.form == "shell" and tostring(ins.text or "") or ""}
	for _, h in ipairs(ins.heredocs or {}) do
		parts[#parts + 1] = tostring(h.body or "")
	end
	return table.concat(parts, "\n")
end

-- True when the `|` at offset i separates the alternatives of a case
-- pattern (`amd64|x86_64) ...`), which is no pipe: single words on both
-- sides, the right one running into `)`.
local function case_pattern(text, i)
	local before = text:sub(1, i - 1):match("([^%s;&|()]+)%s*$")
	local after = text:sub(i + 1):match("^%s*[^%s;&|()]+%s*([|)])")
	return before ~= nil and not before:find("=", 1, true) and
		after ~= nil
end

-- The offsets of the pipes (`|`, `|&`; not `||`) in shell text, outside
-- quotes and comments.
local function pipe_offsets(text)
	local out, i, n, quote = {}, 1, #text, nil
	while i <= n do
		local c = text:sub(i, i)
		if quote == "'" then
			if c == "'" then
				quote = nil
			end
		elseif quote == '"' then
			if c == "\\" then
				i = i + 1
			elseif c == '"' then
				quote = nil
			end
		elseif c == "\\" then
			i = i + 1
		elseif c == "'" or c == '"' then
			quote = c
		elseif c == "#" and (i == 1 or text:sub(i - 1, i - 1):match("%s")) then
			i = (text:find("\n", i, true) or n + 1) - 1
		elseif c == "|" then
			if text:sub(i + 1, i + 1) == "|" then
				i = i + 1
			elseif not case_pattern(text, i) then
				out[#out + 1] = i
			end
		end
		i = i + 1
	end
	return out
end

-- The commands of a RUN with where each starts in its shell text:
-- {node, argv (unwrapped), text, at}; at is nil when not found.
local function located_commands(ins, text)
	local out, cursor = {}, 1
	for _, node in ipairs(ins.commands or {}) do
		local t = tostring(node.text or "")
		local at = t ~= "" and (text:find(t, cursor, true) or
			text:find(t, 1, true)) or nil
		local argv = {}
		for _, a in ipairs(node.argv or {}) do
			argv[#argv + 1] = tostring(a)
		end
		out[#out + 1] = {node = node, argv = (p.unwrap(argv)), text = t,
			at = at}
		if at ~= nil and at >= cursor then
			cursor = at + #t
		end
	end
	return out
end

-- The commands left and right of the pipe at offset `at`: the one that
-- ends last before it (`ldd "$(php -r ...)"` rather than the php inside),
-- and the one that starts first after it.
local function around(cmds, at)
	local left, right
	for _, c in ipairs(cmds) do
		local stop = c.at ~= nil and c.at + #c.text or nil
		if stop ~= nil and stop <= at and
			(left == nil or stop > left.at + #left.text) then
			left = c
		elseif c.at ~= nil and c.at > at and
			(right == nil or c.at < right.at) then
			right = c
		end
	end
	return left, right
end

local downloaders = {curl = true, wget = true}
local interpreters = {sh = true, bash = true, zsh = true, ash = true,
	dash = true, ksh = true, python = true, python2 = true, python3 = true,
	perl = true, ruby = true, node = true, php = true}

local function interpreter(argv)
	local prog = argv[1] and p.basename(argv[1])
	return prog and (interpreters[prog] or prog:match("^python%d[%d.]*$"))
		and prog or nil
end

return {
	id = "curl-pipe-to-shell",
	title = "A downloaded script is piped straight into a shell",
	severity = "medium",
	applies_to = {"dockerfile"},
	tags = {"security", "supply-chain", "CWE-494"},
	aliases = {},
	precision = "very-high",
	description = [[
`curl https://example.com/install.sh | sh` runs whatever the server sends
at build time, as root, with nothing checked: a compromised server, a
hijacked domain or a man in the middle gets code execution in your build
and a place in your image. A truncated download can also run half a
script.

What is reported: `curl` or `wget` piped into a shell or interpreter (sh,
bash, zsh, python, perl, ruby, node...), also through `sudo`, and a shell
running a download through `$(curl ...)` or `<(curl ...)`; at the download
inside the `RUN`.

How to fix: download to a file, verify it against a checksum (or
signature) you keep in the Dockerfile, then run it. Better, install a
packaged, signed release.

```dockerfile
# Before
RUN curl -fsSL https://example.com/install.sh | sh
# After
ARG INSTALL_SHA256=3f0c...
RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
    && sh /tmp/install.sh && rm /tmp/install.sh
```

References:

- [CWE-494](https://cwe.mitre.org/data/definitions/494.html): download of code without integrity check
]],
	check = function(doc, report)
		if not p.mentions(doc, "curl") and not p.mentions(doc, "wget") then
			return
		end
		for ins in p.instructions(doc, "RUN") do
			local text = shell_text(ins)
			local cmds = located_commands(ins, text)
			local seen = {}
			for _, at in ipairs(pipe_offsets(text)) do
				local left, right = around(cmds, at)
				local prog = left and left.argv[1] and
					p.basename(left.argv[1])
				local shell = right and interpreter(right.argv)
				if prog and downloaders[prog] and shell and
					not seen[left] then
					seen[left] = true
					report(left.node, ("The output of %s is piped into %s: "
						.. "a script from the network runs unverified.")
						:format(prog, shell), {fix = "Download to a file, "
						.. "check its SHA-256, then run it."})
				end
			end
			for _, c in ipairs(cmds) do
				local shell = interpreter(c.argv)
				if shell and (c.text:find("[$<]%(%s*curl") or
					c.text:find("[$<]%(%s*wget")) then
					report(c.node, ("%s runs a script downloaded by a "
						.. "command substitution, unverified."):format(shell),
						{fix = "Download to a file, check its SHA-256, then "
						.. "run it."})
				end
			end
		end
	end,
}

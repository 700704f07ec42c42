-- curl-pipe-to-shell: running a script straight off the network, unseen
-- and unverified.
local p = require("plimsoll")

local downloaders = {curl = true, wget = true}
local interpreters = {sh = true, bash = true, zsh = true, ash = true,
	dash = true, ksh = true, python = true, python2 = true, python3 = true,
	perl = true, ruby = true, node = true, php = true}

local function interpreter(argv)
	local prog = argv[1] and p.basename(argv[1])
	return prog and (interpreters[prog] or (prog:byte(1) == 112 and
		prog:match("^python%d[%d.]*$"))) and prog or nil
end

return {
	id = "curl-pipe-to-shell",
	title = "A downloaded script is piped straight into a shell",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"RUN"}, mentions = {"curl", "wget"}},
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
		for ins in p.instructions(doc, "RUN") do
			local pipes, cmds = p.run_pipes(ins)
			local seen = {}
			for _, pipe in ipairs(pipes) do
				local left, right = pipe.left, pipe.right
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

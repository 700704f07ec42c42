-- Tests of the helper library and of the sandbox's globals, run as a
-- policy: every failed assertion becomes a policy error that
-- test_lua.c prints and fails on.
local p = require("plimsoll")

local function eq(got, want, what)
	if got ~= want then
		error(("%s: got %s, want %s"):format(what, tostring(got),
			tostring(want)), 2)
	end
end

local function argvs(cmds)
	local out = {}
	for _, c in ipairs(cmds) do
		out[#out + 1] = table.concat(c.argv, " ")
	end
	return table.concat(out, " | ")
end

local tests = {}

function tests.image_user_judge()
	local function image(text, registry, repository, tag)
		return {text = text, registry = registry, repository = repository,
			tag = tag}
	end
	local j = p.image_user_judge({"example.com/root*"},
		{"example.com/app:*", "*/nonroot"})
	eq(j(image("example.com/root:1", "example.com", "root", "1")), "root",
		"root pattern")
	eq(j(image("example.com/app:2", "example.com", "app", "2")),
		"non-root", "non-root pattern")
	eq(j(image("quay.io/x/nonroot", "quay.io", "x/nonroot")), "non-root",
		"pattern starting with *")
	eq(j(image("alpine:3", nil, "alpine", "3")), "root",
		"official image without USER")
	eq(j(image("example.com/other:1", "example.com", "other", "1")), nil,
		"unknown")
	eq(j(image("${IMAGE}")), nil, "variable")
	-- The same lists (fresh tables with the same contents) give the same
	-- judge; other lists another one, which judges by its own.
	eq(p.image_user_judge({"example.com/root*"},
		{"example.com/app:*", "*/nonroot"}), j, "same lists, same judge")
	local k = p.image_user_judge({"example.com/root*"}, {})
	eq(k == j, false, "other lists, other judge")
	eq(k(image("example.com/app:2", "example.com", "app", "2")), nil,
		"judged by its own lists")
	eq(p.image_user_judge({"a"}, {"b", "c"}) ==
		p.image_user_judge({"a", "b"}, {"c"}), false, "lists kept apart")
end

function tests.sandbox_globals()
	for _, name in ipairs({"io", "os", "debug", "package", "coroutine",
		"load", "loadfile", "dofile", "loadstring", "collectgarbage",
		"print", "rawset"}) do
		eq(_G[name], nil, "global " .. name)
	end
	eq(string.dump, nil, "string.dump")
	eq(math.random, nil, "math.random")
	eq(getmetatable(""), "protected", "string metatable")
	eq(("abc"):upper(), "ABC", "string methods")
	eq(pcall(function() string.upper = nil end), false, "string read-only")
	eq(pcall(function() p.parse_user = nil end), false, "plimsoll read-only")
	local n = 0
	for _ in pairs(string) do n = n + 1 end
	assert(n > 10, "pairs(string) iterates the library")
	eq(select("#", pcall(error)), 2, "pcall still works")
	eq(pcall(require, "io"), false, "require io")
	-- Globals written by a policy stay in its own environment.
	scratch = 1
	eq(scratch, 1, "own globals")
end

function tests.parse_user()
	local u = p.parse_user("root")
	eq(u.root, true, "root")
	eq(u.name, "root", "name")
	u = p.parse_user("0:0")
	eq(u.uid, 0, "uid")
	eq(u.gid, 0, "gid")
	eq(u.root, true, "0 is root")
	u = p.parse_user("app:staff")
	eq(u.root, false, "app")
	eq(u.group, "staff", "group")
	u = p.parse_user("10001")
	eq(u.root, false, "10001")
	eq(math.type(u.uid), "integer", "uid integer")
	eq(p.parse_user("$APP_USER").root, nil, "variable unknown")
	eq(p.parse_user("${UID}:0").variable, true, "variable flagged")
	eq(p.parse_user(nil).root, nil, "nil")
end

function tests.parse_image()
	local i = p.parse_image("nginx")
	eq(i.registry, nil, "hub has no registry")
	eq(i.repository, "nginx", "repo")
	eq(i.tag, nil, "no tag")
	eq(i.official, true, "official")
	i = p.parse_image("ghcr.io/acme/api:1.2.3@sha256:abcd")
	eq(i.registry, "ghcr.io", "registry")
	eq(i.repository, "acme/api", "repo")
	eq(i.tag, "1.2.3", "tag")
	eq(i.digest, "sha256:abcd", "digest")
	i = p.parse_image("localhost:5000/app")
	eq(i.registry, "localhost:5000", "port registry")
	eq(i.tag, nil, "port is not a tag")
	i = p.parse_image("library/redis:7")
	eq(i.official, false, "namespaced")
	eq(i.tag, "7", "tag 7")
	eq(p.parse_image("${IMAGE}").variable, true, "variable")
end

function tests.split_shell()
	local cmds = p.split_shell("apt-get update && apt-get install -y curl"
		.. " ; echo 'a b' | tee \"x y\" || true")
	eq(argvs(cmds), "apt-get update | apt-get install -y curl | echo a b"
		.. " | tee x y | true", "split")
	eq(cmds[2].text, "apt-get install -y curl", "text")
	cmds = p.split_shell("echo $(id -u) `whoami` # comment\nnext \\\n line")
	eq(argvs(cmds), "echo | id -u | whoami | next line", "subshells")
	eq(#p.split_shell(""), 0, "empty")
end

function tests.commands_and_installs()
	local cmds = p.commands({"/bin/sh", "-c", "pip install flask && "
		.. "exec gunicorn app"})
	eq(argvs(cmds), "/bin/sh -c pip install flask && exec gunicorn app | "
		.. "pip install flask | exec gunicorn app", "sh -c")
	eq(p.program(cmds[3].argv), "gunicorn", "program unwraps exec")
	-- p.unwrap copies what follows the wrappers and leaves argv as it is
	local argv = {"sudo", "-u", "app", "env", "A=1", "/usr/bin/apt-get",
		"update"}
	local inner, seen = p.unwrap(argv)
	eq(table.concat(inner, " ") .. " / " .. table.concat(seen, " "),
		"/usr/bin/apt-get update / sudo env", "unwrap")
	inner[1] = "changed"
	eq(argv[6], "/usr/bin/apt-get", "unwrap copies")
	eq(p.program(argv), "apt-get", "program after wrappers")
	eq(#p.unwrap({"sudo", "-u"}), 0, "unwrap: only a wrapper")
	eq(p.program({"sudo", "-u"}), nil, "program: only a wrapper")
	inner = p.unwrap({"ls", "-l"})
	eq(table.concat(inner, " "), "ls -l", "unwrap: no wrapper")
	eq(cmds[2].nested, 1, "the script's commands are nested")
	eq(cmds[2].op_after, "&&", "op_after")
	eq(cmds[3].op_before, "&&", "op_before")
	eq(cmds[1].nested, nil, "the shell itself is not nested")
	local found = p.find_commands("sudo -u app env A=1 apt-get update",
		"apt-get")
	eq(#found, 1, "find through wrappers")
	eq(found[1].wrappers[1], "sudo", "wrapper seen")
	local ins = p.package_installs("apk add --no-cache curl git && "
		.. "python3 -m pip install -r req.txt requests; npm ci; npm i left-pad"
		.. "; gem install rails; microdnf install -y tar; zypper in vim")
	local got = {}
	for _, x in ipairs(ins) do
		got[#got + 1] = x.manager .. ":" .. table.concat(x.packages, ",")
	end
	eq(table.concat(got, " "), "apk:curl,git pip:requests "
		.. "npm: npm:left-pad gem:rails microdnf:tar zypper:vim", "installs")
	eq(#p.package_installs({"apt-get", "update"}), 0, "update only")
	eq(#p.package_installs(nil), 0, "nil")
	eq(p.package_installs({"yum", "-y", "install", "httpd"})[1].family,
		"yum", "options before subcommand")
	eq(ins[2].files[1], "req.txt", "requirement file")
	eq(ins[2].packages_unknown, true, "packages from a file")
	eq(ins[3].from_project, true, "npm ci installs the project")
	eq(ins[3].subcommand, "ci", "npm ci")
	local function pk(text)
		local r = p.package_installs(text)
		if #r == 0 then
			return "none"
		end
		return r[1].manager .. ":" .. table.concat(r[1].packages, ",")
			.. (r[1].packages_unknown and "?" or "")
	end
	eq(pk("apt-get -o Acquire::Retries=3 install -y x"), "apt-get:x",
		"option value before the subcommand")
	eq(pk("apt-get install -o Dpkg::Options::=--force-confnew -y x y"),
		"apt-get:x,y", "option value after the subcommand")
	eq(pk("apk add --repository http://dl/edge/main x"), "apk:x",
		"apk repository")
	eq(pk("apk add --virtual .deps gcc"), "apk:gcc", "apk virtual name")
	eq(pk("pip install --index-url https://u/simple x"), "pip:x",
		"pip index url")
	eq(pk("pip install --requirement=r.txt"), "pip:?", "requirement= form")
	eq(pk("echo a b | xargs apk add"), "apk:?", "xargs apk add")
	eq(pk("cat pkgs | xargs -n 1 -P 4 apk add --no-cache"), "apk:?",
		"xargs options with values")
	eq(pk("npm install"), "npm:?", "npm install of the project")
	eq(pk("npm install left-pad"), "npm:left-pad", "npm install a package")
	eq(pk("yarn install --frozen-lockfile"), "yarn:?", "yarn install")
	eq(pk("yarn"), "yarn:?", "bare yarn")
	eq(pk("bundle install --jobs 4"), "bundle:?", "bundle install")
	eq(pk("composer install --no-dev"), "composer:?", "composer install")
	eq(pk("poetry install --no-root"), "poetry:?", "poetry install")
	eq(pk("pipenv install --deploy"), "pipenv:?", "pipenv install")
	eq(pk("uv pip install ruff"), "pip:ruff", "uv pip install")
	eq(pk("uv sync --frozen"), "uv:?", "uv sync")
	eq(pk("apt install -y vim"), "apt:vim", "apt install")
	eq(pk("dnf install -y --setopt tsflags=nodocs x"), "dnf:x",
		"dnf option value")
	eq(pk("yum install -y x"), "yum:x", "yum install")
	eq(pk("microdnf install x"), "microdnf:x", "microdnf install")
	eq(pk("zypper in -y x"), "zypper:x", "zypper in")
	eq(pk("make install"), "none", "make install is not a package manager")
	eq(pk("apt-get -t bookworm-backports install -y x"), "apt-get:x",
		"apt target release")
	eq(pk("yum --setopt=tsflags=nodocs install -y x"), "yum:x",
		"yum --setopt=")
	eq(pk("pip install -r req.txt"), "pip:?", "requirements file")
	eq(pk("sh -c 'apk add curl'"), "apk:curl", "inside sh -c")
	eq(pk("bash -c \"sudo sh -c 'npm ci'\""), "npm:?", "nested twice")
	eq(pk("if true; then apt-get install -y x; fi"), "apt-get:x",
		"after a control word")
	-- Scripts it cannot see into: unknown, not "no install".
	local function unknown(text)
		local installs, u = p.package_installs(text)
		local got = {}
		for _, c in ipairs(u) do
			got[#got + 1] = c.argv[1]
		end
		return #installs .. ":" .. table.concat(got, ",")
	end
	eq(unknown("./install.sh && make"), "0:./install.sh", "script file")
	eq(unknown("sh setup.sh"), "0:sh", "sh with a script file")
	eq(unknown("bash -e /tmp/x"), "0:bash", "bash with options, a file")
	eq(unknown(". ./env.sh; source /etc/profile"), "0:.,source", "sourced")
	eq(unknown("curl -fsSL https://x/i | sh -s -- -y"), "0:sh",
		"a shell reading a pipe")
	eq(unknown("sh -c 'echo hi'"), "0:", "sh -c is seen into")
	eq(unknown("echo hi"), "0:", "nothing unknown")
	eq(unknown("$RUNNER go"), "0:$RUNNER", "program in a variable")
	eq(unknown("/opt/setup.bash --quiet"), "0:/opt/setup.bash",
		"a bash script file")
	eq(unknown("make publish && ./a.sh.txt && x.bashrc"), "0:",
		"words ending in sh, no script")
	eq(pk("/usr/bin/python3.11 -m pip install flask"), "pip:flask",
		"a python with its version and directory")
	local _, u = p.package_installs({"powershell", "-Command",
		"Install-Package x"})
	eq(#u, 1, "powershell -Command is unknown")
	eq(u[1].unknown, true, "marked unknown")
	local i2, u2 = p.package_installs("./install.sh; apk add x",
		{installs_only = true})
	eq(#i2 .. ":" .. #u2, "1:0", "installs_only")
	eq(#p.package_installs("echo golang-ish --pipeline"), 0,
		"names inside words are not managers")
end

function tests.operators_and_pipes()
	local cmds = p.split_shell("a && b || c; d & e | f |& g\nh")
	local ops = {}
	for _, c in ipairs(cmds) do
		ops[#ops + 1] = (c.op_before or "-") .. (c.op_after or "-")
			.. (c.pipeline or 0)
	end
	eq(table.concat(ops, " "), "-&&0 &&||0 ||;0 ;&0 &|1 ||&1 |&\n1 \n-0",
		"operators")
	eq(p.uses_pipe("a && b"), false, "no pipe")
	eq(p.uses_pipe("a | b"), true, "a pipe")
	eq(p.uses_pipe("a || b"), false, "|| is no pipe")
	local pipes = p.pipes("curl -s u | tee f | sudo bash; wget u | cat",
		{"curl", "wget"}, {"sh", "bash"})
	eq(#pipes, 1, "curl piped into bash through tee")
	eq(pipes[1].from.argv[1], "curl", "from")
	eq(pipes[1].to.argv[2], "bash", "to")
	eq(#p.pipes({"sh", "-c", "wget -O- u | sh"}, "wget", "sh"), 1,
		"inside sh -c")
	eq(#p.pipes("curl u > f; sh f", "curl", "sh"), 0, "not a pipe")
	-- Offsets of the commands in the text, also inside a nested script.
	local text = "a x && sh -c 'b y; c'"
	cmds = p.split_shell(text)
	eq(text:sub(cmds[1].first, cmds[1].last), "a x", "first/last")
	eq(cmds[3].argv[1], "b", "nested command")
	eq(text:sub(cmds[3].first, cmds[3].last), "b y", "mapped offsets")
	eq(text:sub(cmds[4].first, cmds[4].last), "c", "mapped offsets 2")
	-- Nesting is bounded.
	local deep = ("sh -c "):rep(200) .. "x"
	eq(#p.split_shell(deep) > 0, true, "deep sh -c")
end

-- p.run_pipes finds each pipe's sides in one sweep over the commands;
-- this is the plain definition, a look at every command for every pipe,
-- compared on RUNs whose commands come in any order, overlap, repeat or
-- are not in the text (a fixed pseudo-random sequence: no math.random).
function tests.pipe_sides()
	local seed = 12345
	local function rand(n)
		seed = (seed * 1103515245 + 12345) % 2147483648
		return seed % n + 1
	end
	local words = {"a", "b", "cc", "a b", "|", "||", "&&", ";", "d"}
	for case = 1, 300 do
		local parts = {}
		for k = 1, rand(12) do
			parts[k] = words[rand(#words)]
		end
		local text = table.concat(parts, " ")
		local commands = {}
		for k = 1, rand(8) - 1 do
			local i = rand(#text)
			local j = i + rand(6) - 2
			commands[k] = {text = text:sub(i, j), argv = {"w" .. k}}
			if rand(5) == 1 then
				commands[k].text = "absent"
			end
		end
		local ins = {form = "shell", text = text, commands = commands}
		local pipes, cmds = p.run_pipes(ins)
		for n, pipe in ipairs(pipes) do
			local left, right
			for _, c in ipairs(cmds) do
				local stop = c.at ~= nil and c.at + #c.text or nil
				if stop ~= nil and stop <= pipe.at and
					(left == nil or stop > left.at + #left.text) then
					left = c
				elseif c.at ~= nil and c.at > pipe.at and
					(right == nil or c.at < right.at) then
					right = c
				end
			end
			local what = ("case %d (%q), pipe %d"):format(case, text, n)
			eq(pipe.left, left, what .. ": left")
			eq(pipe.right, right, what .. ": right")
		end
	end
end

-- The pipes p.run_pipes finds in a RUN's text, against a plain
-- definition written here byte by byte: outside quotes ('...', "..." with
-- backslash escapes) and comments (# at a word's start, to the line's
-- end), a backslash escaping the next byte; `||` is no pipe, nor the `|`
-- between a case pattern's words (a word without `=` before it, and after
-- it a word running into `|` or `)`). Texts made of the bytes that
-- matter, in a fixed pseudo-random sequence.
function tests.pipe_offsets()
	local function space(b)
		return b == 32 or (b ~= nil and b >= 9 and b <= 13)
	end
	local function stop(b)
		return space(b) or b == 59 or b == 38 or b == 124 or b == 40 or
			b == 41
	end
	local function case_pattern(t, i)
		local j = i - 1
		while j >= 1 and space(t:byte(j)) do
			j = j - 1
		end
		local last = j
		while j >= 1 and not stop(t:byte(j)) do
			if t:byte(j) == 61 then
				return false
			end
			j = j - 1
		end
		if j == last then
			return false
		end
		local k = i + 1
		while space(t:byte(k)) do
			k = k + 1
		end
		local word = k
		while t:byte(k) ~= nil and not stop(t:byte(k)) do
			k = k + 1
		end
		if k == word then
			return false
		end
		while space(t:byte(k)) do
			k = k + 1
		end
		return t:byte(k) == 124 or t:byte(k) == 41
	end
	local function want(t)
		local out, i, quote = {}, 1, nil
		while i <= #t do
			local c = t:sub(i, i)
			if quote == "'" then
				quote = c ~= "'" and quote or nil
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
			elseif c == "#" and (i == 1 or space(t:byte(i - 1))) then
				while i <= #t and t:sub(i + 1, i + 1) ~= "\n" do
					i = i + 1
				end
			elseif c == "|" and t:sub(i + 1, i + 1) == "|" then
				i = i + 1
			elseif c == "|" and not case_pattern(t, i) then
				out[#out + 1] = i
			end
			i = i + 1
		end
		return table.concat(out, ",")
	end
	local seed = 777
	local function rand(n)
		seed = (seed * 1103515245 + 12345) % 2147483648
		return seed % n + 1
	end
	local bytes = {"a", "b", "=", " ", "\t", "\n", "|", "|", "|", "&", ";",
		"(", ")", "'", '"', "\\", "#", "x)"}
	local fixed = {"a|b", "a || b", "a |& b", "x86|amd64) echo", "(a | b)",
		"a=b|c)", "echo '|' \"|\" \\| # | c\nd | e", "a|", "|b)", "#|\n|",
		"", "  |  ", "a\"b\\\"|\"|c", "case $x in a|b) ;; esac | cat"}
	for case = 1, 2000 do
		local text = fixed[case]
		if text == nil then
			local parts = {}
			for k = 1, rand(16) do
				parts[k] = bytes[rand(#bytes)]
			end
			text = table.concat(parts)
		end
		local pipes = p.run_pipes({form = "shell", text = text,
			commands = {}})
		local got = {}
		for n, pipe in ipairs(pipes) do
			got[n] = pipe.at
		end
		eq(table.concat(got, ","), want(text),
			("pipes of %q"):format(text))
	end
end

function tests.model_access(doc)
	eq(doc.kind, "dockerfile", "kind")
	eq(doc.path, "Dockerfile", "path")
	local n = 0
	for c in p.containers(doc) do
		n = n + 1
		eq(p.is_node(c), true, "container is a node")
		eq(c.name, "stage-0", "name")
		eq(#c.capabilities.add, 0, "empty seq")
		local s = p.span(c, "user")
		eq(s.start_line, 1, "implicit field at declaration")
		eq(s.path, "Dockerfile", "span path")
		local m = p.meta(c, "user")
		eq(m.implicit, true, "implicit")
		eq(m.present, false, "not present")
		eq(p.meta(c, "nope").present, false, "missing field")
		eq(pcall(function() c.name = "x" end), false, "read-only model")
		eq(pcall(function() doc.kind = "x" end), false, "read-only doc")
		eq(pcall(function() doc.extra = 1 end), false, "no new doc field")
		local fields = {}
		for k in pairs(doc) do fields[#fields + 1] = k end
		table.sort(fields)
		eq(table.concat(fields, ","), "containers,kind,lines,path,tree",
			"pairs over doc")
		local keys = {}
		for k in pairs(c) do keys[#keys + 1] = k end
		eq(keys[1], "name", "pairs in order")
		eq(c[1], nil, "maps have no integer keys")
	end
	eq(n, 1, "one container")
	eq(#p.list(doc.containers), 1, "list")
	eq(p.contains({"A", "b"}, "B", true), true, "contains nocase")
	-- the list read as ipairs reads it: up to the first nil, through
	-- __index too
	eq(p.contains({"a", nil, "c"}, "c"), false, "contains stops at a hole")
	eq(p.contains({"a", "b", "c"}, "c"), true, "contains the last")
	eq(p.contains(setmetatable({}, {__index = function(_, i)
		return i <= 3 and ("w" .. i) or nil
	end}), "w3"), true, "contains through __index")
	eq(p.contains(doc.containers, doc.containers[1]), true,
		"contains a node of a sequence node")
	eq(p.edits_for(doc.containers[1], nil, {{source = 2}, nil,
		{source = 3}}) == nil, true, "edits of another file")
	eq(p.edits_for(doc.containers[1], "name", {{source = 1}}) ~= nil, true,
		"edits of the node's own file")
	eq(p.edits_for({line = 2, source = 2}, nil, {{source = 2}}) ~= nil,
		true, "edits of a command table's file")
	eq(p.edits_for({line = 2, source = 2}, nil, {{source = 1}}), nil,
		"edits of a file other than a command table's")
	eq(p.mentions(doc, "RUN true"), true, "mentions")
	eq(p.mentions(doc, "sudo"), false, "does not mention")
	local filtered = 0
	for _ in p.containers(doc, "compose") do filtered = filtered + 1 end
	eq(filtered, 0, "filter by origin")
end

-- A Dockerfile tree that is a table of the policy's own, not the model,
-- is read again on every call (the model's trees are what the helpers
-- keep lists of: tests/policies/check_shared_results.py).
function tests.instructions_of_a_table()
	local tree = {stages = {{instructions = {{keyword = "run"},
		{keyword = "USER"}}}}}
	local fake = {kind = "dockerfile", tree = tree}
	local n = 0
	for _ in p.instructions(fake, "RUN") do n = n + 1 end
	eq(n, 1, "a table as the tree")
	tree.stages[1].instructions[3] = {keyword = "RUN"}
	n = 0
	for _ in p.instructions(fake, "RUN") do n = n + 1 end
	eq(n, 2, "a table as the tree is read again")
end

function tests.selects()
	local sel = {match_labels = {app = "web"}, match_expressions = {
		{key = "tier", operator = "In", values = {"front", "edge"}},
		{key = "legacy", operator = "DoesNotExist", values = {}}}}
	eq(p.selects(sel, {app = "web", tier = "front"}), true, "selects")
	eq(p.selects(sel, {app = "web", tier = "back"}), false, "In")
	eq(p.selects(sel, {app = "web", tier = "edge", legacy = "1"}), false,
		"DoesNotExist")
	eq(p.selects(sel, {tier = "front"}), false, "matchLabels")
	eq(p.selects({match_labels = {}}, nil), true, "empty selects all")
	eq(p.selects(nil, {app = "web"}), false, "nil selects nothing")
	eq(p.selects({match_expressions = {{key = "a", operator = "NotIn",
		values = {"x"}}}}, {}), true, "NotIn without the label")
	eq(p.selects({match_expressions = {{key = "a", operator = "Exists"}}},
		{a = ""}), true, "Exists")
	eq(p.selects({match_expressions = {{key = "a", operator = "Odd"}}},
		{a = ""}), false, "unknown operator")
	-- p.selector_index gives what p.selects over the whole list gives,
	-- in list order, whatever the selector
	local objs = {
		{name = "a", pod_labels = {app = "web", tier = "front"}},
		{name = "b", pod_labels = {app = "db"}},
		{name = "c", pod_labels = {app = "web", tier = "back"}},
		{name = "d"},
		{name = "e", pod_labels = {app = "web", tier = "front",
			legacy = "1"}},
		{name = "f", pod_labels = {tier = "front"}},
	}
	objs[7] = objs[1] -- an object listed twice is given twice
	local select = p.selector_index(objs)
	local selectors = {sel, {match_labels = {}}, {match_labels = {app = "web",
		tier = "front"}}, {match_labels = {app = "none"}},
		{match_labels = {nope = "web"}}, {match_expressions = {
		{key = "tier", operator = "Exists"}}}, {match_labels = {tier =
		"front"}, match_expressions = {{key = "app", operator = "NotIn",
		values = {"db"}}}},
		-- narrowed by an expression: In over several values (their
		-- objects merged back into list order), a value repeated, no
		-- such value or key, Exists; and what cannot narrow
		{match_expressions = {{key = "tier", operator = "In",
		values = {"back", "front", "back"}}}},
		{match_labels = {app = "web"}, match_expressions = {{key = "tier",
		operator = "In", values = {"back"}}}},
		{match_expressions = {{key = "tier", operator = "In",
		values = {"none"}}}},
		{match_expressions = {{key = "nope", operator = "In",
		values = {"x"}}}},
		{match_labels = {tier = "front"}, match_expressions = {{key =
		"legacy", operator = "Exists"}}},
		{match_expressions = {{key = "legacy", operator = "DoesNotExist"}}},
		{match_expressions = {{key = "app", operator = "Odd"}}},
		{match_expressions = {}}}
	for i, s in ipairs(selectors) do
		local want = {}
		for _, o in ipairs(objs) do
			if p.selects(s, o.pod_labels) then
				want[#want + 1] = o.name
			end
		end
		local got = {}
		for _, o in ipairs(select(s)) do
			got[#got + 1] = o.name
		end
		eq(table.concat(got, ","), table.concat(want, ","),
			"selector_index, selector " .. i)
		-- with a limit: the first that many of the same, in order
		for _, limit in ipairs({0, 1, 2, 2.5}) do
			local first = {}
			for _, o in ipairs(select(s, limit)) do
				first[#first + 1] = o.name
			end
			eq(table.concat(first, ","), table.concat(want, ",", 1,
				math.min(math.floor(limit), #want)),
				"selector_index, selector " .. i .. ", limit " .. limit)
		end
	end
	eq(#select(nil), 0, "selector_index: nil selects nothing")
	eq(#p.selector_index({})({match_labels = {a = "b"}}), 0,
		"selector_index: empty list")
	local project = {dockerfiles = {
		{path = "repo/services/api/Dockerfile"},
		{path = "repo/Dockerfile.worker"},
		{path = "repo/web/Dockerfile"},
		{path = "repo/docker/Dockerfile.API"},
	}}
	local api = p.dockerfiles_for(project, "ghcr.io/acme/api:1.2")
	eq(#api, 2, "two Dockerfiles build api")
	eq(api[1].path, "repo/services/api/Dockerfile", "the folder first")
	eq(api[2].path, "repo/docker/Dockerfile.API", "then the suffix")
	eq(p.dockerfiles_for(project, "worker")[1].path, "repo/Dockerfile.worker",
		"by suffix")
	eq(#p.dockerfiles_for(project, "nginx:1.27"), 0, "no match")
	eq(#p.dockerfiles_for(project, "${IMAGE}"), 0, "a variable")
	eq(#p.dockerfiles_for({}, "api"), 0, "no Dockerfiles")
	eq(p.namespace({}), "default", "namespace default")
	eq(p.namespace({namespace = "shop"}), "shop", "namespace")
end

function tests.glob()
	eq(p.glob("gcr.io/distroless/static:nonroot",
		"gcr.io/distroless/*:nonroot"), true, "glob middle")
	eq(p.glob("gcr.io/distroless/static:debug-nonroot",
		"gcr.io/distroless/*:*-nonroot"), true, "glob two stars")
	eq(p.glob("gcr.io/distroless/static:latest",
		"gcr.io/distroless/*:nonroot"), false, "glob tail differs")
	eq(p.glob("alpine", "alpine"), true, "glob exact")
	eq(p.glob("alpine:3", "alpine"), false, "glob exact only")
	eq(p.glob("a%b.c", "a%*"), true, "glob magic characters are plain")
	eq(p.glob("ab", "a*b*b"), false, "glob pieces do not overlap")
	eq(p.glob("", "*"), true, "glob star matches empty")
	-- No settings outside a policy that declares them.
	eq(pcall(p.setting, "nothing"), false, "undeclared setting raises")
end

function tests.floating_tag()
	eq(p.floating_tag(p.parse_image("nginx")), "untagged", "untagged")
	eq(p.floating_tag(p.parse_image("nginx:latest")), "latest", "latest")
	eq(p.floating_tag(p.parse_image("localhost:5000/app")), "untagged",
		"registry port is no tag")
	eq(p.floating_tag(p.parse_image("nginx:1.27")), nil, "pinned tag")
	eq(p.floating_tag(p.parse_image("nginx:latest@sha256:abc")), nil,
		"digest pins latest")
	eq(p.floating_tag(p.parse_image("nginx:${TAG}")), nil, "variable")
	eq(p.floating_tag(p.parse_image("$(params.image)")), nil,
		"Tekton parameter")
	eq(p.floating_tag({text = "nginx:", tag = ""}), nil,
		"empty interpolated tag")
	eq(p.floating_tag(nil), nil, "no image")
end

function tests.runs_to_completion()
	local function c(kind, restart)
		return {workload = {kind = kind},
			pod = {source = {restartPolicy = restart}}}
	end
	eq(p.runs_to_completion(c("Job")), true, "Job")
	eq(p.runs_to_completion(c("CronJob")), true, "CronJob")
	eq(p.runs_to_completion(c("PyTorchJob")), true, "kind ending in Job")
	eq(p.runs_to_completion(c("TaskRun")), true, "Tekton")
	eq(p.runs_to_completion(c("Workflow")), true, "Argo Workflow")
	eq(p.runs_to_completion(c("Pod", "Never")), true, "Pod Never")
	eq(p.runs_to_completion(c("Pod", "OnFailure")), true, "Pod OnFailure")
	eq(p.runs_to_completion(c("Pod", "Always")), false, "Pod Always")
	eq(p.runs_to_completion(c("Pod")), false, "Pod default")
	eq(p.runs_to_completion(c("Deployment")), false, "Deployment")
	eq(p.runs_to_completion(c("Rollout")), false, "Argo Rollout")
	eq(p.runs_to_completion({workload = {kind = "Service"}}), false,
		"Compose service")
end

function tests.partial()
	eq(p.partial({origin = "compose", source = {}}), true,
		"no image, no build")
	eq(p.partial({origin = "compose", image = {text = "a"},
		source = {}}), false, "image")
	eq(p.partial({origin = "compose", source = {build = "."}}),
		false, "build")
	eq(p.partial({origin = "kubernetes", source = {}}), true,
		"Kubernetes container without an image: a patch")
	eq(p.partial({origin = "kubernetes", image = {text = "a"}}), false,
		"Kubernetes container")
	eq(p.partial({origin = "dockerfile"}), false, "Dockerfile")
	eq(p.partial({origin = "command", role = "compose-run"}), true,
		"docker compose run: the Compose file has the rest")
	eq(p.partial({origin = "command", image = {text = "a"}}), false,
		"docker run")
end

-- p.stages and p.stage_instructions over a tree that is a table (a
-- model's tree is compared field by field in check_native_reads.py)
function tests.stages_of_a_table()
	local first = {instructions = {{keyword = "from"}, {keyword = "RUN"},
		{}}}
	local doc = {kind = "dockerfile", tree = {stages = {first,
		{instructions = {}}}}}
	local n = 0
	for _ in p.stages(doc) do
		n = n + 1
	end
	eq(n, 2, "stages")
	local list, keywords = p.stage_instructions(doc, first)
	eq(#list, 3, "instructions")
	eq(table.concat({keywords[1], keywords[2], tostring(keywords[3])}, ","),
		"FROM,RUN,false", "keywords")
	first.instructions[2].keyword = "user"
	eq(select(2, p.stage_instructions(doc, first))[2], "USER",
		"a table is read again")
	local _, other = p.stage_instructions(doc,
		{instructions = {{keyword = "expose"}}})
	eq(other[1], "EXPOSE", "a stage outside the tree")
	for _ in p.stages({kind = "compose", tree = {}}) do
		n = n + 1
	end
	eq(n, 2, "no stages outside Dockerfiles")
end

function tests.normalize_path()
	for _ = 1, 2 do -- the second time, the kept answers
		eq(p.normalize_path("C:\\data\\\\db\\"), "C:/data/db", "backslashes")
		eq(p.normalize_path("//var//run/docker.sock/"),
			"/var/run/docker.sock", "squeezed")
		eq(p.normalize_path("/"), "/", "the root stays")
		eq(p.normalize_path(""), "", "empty")
	end
end

function tests.docker_engine()
	eq(p.docker_engine({origin = "compose"}), true, "Compose service")
	eq(p.docker_engine({origin = "command"}), true, "docker run")
	eq(p.docker_engine({origin = "kubernetes"}), false, "Kubernetes")
	eq(p.docker_engine({origin = "dockerfile"}), false, "Dockerfile")
	local doc = {containers = {{origin = "kubernetes"},
		{origin = "command", name = "x"}, {origin = "compose"}}}
	local n = 0
	for _ in p.containers(doc, p.docker_engine) do
		n = n + 1
	end
	eq(n, 2, "as a filter")
	-- answers are kept for model nodes only: a table is read again
	local c = {origin = "compose"}
	eq(p.docker_engine(c), true, "before the change")
	c.origin = "kubernetes"
	eq(p.docker_engine(c), false, "a table changed is read again")
	eq(p.partial(c), true, "partial: no image")
	c.image = {text = "a"}
	eq(p.partial(c), false, "partial: a table changed is read again")
end

function tests.describe()
	eq(p.describe({origin = "compose", name = "web"}), 'service "web"',
		"service")
	eq(p.describe({origin = "command", role = "run", name = "web",
		workload = {kind = "podman"}}), 'podman run "web"', "command")
	eq(p.describe({origin = "command", role = "compose-run", name = "app",
		workload = {kind = "docker"}}), 'docker compose run "app"',
		"docker compose run")
	eq(p.describe({origin = "kubernetes", role = "init", name = "m"}),
		'init container "m"', "init container")
	eq(p.describe({origin = "kubernetes", role = "container",
		workload = {kind = "Service", name = "hello"}}),
		'the unnamed container of Service "hello"', "unnamed container")
	eq(p.describe({origin = "kubernetes", role = "container",
		workload = {kind = "TaskRun"}}),
		"the unnamed container of a TaskRun", "unnamed, no workload name")
end

function tests.first_at_and_edits(doc)
	-- (edit_set and edit_after_word on real files: tests/policies/
	-- check_fixes.py and the language server's protocol test.)
	local seen = {}
	for c in p.containers(doc) do
		eq(p.first_at(seen, c), true, "first_at: first")
		eq(p.first_at(seen, c), false, "first_at: again")
		eq(p.unconfined(c, "seccomp"), false, "unconfined: unset")
		-- A Dockerfile has no service or container mapping to edit.
		eq(p.edit_set(c, {"user"}, "1"), nil, "edit_set: not YAML")
		eq(p.edit_after_word({form = "shell"}, c, "true", " -y"), nil,
			"edit_after_word: not a command")
	end
	eq(next(seen) ~= nil, true, "first_at: a container was seen")
	eq(p.unconfined({}, "apparmor"), false, "unconfined: no record")
end

function tests.comments(doc)
	local all = p.comments(doc)
	for _, c in ipairs(all) do
		eq(type(c.line), "number", "comment line")
		eq(type(c.text), "string", "comment text")
	end
end


return {
	id = "lua-helpers-test",
	title = "Helper library tests",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Runs the helper library's tests.",
	check = function(doc, report)
		local names = {}
		for name in pairs(tests) do names[#names + 1] = name end
		table.sort(names)
		for _, name in ipairs(names) do
			local ok, err = pcall(tests[name], doc)
			if not ok then
				report({line = 1}, name .. ": " .. tostring(err))
			end
		end
	end,
}

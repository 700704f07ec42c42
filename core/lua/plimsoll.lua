-- plimsoll.lua - the helper library policies get with require("plimsoll").
--
-- Runs in the host's trusted environment; receives the native helpers as
-- its argument. Everything it returns is frozen (read only) by the host.
-- Functions never keep state between calls and return fresh tables.
local native = ...

local M = {}

M.version = "1"

------------------------------------------------------------------------
-- Model nodes
------------------------------------------------------------------------

--- True when v is a model node (a map or sequence proxy).
function M.is_node(v)
	return native.kind(v) ~= nil
end

--- The display position of node, or of its field: {path, source,
--- start_line, start_column, end_line, end_column}. A field that was not
--- written gives the container's declaration.
function M.span(node, field)
	return native.span(node, field)
end

--- What is known about node[field]: {present, implicit, interpolated,
--- inherited, quoted, kind, tag, text}.
function M.meta(node, field)
	return native.meta(node, field)
end

--- True when `text` occurs anywhere in the scanned file (or a file it
--- pulled in), comments included: a cheap test before walking the model.
function M.mentions(doc, text)
	return native.mentions(text)
end

--- An array (plain table) of the items of a sequence node, a table, or
--- nil (empty).
function M.list(v)
	local out = {}
	if v == nil then
		return out
	end
	if type(v) ~= "table" and not M.is_node(v) then
		out[1] = v
		return out
	end
	for _, item in ipairs(v) do
		out[#out + 1] = item
	end
	return out
end

--- True when list (sequence node or table) holds value. Strings compare
--- case-insensitively when `nocase` is true.
function M.contains(list, value, nocase)
	if list == nil then
		return false
	end
	if nocase and type(value) == "string" then
		value = value:lower()
	end
	for _, item in ipairs(list) do
		if item == value or (nocase and type(item) == "string" and
			item:lower() == value) then
			return true
		end
	end
	return false
end

local function matches(c, filter)
	if filter == nil then
		return true
	end
	if type(filter) == "function" then
		return filter(c)
	end
	if type(filter) == "string" then
		return c.origin == filter or c.role == filter or
			(c.workload ~= nil and c.workload.kind == filter)
	end
	if type(filter) == "table" then
		for k, v in pairs(filter) do
			if c[k] ~= v then
				return false
			end
		end
		return true
	end
	error("containers: filter must be a string, table or function", 3)
end

--- Iterates the container records of doc: `for c in p.containers(doc) do`.
--- filter: an origin ("compose"), a role ("init"), a workload kind
--- ("Deployment"), a table of field values, or a predicate.
function M.containers(doc, filter)
	local list = doc.containers
	local i = 0
	return function()
		while true do
			i = i + 1
			local c = list[i]
			if c == nil then
				return nil
			end
			if matches(c, filter) then
				return c
			end
		end
	end
end

--- How a message names a container: `the image` (Dockerfile),
--- `service "web"` (Compose), `init container "migrate"`, `container
--- "app"` (Kubernetes).
function M.describe(c)
	if c.origin == "dockerfile" then
		return "the image"
	elseif c.origin == "compose" then
		return ("service %q"):format(tostring(c.name))
	end
	local role = (c.role == "init" or c.role == "ephemeral") and
		c.role .. " " or ""
	if c.name == nil then
		-- Knative and some other kinds let a lone container go unnamed.
		local w = c.workload or {}
		local of = w.name ~= nil and ("%s %q"):format(
			tostring(w.kind or "workload"), tostring(w.name))
			or "a " .. tostring(w.kind or "workload")
		return ("the unnamed %scontainer of %s"):format(role, of)
	end
	return ("%scontainer %q"):format(role, tostring(c.name))
end

--- True for a Compose service that names neither an image nor a build
--- (nor `extends`, in the file as written): a fragment, of an override
--- file scanned without its base say, that another file completes.
--- Nothing runs as it stands, so container policies skip it.
function M.is_fragment(doc, c)
	if c.origin ~= "compose" or c.image ~= nil or c.build ~= nil then
		return false
	end
	local written = false
	local ok = pcall(function()
		for _, d in ipairs(doc.tree or {}) do
			local services = M.is_node(d) and d.services
			local s = M.is_node(services) and services[c.name]
			if M.is_node(s) and (s.image ~= nil or s.build ~= nil or
				s.extends ~= nil) then
				written = true
			end
		end
	end)
	return ok and not written
end

--- Iterates the Dockerfile stages: `for stage in p.stages(doc) do`.
function M.stages(doc)
	local tree = doc.tree
	local stages = doc.kind == "dockerfile" and tree ~= nil and tree.stages
	local i = 0
	return function()
		if not stages then
			return nil
		end
		i = i + 1
		return stages[i]
	end
end

--- Iterates Dockerfile instructions, optionally of one keyword (any
--- case): `for ins, stage, onbuild in p.instructions(doc, "RUN") do`.
--- With a keyword, the trigger of `ONBUILD <keyword> ...` is yielded too,
--- with its ONBUILD instruction as the third value (nil otherwise).
function M.instructions(doc, keyword)
	keyword = keyword and keyword:upper()
	local tree = doc.kind == "dockerfile" and doc.tree or nil
	local stages = tree and tree.stages
	local si, ii = 0, 0
	local stage, list
	return function()
		while stages do
			if list == nil then
				si = si + 1
				stage = stages[si]
				if stage == nil then
					stages = nil
					return nil
				end
				list, ii = stage.instructions, 0
			end
			ii = ii + 1
			local ins = list[ii]
			if ins == nil then
				list = nil
			else
				local kw = ins.keyword
				local trigger = kw ~= nil and keyword ~= nil
					and keyword ~= "ONBUILD" and kw:upper() == "ONBUILD"
					and ins.instruction or nil
				if trigger then
					-- `ONBUILD RUN ...` runs in every image built FROM
					-- this one: it is a RUN of its own.
					local tk = trigger.keyword
					if tk ~= nil and tk:upper() == keyword then
						return trigger, stage, ins
					end
				elseif keyword == nil or kw == keyword or
					(kw ~= nil and kw:upper() == keyword) then
					return ins, stage
				end
			end
		end
	end
end

------------------------------------------------------------------------
-- Users
------------------------------------------------------------------------

local function is_variable(s)
	return s ~= nil and s:find("%$") ~= nil
end

--- Parses a user spec ("root", "1000", "app:app", "0:0", "$USER"):
--- {text, name, uid, group, gid, root, variable}; root is true (uid 0 or
--- name root), false, or nil when unknown (empty or a variable).
function M.parse_user(text)
	local u = {text = text}
	if text == nil then
		return u
	end
	text = tostring(text)
	u.text = text
	local user, group = text:match("^([^:]*):(.*)$")
	if user == nil then
		user = text
	end
	if user ~= "" then
		if user:match("^%d+$") then
			u.uid = math.tointeger(tonumber(user))
		else
			u.name = user
		end
	end
	if group ~= nil and group ~= "" then
		if group:match("^%d+$") then
			u.gid = math.tointeger(tonumber(group))
		else
			u.group = group
		end
	end
	u.variable = is_variable(text)
	if u.variable or user == "" then
		u.root = nil
	elseif u.uid ~= nil then
		u.root = u.uid == 0
	else
		u.root = u.name == "root"
	end
	return u
end

------------------------------------------------------------------------
-- Images
------------------------------------------------------------------------

--- Parses an image reference ("nginx", "ghcr.io/a/b:1.2@sha256:..."):
--- {text, registry, repository, tag, digest, variable, official}. registry
--- is nil when the text names none (Docker Hub); official is true for a
--- Docker Hub image without a namespace.
function M.parse_image(text)
	local r = {text = text}
	if text == nil or text == "" then
		return r
	end
	r.variable = is_variable(text)
	local rest = text
	local digest = rest:match("@([%w:+._-]+)$")
	if digest then
		r.digest = digest
		rest = rest:sub(1, #rest - #digest - 1)
	end
	local first, after = rest:match("^([^/]+)/(.+)$")
	if first and (first:find("[.:]") or first == "localhost") then
		r.registry = first
		rest = after
	end
	local repo, tag = rest:match("^(.*):([%w_.-]+)$")
	if repo and not tag:find("/") then
		r.repository, r.tag = repo, tag
	else
		r.repository = rest
	end
	r.official = r.registry == nil and r.repository ~= nil and
		not r.repository:find("/")
	return r
end

------------------------------------------------------------------------
-- Shell commands
------------------------------------------------------------------------

local shells = {
	sh = true, bash = true, ash = true, dash = true, zsh = true,
	ksh = true, busybox = false,
}

local function basename(s)
	return (tostring(s):match("([^/]+)$")) or tostring(s)
end
M.basename = basename

------------------------------------------------------------------------
-- Host paths
------------------------------------------------------------------------

-- Sockets of container runtimes, by file name: the rootful paths
-- (/var/run/docker.sock), rootless ones (/run/user/1000/docker.sock,
-- ${XDG_RUNTIME_DIR}/podman/podman.sock) and Docker Desktop's alike.
local socket_names = {
	["docker.sock"] = true, ["podman.sock"] = true,
	["containerd.sock"] = true, ["crio.sock"] = true,
	["cri-dockerd.sock"] = true, ["dockershim.sock"] = true,
	["buildkitd.sock"] = true,
}

-- Directories that hold a rootful runtime's socket.
local socket_dirs = {
	["/var/run"] = true, ["/run"] = true, ["/var/run/docker"] = true,
	["/run/containerd"] = true, ["/var/run/containerd"] = true,
	["/run/crio"] = true, ["/var/run/crio"] = true,
	["/run/podman"] = true, ["/var/run/podman"] = true,
}

-- Host directories whose contents (or the directory itself) give a
-- container the host: its configuration and credentials, kernel
-- interfaces, devices, boot files, the runtimes' state.
local sensitive_exact = {
	["/"] = true, ["/dev"] = true, ["/sys"] = true, ["/usr"] = true,
	["/lib"] = true, ["/lib64"] = true, ["/bin"] = true, ["/sbin"] = true,
	["/var"] = true, ["/var/lib"] = true, ["/home"] = true,
	["/usr/bin"] = true, ["/usr/sbin"] = true, ["/usr/lib"] = true,
}
local sensitive_trees = {
	"/etc", "/proc", "/boot", "/root", "/lib/modules",
	"/var/lib/docker", "/var/lib/kubelet", "/var/lib/containerd",
	"/var/lib/containers", "/var/lib/etcd", "/etc/kubernetes",
	"/sys/kernel", "/sys/firmware", "/dev/mem", "/dev/kmem", "/dev/port",
	"/dev/disk",
}

--- A path with backslashes turned into slashes, repeated slashes
--- squeezed and a trailing slash removed.
function M.normalize_path(path)
	return (tostring(path):gsub("\\", "/"):gsub("/+", "/"):gsub("(.)/$",
		"%1"))
end

--- The container runtime socket (or directory of one) a host path names,
--- normalised, or nil: `docker.sock`, `podman.sock`, `containerd.sock`,
--- `crio.sock`... wherever they are, `/var/run`, `/run/containerd`...,
--- and Windows' `\\.\pipe\docker_engine`.
function M.runtime_socket(path)
	if type(path) ~= "string" or path == "" then
		return nil
	end
	local norm = M.normalize_path(path)
	if socket_names[basename(norm)] or socket_dirs[norm] or
		norm:lower():find("pipe/docker_engine", 1, true) then
		return norm
	end
	return nil
end

--- Whether a file name is that of a container runtime's socket.
function M.is_socket_name(name)
	return socket_names[basename(M.normalize_path(name or ""))] == true
end

--- The sensitive host path a path is or lies under (`/`, `/etc`,
--- `/etc/kubernetes/pki`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`,
--- `/var/lib/docker`, `/var/lib/kubelet`...), normalised, or nil.
function M.sensitive_path(path)
	if type(path) ~= "string" or path == "" or path:sub(1, 1) ~= "/" then
		return nil
	end
	local norm = M.normalize_path(path)
	if sensitive_exact[norm] then
		return norm
	end
	for _, tree in ipairs(sensitive_trees) do
		if norm == tree or norm:sub(1, #tree + 1) == tree .. "/" then
			return norm
		end
	end
	-- Block devices: the host's disks.
	if norm:find("^/dev/[shv]d%a") or norm:find("^/dev/nvme%d") or
		norm:find("^/dev/xvd%a") then
		return norm
	end
	return nil
end


--- Splits shell text into simple commands across &&, ||, ;, |, &,
--- newlines, ( ), `...` and $(...). Quotes and backslashes are honoured
--- for words; expansions are kept as written. Returns a list of
--- {argv = {...}, text = "..."}.
function M.split_shell(text)
	local cmds = {}
	local argv, word, start = {}, nil, nil
	local i, n = 1, #text
	local function finish_word()
		if word ~= nil then
			argv[#argv + 1] = word
			word = nil
		end
	end
	local function finish_cmd(stop)
		finish_word()
		if #argv > 0 then
			cmds[#cmds + 1] = {argv = argv,
				text = text:sub(start or 1, stop):match("^%s*(.-)%s*$")}
		end
		argv, start = {}, nil
	end
	while i <= n do
		local c = text:sub(i, i)
		if start == nil and c ~= " " and c ~= "\t" and c ~= "\n" and
			c ~= "\r" then
			start = i
		end
		if c == "\\" then
			local d = text:sub(i + 1, i + 1)
			if d == "\n" then
				i = i + 2
			else
				word = (word or "") .. d
				i = i + 2
			end
		elseif c == "'" then
			local j = text:find("'", i + 1, true) or n + 1
			word = (word or "") .. text:sub(i + 1, j - 1)
			i = j + 1
		elseif c == '"' then
			local j = i + 1
			local buf = {}
			while j <= n do
				local d = text:sub(j, j)
				if d == "\\" and j < n then
					buf[#buf + 1] = text:sub(j + 1, j + 1)
					j = j + 2
				elseif d == '"' then
					break
				else
					buf[#buf + 1] = d
					j = j + 1
				end
			end
			word = (word or "") .. table.concat(buf)
			i = j + 1
		elseif c == "#" and word == nil then
			local j = text:find("\n", i, true) or n + 1
			i = j
		elseif c == "$" and text:sub(i + 1, i + 1) == "(" and
			text:sub(i + 2, i + 2) ~= "(" then
			finish_cmd(i - 1)
			i = i + 2
		elseif c == "&" or c == "|" or c == ";" or c == "\n" or
			c == "(" or c == ")" or c == "`" then
			finish_cmd(i - 1)
			i = i + 1
			local d = text:sub(i, i)
			if (c == "&" or c == "|") and d == c then
				i = i + 1
			end
		elseif c == " " or c == "\t" or c == "\r" or c == "\f" or
			c == "\v" then
			finish_word()
			i = i + 1
		else
			-- A run of ordinary characters at once.
			local j = text:find("[%s\\'\"#$&|;()`]", i + 1) or n + 1
			word = (word or "") .. text:sub(i, j - 1)
			i = j
		end
	end
	finish_cmd(n)
	return cmds
end

--- True when argv (a list) runs a shell with a script: sh -c "...".
local function shell_script(argv)
	local prog = argv[1] and basename(argv[1])
	if not prog or not shells[prog] then
		return nil
	end
	for k = 2, #argv do
		local a = argv[k]
		if a == "-c" or (type(a) == "string" and a:match("^%-[a-z]*c[a-z]*$")) then
			return argv[k + 1]
		end
		if type(a) ~= "string" or a:sub(1, 1) ~= "-" then
			return nil
		end
	end
	return nil
end

local function to_array(v)
	local out = {}
	for _, s in ipairs(v) do
		out[#out + 1] = tostring(s)
	end
	return out
end

--- The simple commands in x: shell text, an argv list (a shell's -c
--- script is split too), a Dockerfile instruction (its commands), or a
--- container record (entrypoint + command, then lifecycle hooks). Returns
--- a list of {argv, text}.
function M.commands(x)
	if x == nil then
		return {}
	end
	if type(x) == "string" then
		return M.split_shell(x)
	end
	if M.is_node(x) and x.keyword ~= nil then
		local out = {}
		-- The front end already lists the commands of an exec form's
		-- `sh -c` script after it; a shell form's nested `sh -c "..."`
		-- is split here.
		local resplit = x.form ~= "exec"
		for _, cmd in ipairs(x.commands or {}) do
			local argv = to_array(cmd.argv or {})
			local script = resplit and shell_script(argv)
			if script then
				for _, inner in ipairs(M.split_shell(script)) do
					out[#out + 1] = inner
				end
			else
				out[#out + 1] = {argv = argv, text = cmd.text}
			end
		end
		if #out == 0 and (x.form == "exec") and x.args then
			return M.commands(x.args)
		end
		return out
	end
	if M.is_node(x) and x.origin ~= nil then
		local out = {}
		local argv = {}
		for _, a in ipairs(x.entrypoint or {}) do
			argv[#argv + 1] = tostring(a)
		end
		for _, a in ipairs(x.command or {}) do
			argv[#argv + 1] = tostring(a)
		end
		for _, cmd in ipairs(M.commands(argv)) do
			out[#out + 1] = cmd
		end
		for _, hook in ipairs(x.lifecycle or {}) do
			for _, cmd in ipairs(M.commands(hook.command)) do
				out[#out + 1] = cmd
			end
		end
		return out
	end
	local argv = to_array(x)
	if #argv == 0 then
		return {}
	end
	local script = shell_script(argv)
	if script then
		return M.split_shell(script)
	end
	return {{argv = argv, text = table.concat(argv, " ")}}
end

-- Wrappers that run another command: how many option words they take.
local wrappers = {
	sudo = true, env = true, exec = true, nohup = true, time = true,
	nice = true, command = true, doas = true, ["su-exec"] = true,
	gosu = true, xargs = true, stdbuf = true, timeout = true,
}

--- argv without leading wrappers (sudo -u x, env A=B, exec, ...):
--- returns the inner argv and the list of wrappers seen.
function M.unwrap(argv)
	local seen = {}
	local k = 1
	while argv[k] ~= nil do
		local prog = basename(argv[k])
		if not wrappers[prog] then
			break
		end
		seen[#seen + 1] = prog
		k = k + 1
		local takes_user = prog == "gosu" or prog == "su-exec"
		if takes_user then
			k = k + 1
		end
		while argv[k] ~= nil do
			local a = argv[k]
			if a:sub(1, 1) == "-" then
				k = k + 1
				if (prog == "sudo" and (a == "-u" or a == "-g")) or
					(prog == "timeout" and false) then
					k = k + 1
				end
			elseif prog == "env" and a:find("=") then
				k = k + 1
			elseif (prog == "timeout" or prog == "nice") and a:match("^%d") then
				k = k + 1
			else
				break
			end
		end
	end
	local out = {}
	for j = k, #argv do
		out[#out + 1] = argv[j]
	end
	return out, seen
end

--- The program a command runs, without wrappers and directories.
function M.program(argv)
	local inner = M.unwrap(argv)
	return inner[1] and basename(inner[1])
end

--- The commands in x (see M.commands) whose program is one of names (a
--- string or a list): list of {argv (unwrapped), text, wrappers, index}.
function M.find_commands(x, names)
	local want = {}
	if type(names) == "string" then
		want[names] = true
	else
		for _, nm in ipairs(names) do
			want[nm] = true
		end
	end
	local out = {}
	for idx, cmd in ipairs(M.commands(x)) do
		local argv, seen = M.unwrap(cmd.argv)
		if argv[1] and want[basename(argv[1])] then
			out[#out + 1] = {argv = argv, text = cmd.text,
				wrappers = seen, index = idx}
		end
	end
	return out
end

-- Package managers: program -> install subcommands.
local installers = {
	["apt-get"] = {install = true},
	apt = {install = true},
	aptitude = {install = true},
	apk = {add = true},
	yum = {install = true, groupinstall = true, localinstall = true},
	dnf = {install = true, groupinstall = true},
	microdnf = {install = true},
	tdnf = {install = true},
	zypper = {install = true, ["in"] = true},
	pacman = {["-S"] = true, ["-Sy"] = true, ["-Syu"] = true},
	pip = {install = true},
	pip3 = {install = true},
	pip2 = {install = true},
	pipx = {install = true},
	npm = {install = true, i = true, add = true},
	yarn = {add = true},
	pnpm = {add = true, install = true, i = true},
	gem = {install = true},
	cargo = {install = true},
	composer = {require = true},
	conda = {install = true},
	mamba = {install = true},
	brew = {install = true},
	["go"] = {install = true, get = true},
}

local manager_family = {
	["apt-get"] = "apt", apt = "apt", aptitude = "apt", apk = "apk",
	yum = "yum", dnf = "dnf", microdnf = "dnf", tdnf = "tdnf",
	zypper = "zypper", pacman = "pacman", pip = "pip", pip3 = "pip",
	pip2 = "pip", pipx = "pip", npm = "npm", yarn = "npm", pnpm = "npm",
	gem = "gem", cargo = "cargo", composer = "composer", conda = "conda",
	mamba = "conda", brew = "brew", ["go"] = "go",
}

-- Subcommands that install what a project file lists (lock files,
-- manifests): the packages are not in the command.
local project_installs = {
	npm = {ci = true, install = true, i = true},
	pnpm = {install = true, i = true},
	yarn = {install = true},
	bundle = {install = true},
	bundler = {install = true},
	composer = {install = true, update = true},
	poetry = {install = true},
	pipenv = {install = true, sync = true},
	uv = {sync = true},
}
for prog, family in pairs({bundle = "gem", bundler = "gem",
	poetry = "pip", pipenv = "pip", uv = "pip"}) do
	manager_family[prog] = family
end

-- Options whose value is the next word (a `--name=value` word is one word
-- anyway), per family: a value is neither a subcommand nor a package.
local value_options = {
	apt = {["-o"] = true, ["--option"] = true, ["-t"] = true,
		["--target-release"] = true, ["-c"] = true, ["--config-file"] = true},
	apk = {["-X"] = true, ["--repository"] = true, ["-p"] = true,
		["--root"] = true, ["--keys-dir"] = true, ["--arch"] = true,
		["--cache-dir"] = true, ["--repositories-file"] = true,
		["-t"] = true, ["--virtual"] = true},
	pip = {["-i"] = true, ["--index-url"] = true, ["--extra-index-url"] = true,
		["-f"] = true, ["--find-links"] = true, ["--trusted-host"] = true,
		["-t"] = true, ["--target"] = true, ["--prefix"] = true,
		["--root"] = true, ["-c"] = true, ["--constraint"] = true,
		["--python"] = true, ["-p"] = true},
	yum = {["-c"] = true, ["--config"] = true, ["--releasever"] = true,
		["--installroot"] = true, ["--setopt"] = true,
		["--enablerepo"] = true, ["--disablerepo"] = true},
	npm = {["--registry"] = true, ["--prefix"] = true, ["-w"] = true,
		["--workspace"] = true},
	zypper = {["-r"] = true, ["--repo"] = true, ["--root"] = true},
	gem = {["-j"] = true, ["--jobs"] = true, ["--path"] = true,
		["--without"] = true, ["--with"] = true, ["--gemfile"] = true,
		["--retry"] = true, ["-v"] = true, ["--version"] = true,
		["-i"] = true, ["--install-dir"] = true, ["--source"] = true},
}
value_options.dnf = value_options.yum
value_options.tdnf = value_options.yum
-- pip's requirement files: packages listed there, not in the command.
local requirement_options = {["-r"] = true, ["--requirement"] = true,
	["-e"] = false}

local function install_of(argv)
	local prog = argv[1] and basename(argv[1])
	local offset = 1
	-- python -m pip install ...
	if prog and prog:match("^python[%d.]*$") and argv[2] == "-m" and argv[3] then
		prog = basename(argv[3])
		offset = 3
	end
	-- uv pip install ...
	if prog == "uv" and argv[offset + 1] == "pip" then
		prog = "pip"
		offset = offset + 1
	end
	local subs = prog and installers[prog]
	local projects = prog and project_installs[prog]
	if not subs and not projects then
		return nil
	end
	subs = subs or {}
	local takes = value_options[manager_family[prog]] or {}
	local k = offset + 1
	-- Bare `yarn` installs the project's dependencies.
	if prog == "yarn" and argv[k] == nil then
		return {manager = prog, family = "npm", subcommand = "install",
			packages = {}, from_project = true,
			packages_unknown = true}
	end
	while argv[k] ~= nil do
		local a = argv[k]
		if subs[a] or (projects and projects[a]) then
			local pkgs, files = {}, {}
			local j = k + 1
			while argv[j] ~= nil do
				local b = argv[j]
				if requirement_options[b] and argv[j + 1] then
					files[#files + 1] = argv[j + 1]
					j = j + 1
				elseif b:match("^%-%-requirement=") then
					files[#files + 1] = b:match("=(.*)")
				elseif takes[b] then
					j = j + 1
				elseif b:sub(1, 1) ~= "-" then
					pkgs[#pkgs + 1] = b
				end
				j = j + 1
			end
			local inst = {manager = prog, family = manager_family[prog],
				subcommand = a, packages = pkgs}
			if #files > 0 then
				-- Packages listed in files: the list is not known.
				inst.files = files
				inst.packages_unknown = true
			elseif #pkgs == 0 and projects and projects[a] then
				inst.from_project = true
				inst.packages_unknown = true
			end
			return inst
		end
		if takes[a] then
			k = k + 1
		elseif a:sub(1, 1) ~= "-" and prog ~= "pacman" then
			return nil
		end
		k = k + 1
	end
	return nil
end

--- Package installs in x (see M.commands): list of {manager, family,
--- subcommand, packages, argv, text, wrappers, packages_unknown, files,
--- from_project}. Recognises apt-get, apt, apk, yum, dnf, microdnf, tdnf,
--- zypper, pacman, pip/pip3 (and python -m pip, uv pip), pipx, npm, yarn,
--- pnpm, gem, cargo, composer, conda, brew, go; installs of a project's
--- dependencies (npm ci/install, yarn install, bundle install, composer
--- install, poetry install, pipenv install, uv sync) with from_project and
--- no packages; `pip install -r FILE` lists FILE in files. Option values
--- (`apt-get -o Acquire::Retries=3`, `apk add --repository URL`, `pip
--- install --index-url URL`) are not packages. packages_unknown: the
--- packages are in a file the command reads.
local manager_names = {}
for name in pairs(installers) do
	manager_names[#manager_names + 1] = name
end
for name in pairs(project_installs) do
	if not installers[name] then
		manager_names[#manager_names + 1] = name
	end
end
manager_names[#manager_names + 1] = "python"
table.sort(manager_names)

-- True when some manager's name occurs in the text of x: a cheap test
-- before splitting commands (most commands install nothing).
local function mentions_manager(x)
	local text
	if type(x) == "string" then
		text = x
	elseif M.is_node(x) and (x.keyword ~= nil or x.origin ~= nil) then
		return true
	else
		local parts = {}
		for _, a in ipairs(x) do
			parts[#parts + 1] = tostring(a)
		end
		text = table.concat(parts, " ")
	end
	for _, name in ipairs(manager_names) do
		if text:find(name, 1, true) then
			return true
		end
	end
	return false
end

function M.package_installs(x)
	local out = {}
	if x == nil or not mentions_manager(x) then
		return out
	end
	for _, cmd in ipairs(M.commands(x)) do
		local argv, seen = M.unwrap(cmd.argv)
		local inst = install_of(argv)
		if inst then
			inst.argv, inst.text, inst.wrappers = argv, cmd.text, seen
			out[#out + 1] = inst
		end
	end
	return out
end

-- Project policies: whether a label selector ({match_labels,
-- match_expressions}, as the project index gives it) selects a set of
-- labels, by Kubernetes' rules: every matchLabels pair equal and every
-- expression true (In, NotIn, Exists, DoesNotExist; another operator
-- selects nothing). An empty selector selects everything; nil selects
-- nothing.
function M.selects(selector, labels)
	if selector == nil then
		return false
	end
	labels = labels or {}
	for k, v in pairs(selector.match_labels or {}) do
		if labels[k] ~= v then
			return false
		end
	end
	for _, x in ipairs(selector.match_expressions or {}) do
		local value = x.key ~= nil and labels[x.key] or nil
		local listed = false
		for _, v in ipairs(x.values or {}) do
			listed = listed or v == value
		end
		local op = x.operator
		local ok = (op == "In" and listed)
			or (op == "NotIn" and not listed)
			or (op == "Exists" and value ~= nil)
			or (op == "DoesNotExist" and value == nil)
		if not ok then
			return false
		end
	end
	return true
end

-- Project policies: the Dockerfiles of the project (project.dockerfiles)
-- that build an image reference, where the names say so: the image's
-- last repository component (`ghcr.io/acme/api:1.2` -> `api`) names the
-- Dockerfile's folder (`api/Dockerfile`, `services/api/Dockerfile`) or
-- its suffix (`Dockerfile.api`, `api.Dockerfile`). A list, best first
-- (the folder before the suffix); empty when nothing matches. A guess by
-- name, not a proof: use it to point a finding at the likely Dockerfile.
function M.dockerfiles_for(project, image)
	local ref = type(image) == "table" and image or M.parse_image(image)
	local name = ref.repository and basename(ref.repository)
	if name == nil or name == "" or ref.variable then
		return {}
	end
	name = name:lower()
	local by_folder, by_suffix = {}, {}
	for _, d in ipairs(project.dockerfiles or {}) do
		local path = tostring(d.path):lower()
		local folder = path:match("([^/]+)/[^/]+$")
		local file = basename(path)
		if folder == name then
			by_folder[#by_folder + 1] = d
		elseif file == "dockerfile." .. name or file == name .. ".dockerfile"
			or file == "dockerfile-" .. name
			or file == "dockerfile_" .. name then
			by_suffix[#by_suffix + 1] = d
		end
	end
	for _, d in ipairs(by_suffix) do
		by_folder[#by_folder + 1] = d
	end
	return by_folder
end

-- The namespace of a Kubernetes object of the project index: as written,
-- else "default" (where kubectl puts an object without one).
function M.namespace(object)
	return object.namespace or "default"
end

------------------------------------------------------------------------
-- Images and workloads
------------------------------------------------------------------------

--- Whether an image reference (the model's image map, or what
--- p.parse_image returns) floats: "latest" for the `latest` tag,
--- "untagged" when no tag is written (the runtime then pulls `latest`),
--- nil when a digest or another tag pins it, or when a variable decides.
function M.floating_tag(image)
	if image == nil or image.text == nil or image.digest ~= nil then
		return nil
	end
	if tostring(image.text):find("$", 1, true) or image.tag == "" then
		return nil
	end
	if image.tag == nil then
		return "untagged"
	end
	return image.tag == "latest" and "latest" or nil
end

-- Kinds whose pods run to completion: Kubernetes' own batch kinds and the
-- custom resources of Argo Workflows, Tekton, KEDA, Kubeflow and Ray.
local batch_kinds = {
	Job = true, CronJob = true, ScaledJob = true, Workflow = true,
	WorkflowTemplate = true, ClusterWorkflowTemplate = true,
	CronWorkflow = true, Task = true, ClusterTask = true, TaskRun = true,
	Pipeline = true, PipelineRun = true, JobSet = true,
	SparkApplication = true, ScheduledSparkApplication = true,
}

--- True when a Kubernetes container belongs to a pod that runs to
--- completion rather than serving: a batch kind (Job, CronJob, Argo
--- Workflows, Tekton, KEDA ScaledJob, any kind whose name ends in `Job`),
--- or a pod whose `restartPolicy` is `Never` or `OnFailure`.
function M.runs_to_completion(c)
	local kind = c.workload ~= nil and c.workload.kind or nil
	if kind ~= nil and (batch_kinds[kind] or kind:find("Job$")) then
		return true
	end
	local pod = c.pod ~= nil and c.pod.source or nil
	local restart = pod ~= nil and pod.restartPolicy or nil
	return restart == "Never" or restart == "OnFailure"
end

--- True for a container record that is only part of one, to be merged
--- into a base this file does not hold: a Compose service with neither
--- `image:` nor `build:` (nor one inherited through `extends`), as in an
--- override file scanned without its base; a Kubernetes container with no
--- `image:`, as in a kustomize patch. What it leaves out is written
--- elsewhere, so "missing" findings do not apply to it.
function M.partial(c)
	if c.origin == "compose" then
		return c.image == nil and (c.source == nil or c.source.build == nil)
	end
	return c.origin == "kubernetes" and c.image == nil
end

--- Whether c's `resources.<section>.<name>` is written (section "limits"
--- or "requests", name "cpu" or "memory"): Kubernetes `resources`,
--- Compose `deploy.resources`, `cpus`, `mem_limit`..., or a Tekton
--- step's `computeResources`. A written value that does not parse counts.
function M.resource_written(c, section, name)
	local model = c.resources ~= nil and c.resources[section]
	if model ~= nil and M.meta(model, name).present then
		return true
	end
	local compute = c.source ~= nil and c.source.computeResources
	local part = M.is_node(compute) and compute[section]
	return M.is_node(part) and part[name] ~= nil
end

------------------------------------------------------------------------
-- Settings and comments
------------------------------------------------------------------------

--- The value of the running policy's setting `name`, as declared in its
--- `settings` (the default, or what `--set RULE.NAME=VALUE` gave): a
--- string, an integer, a boolean or a list of strings (a fresh table).
--- Raises when the policy declares no such setting.
function M.setting(name)
	return native.setting(name)
end

--- The comments of the scanned file (not of the files it pulled in): a
--- list of {line, text} in line order; text is what follows the `#`.
function M.comments(doc)
	return native.comments()
end

--- The comment that documents node (or node[field]): the one on its
--- first line, else the one on the line above. Returns text and line, or
--- nil. Only comments of the scanned file count: a node written in
--- another file (a Compose override) has none.
function M.comment_near(node, field)
	local s = native.span(node, field)
	if s.source ~= 1 then
		return nil
	end
	for _, line in ipairs({s.start_line, s.start_line - 1}) do
		local text = native.comment(line)
		if text ~= nil then
			return text, line
		end
	end
	return nil
end

--- True when text matches the glob pattern: `*` stands for any run of
--- characters, everything else for itself.
function M.glob(text, pattern)
	local parts = {}
	for piece in (pattern .. "*"):gmatch("(.-)%*") do
		parts[#parts + 1] = piece
	end
	if #parts == 1 then
		return text == pattern
	end
	local first, last = parts[1], parts[#parts]
	if #text < #first + #last or text:sub(1, #first) ~= first or
		(last ~= "" and text:sub(-#last) ~= last) then
		return false
	end
	local pos, stop = #first + 1, #text - #last
	for i = 2, #parts - 1 do
		local s, e = text:find(parts[i], pos, true)
		if s == nil or e > stop then
			return false
		end
		pos = e + 1
	end
	return true
end

return M

-- plimsoll.lua - the helper library policies get with require("plimsoll").
--
-- Runs in the host's trusted environment; receives the native helpers as
-- its argument. Everything it returns is frozen (read only) by the host.
-- Functions never keep state between calls and return fresh tables.
local native = ...
local byte, find = string.byte, string.find

local M = {}

M.version = "1"

------------------------------------------------------------------------
-- Model nodes
------------------------------------------------------------------------

--- True when v is a model node (a map or sequence proxy).
local is_node = native.is_node
M.is_node = is_node

-- fn(s), its answers for strings kept in a bounded table (all forgotten
-- at once past 4096): the names and paths helpers are asked about come
-- back file after file.
local function kept_by_string(fn)
	local known, count = {}, 0
	return function(s)
		local answer = known[s]
		if answer ~= nil then
			return answer
		end
		answer = fn(s)
		if type(s) == "string" then
			if count == 4096 then
				known, count = {}, 0
			end
			known[s] = answer
			count = count + 1
		end
		return answer
	end
end

------------------------------------------------------------------------
-- Results shared between policies
------------------------------------------------------------------------

-- Some answers (a RUN's commands and pipes, a command's package installs)
-- are worked out once per document and kept for the next policy that
-- asks. A built-in policy is handed the kept tables themselves: it
-- promises not to change them, and PLIMSOLL_VERIFY_SHARED makes every
-- kept table checked unchanged before it is handed out again (the test
-- of that promise, tests/policies/check_shared_results.py). Any other
-- policy gets a copy it may change, or the answer worked out afresh.

-- A text that is the same for two tables exactly when they hold the
-- same keys and values, tables inside compared the same way (shared
-- ones and cycles by their order of first meeting).
local function serialize(v, ids, out)
	if type(v) ~= "table" then
		out[#out + 1] = type(v) == "string" and ("%q"):format(v) or
			tostring(v)
		return
	end
	if ids[v] then
		out[#out + 1] = "@" .. ids[v]
		return
	end
	ids.n = ids.n + 1
	ids[v] = ids.n
	local keys = {}
	for k in next, v do
		keys[#keys + 1] = k
	end
	table.sort(keys, function(a, b)
		local ta, tb = type(a), type(b)
		if ta ~= tb then
			return ta < tb
		elseif ta == "number" or ta == "string" then
			return a < b
		end
		return tostring(a) < tostring(b)
	end)
	out[#out + 1] = "{"
	for _, k in ipairs(keys) do
		serialize(k, ids, out)
		out[#out + 1] = "="
		serialize(v[k], ids, out)
		out[#out + 1] = ","
	end
	out[#out + 1] = "}"
end

local function snapshot(v)
	local out = {}
	serialize(v, {n = 0}, out)
	return table.concat(out)
end

-- The text of each kept table when it was first handed out (verify mode
-- only).
local made_as = setmetatable({}, {__mode = "k"})

-- The argv lists of the kept commands: p.package_installs keeps its
-- answers for these (other tables may change between two calls).
local kept_words = setmetatable({}, {__mode = "k"})

-- value, a kept answer of p.<helper>, as the running policy may be handed
-- it; raises when a policy has changed it since it was first handed out.
local function handed(value, sharing, helper)
	if sharing ~= "verify" then
		return value
	end
	local now = snapshot(value)
	if made_as[value] == nil then
		made_as[value] = now
	elseif now ~= made_as[value] then
		error(("a policy changed a table p.%s shares; built-in policies "
			.. "must not change what the helpers hand them"):format(helper),
			3)
	end
	return value
end

-- A command table placed in the file (see M.commands), asked about as a
-- whole: its own line and source stand for its span.
local function placed_table(node, field)
	return type(node) == "table" and node.line ~= nil and field == nil
end

--- The display position of node, or of its field: {path, source,
--- start_line, start_column, end_line, end_column}. A field that was not
--- written gives the container's declaration.
function M.span(node, field)
	if placed_table(node, field) then
		return {path = node.path, source = node.source or 1,
			start_line = node.line, start_column = node.column or 1,
			end_line = node.end_line or node.line,
			end_column = node.end_column or node.column or 1}
	end
	return native.span(node, field)
end

--- What is known about node[field]: {present, implicit, interpolated,
--- inherited, quoted, kind, tag, text}.
function M.meta(node, field)
	return native.meta(node, field)
end

--- True the first time the place of node[field] (its span) is met in the
-- table `seen`, false after: one finding for a value that several records
-- share, such as a pod-level setting every container of the pod inherits.
function M.first_at(seen, node, field)
	local s = native.span(node, field)
	local key = ("%s:%d:%d"):format(s.path, s.start_line, s.start_column)
	if seen[key] then
		return false
	end
	seen[key] = true
	return true
end

-- True when a container's security profile (`field`: "seccomp" or
-- "apparmor") is written and its type is `unconfined`, in any case.
function M.unconfined(c, field)
	local v = c[field]
	return is_node(v) and type(v.type) == "string" and
		v.type:lower() == "unconfined"
end

-- An edit for report()'s extra.edits that sets `keys` (a list, from the
-- mapping of a Compose service or Kubernetes container down) to `value`
-- (YAML text): the written scalar replaced, or the missing keys added as
-- lines at the mapping's indentation; nil where no sound edit exists
-- (flow style, a value that is a mapping, another file). The edit names
-- its source: p.edits_for keeps it only for a finding in that file.
function M.edit_set(c, keys, value)
	return native.edit_set(c, keys, value)
end

-- `edits` when every one that names its file (`source`, as p.edit_set's
-- do) names the file node[field] is in, else nil: the edits of a finding
-- must change its own file, and a Compose setting may be written in an
-- override file while the service's mapping is in the base file.
function M.edits_for(node, field, edits)
	if edits == nil then
		return nil
	end
	-- (the source alone, as M.span would give it: no span table made)
	local at = placed_table(node, field) and (node.source or 1) or
		native.span(node, field, "source")
	-- (an index loop: no iterator call per item; it stops where ipairs
	-- would, at the first nil)
	local i, e = 1, edits[1]
	while e ~= nil do
		if e.source ~= nil and e.source ~= at then
			return nil
		end
		i = i + 1
		e = edits[i]
	end
	return edits
end

-- An edit for report()'s extra.edits that puts the words of `text` right
-- after the first word of a command of instruction `ins` (a model command
-- node) that is `word`: as ` -y` in shell form, as `, "-y"` in an exec
-- form's JSON; nil when no word is.
function M.edit_after_word(ins, cmd, word, text)
	local argv = is_node(cmd) and cmd.argv
	if not is_node(argv) then
		return nil
	end
	if ins.form == "exec" then
		local words = {}
		for w in text:gmatch("%S+") do
			words[#words + 1] = ', "' .. w .. '"'
		end
		text = table.concat(words)
	end
	for i = 1, #argv do
		if argv[i] == word then
			return {node = argv, field = i, at = "after", text = text}
		end
	end
	return nil
end

-- True when `text` occurs anywhere in the scanned file (or a file it
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
	if type(v) ~= "table" and not is_node(v) then
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
	local i, item = 1, list[1]
	while item ~= nil do
		if item == value or (nocase and type(item) == "string" and
			item:lower() == value) then
			return true
		end
		i = i + 1
		item = list[i]
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

-- The container records of a document's containers node, all of them
-- (key false) and by string filter: most policies iterate them, and
-- reading a record's fields is a call into the host each time. Forgotten
-- with the document (weak keys).
local records = setmetatable({}, {__mode = "k"})

local function container_list(list, filter)
	local by_filter = records[list]
	if by_filter == nil then
		local all = {}
		for i, c in ipairs(list) do
			all[i] = c
		end
		by_filter = {[false] = all}
		records[list] = by_filter
	end
	local out = by_filter[filter or false]
	if out == nil then
		out = {}
		local all = by_filter[false]
		for k = 1, #all do
			local c = all[k]
			if matches(c, filter) then
				out[#out + 1] = c
			end
		end
		by_filter[filter or false] = out
	end
	return out
end

--- Iterates the container records of doc: `for c in p.containers(doc) do`.
--- filter: an origin ("compose"), a role ("init"), a workload kind
--- ("Deployment"), a table of field values, or a predicate.
function M.containers(doc, filter)
	local list = doc.containers
	local i = 0
	if (filter == nil or type(filter) == "string") and is_node(list) then
		local known = container_list(list, filter)
		return function()
			i = i + 1
			return known[i]
		end
	end
	-- another filter: tried on each record as it comes, the records
	-- themselves read once per document when they are the model's
	local all = is_node(list) and container_list(list, nil) or list
	return function()
		while true do
			i = i + 1
			local c = all[i]
			if c == nil then
				return nil
			end
			if matches(c, filter) then
				return c
			end
		end
	end
end

-- The answers of M.describe and M.is_fragment for container records of
-- the model (weak keys: forgotten with the document). About twenty
-- policies ask about every container, and each asks for a finding's
-- wording; a record is read-only, so its answer cannot change. Answers
-- for plain tables are not kept: the caller may change them.
local described = setmetatable({}, {__mode = "k"})
local fragment_of = setmetatable({}, {__mode = "k"})

local function describe(c)
	if c.origin == "dockerfile" then
		return "the image"
	elseif c.origin == "compose" then
		return ("service %q"):format(tostring(c.name))
	elseif c.origin == "command" then
		local w = c.workload or {}
		return ("%s %s %q"):format(tostring(w.kind or "docker"),
			c.role == "compose-run" and "compose run" or "run",
			tostring(c.name))
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

--- How a message names a container: `the image` (Dockerfile),
--- `service "web"` (Compose), `init container "migrate"`, `container
--- "app"` (Kubernetes).
function M.describe(c)
	local known = described[c]
	if known ~= nil then
		return known
	end
	local d = describe(c)
	if is_node(c) then
		described[c] = d
	end
	return d
end

local function is_fragment(doc, c)
	if c.origin == "kubernetes" or c.origin == "command" then
		-- a command without an image: `docker compose run SERVICE`,
		-- whose settings are the Compose file's
		return c.image == nil
	end
	if c.origin ~= "compose" or c.image ~= nil or c.build ~= nil then
		return false
	end
	local written = false
	local ok = pcall(function()
		for _, d in ipairs(doc.tree or {}) do
			local services = is_node(d) and d.services
			local s = is_node(services) and services[c.name]
			if is_node(s) and (s.image ~= nil or s.build ~= nil or
				s.extends ~= nil) then
				written = true
			end
		end
	end)
	return ok and not written
end

--- True for a container record that is only a fragment of one (see
--- M.partial): a Compose service that names neither an image nor a build
--- (nor `extends`, in the file as written), as in an override file
--- scanned without its base; a Kubernetes container with no image, as in
--- a kustomize patch. What it leaves out is written elsewhere, so
--- container policies do not judge it alone. Unlike M.partial, a Compose
--- service whose `extends` was not followed (past a limit) is no fragment.
function M.is_fragment(doc, c)
	local known = fragment_of[c]
	if known ~= nil then
		return known
	end
	local f = is_fragment(doc, c)
	if is_node(c) and is_node(doc.tree) then
		fragment_of[c] = f
	end
	return f
end

-- The instructions of a Dockerfile's tree as M.instructions yields them,
-- in triples (instruction, stage, ONBUILD or nil), by keyword in upper
-- case (false: all): most Dockerfile policies walk the same file's
-- instructions, each asking for its own keyword, and each field read of
-- a model node is a call into the host, so a tree's lists are all made
-- in one walk, the first time any is asked for. Kept by the tree's node
-- (read-only, unique to its document), and forgotten with it: the keys
-- are weak.
local yielded = setmetatable({}, {__mode = "k"})

-- The list of one keyword (made empty the first time it is added to).
local function add(lists, key, a, b, c)
	local list = lists[key]
	if list == nil then
		list = {}
		lists[key] = list
	end
	local n = #list
	list[n + 1], list[n + 2], list[n + 3] = a, b, c
	-- #list counts to the last non-nil slot: keep the third filled.
	if c == nil then
		list[n + 3] = false
	end
end

-- What one walk of tree gives: {lists, stages, of_stage}: the lists of
-- every keyword; the stages in order; and by stage, its instructions
-- and their keywords in upper case (false when none), as two lists.
-- `ONBUILD RUN ...` runs in every image built FROM this one: its trigger
-- is a RUN of its own, yielded with the ONBUILD instruction as its third
-- value (and the ONBUILD instruction itself under ONBUILD).
local function instruction_lists(tree)
	local lists = {[false] = {}}
	local stages, of_stage = {}, {}
	for _, stage in ipairs(tree.stages or {}) do
		stages[#stages + 1] = stage
		local own, keywords = {}, {}
		of_stage[stage] = {own, keywords}
		for _, ins in ipairs(stage.instructions or {}) do
			local kw = ins.keyword
			local upper = kw ~= nil and kw:upper() or false
			own[#own + 1], keywords[#keywords + 1] = ins, upper
			add(lists, false, ins, stage, nil)
			if upper == "ONBUILD" then
				add(lists, upper, ins, stage, nil)
				local trigger = ins.instruction
				local tk = trigger and trigger.keyword
				if tk ~= nil then
					add(lists, tk:upper(), trigger, stage, ins)
				end
			elseif upper then
				add(lists, upper, ins, stage, nil)
			end
		end
	end
	return {lists = lists, stages = stages, of_stage = of_stage}
end

-- The walk of a document's tree: kept for a model node, made again for
-- a table.
local function tree_walk(tree)
	if not is_node(tree) then
		return instruction_lists(tree)
	end
	local walk = yielded[tree]
	if walk == nil then
		-- the same walk in one native call (nothing where the walk here
		-- would raise, on a shape the parser never makes: it then does)
		walk = native.instruction_walk(tree) or instruction_lists(tree)
		yielded[tree] = walk
	end
	return walk
end

local no_instructions = {}

--- Iterates the Dockerfile stages: `for stage in p.stages(doc) do`.
function M.stages(doc)
	local tree = doc.kind == "dockerfile" and doc.tree or nil
	-- a model's from the walk; a table's read as it is
	local stages = tree ~= nil and (is_node(tree) and tree_walk(tree).stages
		or tree.stages) or no_instructions
	local i = 0
	return function()
		i = i + 1
		return stages[i]
	end
end

--- The instructions of a Dockerfile stage, in order, and their keywords
--- in upper case (false when none), as two lists: `local list, keywords
--- = p.stage_instructions(doc, stage)`. Read from the model once per
--- document, with every other instruction list.
function M.stage_instructions(doc, stage)
	local tree = doc.kind == "dockerfile" and doc.tree or nil
	local kept = tree ~= nil and tree_walk(tree).of_stage[stage]
	if kept then
		local list, keywords = kept[1], kept[2]
		local sharing = native.sharing()
		if sharing then
			return handed(list, sharing, "stage_instructions"),
				handed(keywords, sharing, "stage_instructions")
		end
		return table.move(list, 1, #list, 1, {}),
			table.move(keywords, 1, #keywords, 1, {})
	end
	local list, keywords = {}, {}
	for i, ins in ipairs(stage.instructions or {}) do
		local kw = ins.keyword
		list[i], keywords[i] = ins, kw ~= nil and kw:upper() or false
	end
	return list, keywords
end

--- Iterates Dockerfile instructions, optionally of one keyword (any
--- case): `for ins, stage, onbuild in p.instructions(doc, "RUN") do`.
--- With a keyword, the trigger of `ONBUILD <keyword> ...` is yielded too,
--- with its ONBUILD instruction as the third value (nil otherwise).
function M.instructions(doc, keyword)
	keyword = keyword and keyword:upper() or false
	local tree = doc.kind == "dockerfile" and doc.tree or nil
	local list = tree ~= nil and tree_walk(tree).lists[keyword] or
		no_instructions
	local i = -2
	return function()
		i = i + 3
		local ins = list[i]
		if ins ~= nil then
			return ins, list[i + 1], list[i + 2] or nil
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
-- Secrets
------------------------------------------------------------------------

-- Words of a variable name that say it holds a secret.
local secret_words = {
	PASSWORD = true, PASSWD = true, PASS = true, SECRET = true,
	SECRETS = true, TOKEN = true, APIKEY = true, PRIVATEKEY = true,
	PASSPHRASE = true,
}
-- Second words that make KEY a secret: API_KEY, ACCESS_KEY, SECRET_KEY...
local key_words = {API = true, ACCESS = true, PRIVATE = true, SECRET = true,
	AUTH = true, ENCRYPTION = true, SIGNING = true, MASTER = true,
	LICENSE = true, CLIENT = true, APP = true, SERVICE = true}
-- Last words that make the name about a secret, not the secret itself.
local not_secret_last = {
	FILE = true, PATH = true, DIR = true, URL = true, URI = true,
	ENDPOINT = true, HOST = true, PORT = true, NAME = true, ID = true,
	LENGTH = true, LEN = true, SIZE = true, TTL = true, EXPIRY = true,
	EXPIRES = true, EXPIRATION = true, TIMEOUT = true, TYPE = true,
	HEADER = true, FIELD = true, PARAM = true, ENABLED = true,
	ENABLE = true, REQUIRED = true, VERSION = true, ALGORITHM = true,
	ALG = true, REF = true, MOUNT = true, USER = true, USERNAME = true,
	LOCATION = true, REGION = true, ISSUER = true, AUDIENCE = true,
	SCOPE = true, SCOPES = true, PREFIX = true, METHOD = true,
	POLICY = true, KEY_ID = true, STORE = true, PROVIDER = true,
	MODE = true, FORMAT = true, LIFETIME = true, DURATION = true,
	COUNT = true, MIN = true, MAX = true, HASH = true, SOURCE = true,
	KIND = true, STRATEGY = true, CREDENTIALS = true, CREDS = true,
}

local function is_secret_name(name)
	if type(name) ~= "string" or name == "" then
		return false
	end
	-- camelCase to words, then split on anything but letters and digits.
	local spaced = name:gsub("(%l)(%u)", "%1_%2"):upper()
	local words = {}
	for w in spaced:gmatch("[%u%d]+") do
		words[#words + 1] = w
	end
	local last = words[#words]
	if last == nil or not_secret_last[last] then
		return false
	end
	for i = 1, #words do
		local w = words[i]
		if w == "PUBLIC" then
			return false
		end
		if secret_words[w] then
			return true
		end
		if w == "KEY" and i > 1 and key_words[words[i - 1]] then
			return true
		end
	end
	return false
end

--- Whether an environment or build variable's name says it holds a
--- secret (DB_PASSWORD, API_KEY, GITHUB_TOKEN, aws_secret_access_key,
--- clientSecret), and not something about one (PASSWORD_FILE,
--- TOKEN_URL, SECRET_NAME, PUBLIC_KEY, ACCESS_KEY_ID).
--- (Its answers kept by name: the same variable names, PASSWORD and
--- DB_HOST, come back file after file, and two policies ask about each.)
M.is_secret_name = kept_by_string(is_secret_name)

--- Whether a value looks like a literal secret rather than a reference,
--- a switch or a path: not empty, no `$`, not a boolean or a number, not
--- a path or a URL without credentials.
function M.is_literal_secret(value)
	if value == nil then
		return false
	end
	local v = tostring(value)
	-- Placeholders such as `_` or `-`: no letter or digit, or too short.
	if #v < 3 or v:find("$", 1, true) or not v:find("%w") then
		return false
	end
	local low = v:lower()
	if low == "true" or low == "false" or low == "yes" or low == "no" or
		low == "on" or low == "off" or low == "null" or low == "none" or
		low:match("^%-?%d+$") then
		return false
	end
	if v:sub(1, 1) == "/" or v:sub(1, 2) == "./" then
		return false
	end
	if v:find("^%a[%w+.-]*://") and not v:find("^%a[%w+.-]*://[^/@]+@") then
		return false
	end
	return true
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
-- What images run as
------------------------------------------------------------------------

--- Images known to run as a non-root user when nothing overrides it (a
--- small list, maintained by hand; `*` is any run of characters). The
--- default of the policies' `non_root_images` setting.
M.non_root_images = {
	"gcr.io/distroless/*:nonroot", "gcr.io/distroless/*:*-nonroot",
	"cgr.dev/chainguard/*", "mcr.microsoft.com/windows/nanoserver*",
	"mcr.microsoft.com/mssql/server*", "elasticsearch:*", "kibana:*",
	"logstash:*", "solr:*", "sonarqube:*", "haproxy:*",
	"docker.elastic.co/*", "grafana/grafana*", "grafana/loki*",
	"prom/prometheus*", "prom/alertmanager*", "prom/node-exporter*",
	"quay.io/prometheus/*", "quay.io/keycloak/keycloak*", "bitnami/*",
	"nginxinc/nginx-unprivileged*", "jenkins/jenkins*",
	"sonatype/nexus3*", "confluentinc/cp-*", "confluentinc/ksqldb-*",
	"openzipkin/*", "otel/opentelemetry-collector*",
	"debezium/connect*", "debezium/server*", "quay.io/debezium/connect*",
	"quay.io/debezium/server*", "jaegertracing/all-in-one*",
}

--- Images known to start as root beyond Docker's official ones (checked
--- first). The default of the policies' `root_images` setting.
M.root_images = {
	"cgr.dev/chainguard/wolfi-base*", "bitnami/minideb*",
	"portainer/portainer*", "containrrr/watchtower*", "gitlab/gitlab-ce*",
	"gitlab/gitlab-runner*",
}

-- Docker's official images that set no USER: they start as root (many
-- step down to a service user in their entrypoint, after starting as
-- root). Official images that set a USER are in M.non_root_images.
local official_root = {}
for name in ([[
adminer almalinux alpine amazoncorretto amazonlinux arangodb archlinux
backdrop bash bonita buildpack-deps busybox caddy cassandra centos
chronograf clearlinux clojure composer convertigo couchbase couchdb crate
debian docker drupal eclipse-mosquitto eclipse-temurin eggdrop elixir emqx
erlang fedora flink fluentd friendica gcc geonetwork ghost golang gradle
groovy haskell hello-world httpd hylang ibmjava influxdb irssi jetty joomla
julia kapacitor kong lightstreamer mariadb matomo maven mediawiki memcached
mongo mongo-express monica mysql nats neo4j nextcloud nginx node odoo
openjdk oraclelinux orientdb percona perl photon php phpmyadmin postfixadmin
postgres pypy python rabbitmq redis redmine registry rethinkdb rocket.chat
rockylinux ruby rust spiped storm swift telegraf tomcat tomee traefik ubuntu
unit varnish wordpress xwiki yourls znc zookeeper
]]):gmatch("%S+") do
	official_root[name] = true
end

-- The names an image goes by, for matching a pattern: as written, and
-- with and without its registry and tag ("nginx:1.27",
-- "docker.io/nginx:1.27", "docker.io/nginx", "nginx").
local function image_names(image)
	local names = {image.text}
	local repo, tag = image.repository, image.tag
	if repo ~= nil then
		local reg = image.registry
		local tagged = tag and (repo .. ":" .. tag) or repo
		if reg ~= nil then
			names[#names + 1] = reg .. "/" .. tagged
			names[#names + 1] = reg .. "/" .. repo
		end
		if reg == nil or reg == "docker.io" then
			local short = repo:gsub("^library/", "")
			names[#names + 1] = tag and (short .. ":" .. tag) or short
			names[#names + 1] = short
		end
	end
	return names
end

-- Each pattern with its literal prefix (up to the first `*`), filed by
-- the prefix's first byte (a pattern that starts with `*` in `wild`):
-- a name is only tried against the patterns of its own first byte, and
-- most fail on the prefix, before the cost of a glob.
local function compile(patterns)
	local out = {wild = {}}
	for _, pattern in ipairs(patterns) do
		pattern = tostring(pattern)
		local prefix = pattern:match("^([^*]*)")
		local list = prefix == "" and out.wild or out[byte(prefix, 1)]
		if list == nil then
			list = {}
			out[byte(prefix, 1)] = list
		end
		list[#list + 1] = {pattern = pattern, prefix = prefix}
	end
	return out
end

local function matches_list(name, list)
	for k = 1, #list do
		local c = list[k]
		-- a plain find anchored at 1 makes no substring
		if find(name, c.prefix, 1, true) == 1 and
			M.glob(name, c.pattern) then
			return true
		end
	end
	return false
end

local function matches_any(image, patterns)
	local names = image_names(image)
	for k = 1, #names do
		local name = names[k]
		local own = patterns[byte(name, 1) or 0]
		if (own ~= nil and matches_list(name, own)) or
			matches_list(name, patterns.wild) then
			return true
		end
	end
	return false
end

-- The judges made so far, each {its root list, its non-root list, the
-- judge}, the lists copied, the latest first, at most 32 (a bound for
-- runs of many configurations): policies ask for one per file (settings
-- are read per file, as fresh tables, mostly of the same words, compared
-- in place), and what an image runs as is the same answer from one file
-- to the next, so a judge and its answers serve the whole run.
local judges = {}

local function same_list(kept, list)
	local n = #kept
	if #list ~= n then
		return false
	end
	for i = 1, n do
		if kept[i] ~= list[i] then
			return false
		end
	end
	return true
end

local function copy_list(list)
	return table.move(list, 1, #list, 1, {})
end

--- Returns a function that tells what an image (a container's `image`
--- map) runs as when nothing overrides its user: "root" (root_images,
--- then Docker's official images that set no USER), "non-root"
--- (non_root_images) or nil (unknown, or an image from a variable). The
--- lists default to M.root_images and M.non_root_images; answers are
--- cached per image text, and the same lists give the same function.
function M.image_user_judge(root_images, non_root_images)
	root_images = root_images or M.root_images
	non_root_images = non_root_images or M.non_root_images
	for k = 1, #judges do
		local kept = judges[k]
		if same_list(kept[1], root_images) and
			same_list(kept[2], non_root_images) then
			return kept[3]
		end
	end
	local root = compile(root_images)
	local non_root = compile(non_root_images)
	local cache = {}
	local function judge(image)
		local text = image and image.text
		if text == nil or text == "" or find(text, "$", 1, true) then
			return nil
		end
		local cached = cache[text]
		if cached ~= nil then
			return cached or nil
		end
		local answer = false
		local repo = image.repository or ""
		if matches_any(image, root) then
			answer = "root"
		elseif matches_any(image, non_root) then
			answer = "non-root"
		elseif (image.registry == nil or image.registry == "docker.io") and
			official_root[(repo:gsub("^library/", ""))] then
			answer = "root"
		end
		cache[text] = answer
		return answer or nil
	end
	table.insert(judges, 1,
		{copy_list(root_images), copy_list(non_root_images), judge})
	judges[33] = nil
	return judge
end

------------------------------------------------------------------------
-- Shell commands
------------------------------------------------------------------------

local shells = {
	sh = true, bash = true, ash = true, dash = true, zsh = true,
	ksh = true, busybox = false,
}

-- Basenames already worked out: most policies ask for the basename of
-- every word of every command, and the words repeat (a table read is
-- cheaper than the two library calls; the hottest callers read the table
-- before calling, `base_of[w] or basename(w)`).
local base_of, base_count = {}, 0

local function basename(s)
	local known = base_of[s]
	if known ~= nil then
		return known
	end
	local text = tostring(s)
	local base = text
	if find(text, "/", 1, true) then -- most words: no directory
		base = (text:match("([^/]+)$")) or text
	end
	if s == text then -- a string: kept (a bounded number of them)
		if base_count == 4096 then
			base_of, base_count = {}, 0
		end
		base_of[s] = base
		base_count = base_count + 1
	end
	return base
end
M.basename = basename

-- Words that open or close a compound command: not a program.
local control_words = {
	["if"] = true, ["then"] = true, ["else"] = true, ["elif"] = true,
	fi = true, ["do"] = true, done = true, ["while"] = true,
	["until"] = true, ["!"] = true, ["{"] = true, ["}"] = true,
	time = true,
}

-- Programs that run the command after their own options.
local script_wrappers = {
	exec = true, sudo = true, doas = true, env = true, nohup = true,
	time = true, command = true, nice = true,
}

-- Shell nesting analysed (sh -c 'sh -c ...'), as in the Dockerfile front
-- end.
local MAX_NESTING = 64

-- Follows the words of a command to the script it hands a shell: returns
-- the index in argv of the script word of `sh -c SCRIPT` (after sudo,
-- env, exec..., and `su ... -c SCRIPT`), or nil.
local function script_index(argv)
	local k, n = 1, #argv
	local wrapped = false
	while k <= n do
		local a = argv[k]
		if script_wrappers[a] and not wrapped then
			wrapped = true
		elseif wrapped and a:sub(1, 1) == "-" and #a >= 2 then
			if a == "-u" or a == "-g" or a == "-n" then
				k = k + 1
			end
		elseif wrapped and a:find("=", 1, true) then
			-- env NAME=value
		else
			break
		end
		k = k + 1
	end
	local prog = argv[k] and (base_of[argv[k]] or basename(argv[k]))
	if prog == "su" then
		for j = k + 1, n do
			if argv[j] == "-c" or argv[j] == "--command" then
				return j + 1
			end
		end
		return nil
	end
	if not prog or not shells[prog] then
		return nil
	end
	local j = k + 1
	while j <= n do
		local a = argv[j]
		if a == "-o" or a == "+o" then
			j = j + 1
		elseif a:match("^%-[^-]") then
			if a:find("c", 2, true) then
				return j + 1
			end
			if a:sub(-1) == "o" then
				j = j + 1
			end
		elseif a:sub(1, 2) ~= "--" then
			return nil -- a script file
		end
		j = j + 1
	end
	return nil
end

-- Splits text; `state` is shared by the whole analysis: {pipelines =
-- count handed out, depth}. `map(offset)` maps an offset of text to one
-- of the outermost text (nil: identity). Appends to `cmds`.
local function split_into(cmds, text, nested, map, state)
	local argv, word, start, last = {}, nil, nil, nil
	local quoted = false
	local op_before, pipeline = nil, nil
	local before_newline = nil
	-- While the script of `sh -c` is read: {at, from} pieces mapping its
	-- bytes (at, 1-based in the word) to text (from).
	local pieces, want_script = nil, false
	local script, script_pieces = nil, nil
	local i, n = 1, #text
	local function add(piece, from)
		if pieces then
			pieces[#pieces + 1] = {#(word or "") + 1, from}
		end
		word = (word or "") .. piece
	end
	local function finish_word()
		if word ~= nil then
			if #argv == 0 and not quoted and control_words[word] then
				word = nil
				quoted = false
				return
			end
			if pieces then
				script, script_pieces = word, pieces
				pieces = nil
			end
			argv[#argv + 1] = word
			word = nil
			if #argv > 0 and not script then
				local k = script_index(argv)
				want_script = k == #argv + 1
			end
		end
		quoted = false
	end
	local function to_top(o)
		return map and map(o) or o
	end
	local function finish_cmd(op)
		finish_word()
		local cmd = nil
		if #argv > 0 then
			cmd = {argv = argv,
				text = text:sub(start or 1, last or n),
				first = to_top(start or 1), last = to_top(last or n),
				op_before = op_before, op_after = nil}
			if nested > 0 then
				cmd.nested = nested
			end
			local pipe_after = op == "|" or op == "|&"
			local pipe_before = op_before == "|" or op_before == "|&"
			if pipe_before or pipe_after then
				if not pipeline then
					state.pipelines = state.pipelines + 1
					pipeline = state.pipelines
				end
				cmd.pipeline = pipeline
			end
			if op ~= "\n" then
				cmd.op_after = op
			end
			cmds[#cmds + 1] = cmd
			if not pipe_after then
				pipeline = nil
			end
			if script and #script > 0 then
				if state.depth + 1 < MAX_NESTING then
					local sp = script_pieces
					local function inner_map(o)
						local at, from = 1, 1
						for _, piece in ipairs(sp) do
							if piece[1] > o then
								break
							end
							at, from = piece[1], piece[2]
						end
						return to_top(from + (o - at))
					end
					state.depth = state.depth + 1
					split_into(cmds, script, nested + 1, inner_map,
						state)
					state.depth = state.depth - 1
				end
			end
		end
		argv, start, last, script, want_script = {}, nil, nil, nil, false
		op_before = nil
		return cmd
	end
	local function operator(op)
		local cmd = finish_cmd(op)
		if op == "\n" then
			if cmd then
				before_newline = cmd
				op_before = "\n"
			end
		else
			before_newline = nil
			op_before = op
		end
		if op == nil then
			op_before = nil
			pipeline = nil
		end
	end
	local function begin(at)
		if start == nil then
			start = at
			if op_before == "\n" and before_newline then
				before_newline.op_after = "\n"
			end
			before_newline = nil
		end
		if want_script and word == nil and pieces == nil then
			pieces = {}
		end
	end
	while i <= n do
		local c = text:sub(i, i)
		if c == "\\" then
			local d = text:sub(i + 1, i + 1)
			if d == "\n" then
				i = i + 2
			else
				begin(i)
				add(d, i + 1)
				quoted = true
				last = i + 1
				i = i + 2
			end
		elseif c == "'" then
			begin(i)
			local j = text:find("'", i + 1, true) or n + 1
			add(text:sub(i + 1, j - 1), i + 1)
			quoted = true
			last = math.min(j, n)
			i = j + 1
		elseif c == '"' then
			begin(i)
			local j = i + 1
			quoted = true
			word = word or ""
			while j <= n do
				local d = text:sub(j, j)
				if d == "\\" and j < n and
					("\"\\$`\n"):find(text:sub(j + 1, j + 1), 1, true) then
					if text:sub(j + 1, j + 1) ~= "\n" then
						add(text:sub(j + 1, j + 1), j + 1)
					end
					j = j + 2
				elseif d == '"' then
					break
				else
					local k = text:find('[\\"]', j + 1) or n + 1
					add(text:sub(j, k - 1), j)
					j = k
				end
			end
			last = math.min(j, n)
			i = j + 1
		elseif c == "#" and word == nil then
			local j = text:find("\n", i, true) or n + 1
			i = j
		elseif c == "$" and text:sub(i + 1, i + 1) == "(" and
			text:sub(i + 2, i + 2) ~= "(" then
			operator(nil)
			i = i + 2
		elseif c == "&" or c == "|" or c == ";" or c == "\n" or
			c == "(" or c == ")" or c == "`" then
			local d = text:sub(i + 1, i + 1)
			local op = c
			if (c == "&" or c == "|") and d == c then
				op = c .. c
			elseif c == "|" and d == "&" then
				op = "|&"
			elseif c == ";" and (d == ";" or d == "&") then
				op = nil -- the end of a case arm
			elseif c == "(" or c == ")" or c == "`" then
				op = nil
			end
			operator(op)
			i = i + (op and #op or 1)
			if c == ";" and op == nil then
				i = i + 1
			end
		elseif c == " " or c == "\t" or c == "\r" or c == "\f" or
			c == "\v" then
			finish_word()
			i = i + 1
		else
			-- A run of ordinary characters at once.
			begin(i)
			local j = text:find("[%s\\'\"#$&|;()`]", i + 1) or n + 1
			if c == "$" and text:sub(i + 1, i + 1) == "{" then
				j = (text:find("}", i + 2, true) or n) + 1
			end
			add(text:sub(i, j - 1), i)
			last = j - 1
			i = j
		end
	end
	finish_cmd(nil)
end

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

-- Host paths that give a container the host: its configuration and
-- credentials, kernel interfaces, devices, boot files, the runtimes' and
-- the kubelet's state. Exact paths, and trees (the path and everything
-- under it). An application's own directory under /etc (/etc/pihole) or
-- a harmless file (/etc/localtime, /etc/machine-id, /etc/ssl/certs) is
-- not one of them.
local sensitive_exact = {
	["/"] = true, ["/etc"] = true, ["/dev"] = true, ["/usr"] = true,
	["/lib"] = true, ["/lib64"] = true, ["/bin"] = true, ["/sbin"] = true,
	["/var"] = true, ["/var/lib"] = true, ["/home"] = true,
	["/usr/bin"] = true, ["/usr/sbin"] = true, ["/usr/lib"] = true,
	["/usr/local/bin"] = true, ["/etc/passwd"] = true,
	["/etc/shadow"] = true, ["/etc/gshadow"] = true, ["/etc/group"] = true,
	["/etc/sudoers"] = true, ["/etc/crontab"] = true, ["/etc/hosts"] = true,
}
local sensitive_trees = {
	"/proc", "/sys", "/boot", "/root", "/lib/modules", "/usr/lib/modules",
	"/var/lib/docker", "/var/lib/kubelet", "/var/lib/containerd",
	"/var/lib/containers", "/var/lib/etcd", "/etc/kubernetes", "/etc/cni",
	"/etc/ssh", "/etc/sudoers.d", "/etc/cron.d", "/etc/systemd",
	"/etc/docker", "/etc/containerd", "/etc/crio", "/etc/ssl/private",
	"/etc/pki", "/etc/letsencrypt", "/etc/rancher", "/dev/mem",
	"/dev/kmem", "/dev/port", "/dev/disk",
}

--- A path with backslashes turned into slashes, repeated slashes
--- squeezed and a trailing slash removed. (Its answers kept by path:
--- three mount policies ask about every host path.)
M.normalize_path = kept_by_string(function(path)
	return (tostring(path):gsub("\\", "/"):gsub("/+", "/"):gsub("(.)/$",
		"%1"))
end)

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
	for k = 1, #sensitive_trees do
		local tree = sensitive_trees[k]
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
--- for words; expansions are kept as written; the control words of
--- if/while/... are left out. The script of `sh -c SCRIPT` (bash, dash...
--- after sudo/env/exec; `su -c`) is split too, after its command. Returns
--- a list of {argv, text, first, last, op_before, op_after, pipeline,
--- nested} (first and last: byte offsets of the command in `text`).
function M.split_shell(text)
	local cmds = {}
	split_into(cmds, text, 0, nil, {pipelines = 0, depth = 0})
	return cmds
end

--- True when argv (a list) runs a shell with a script: sh -c "...".
local function shell_script(argv)
	local k = script_index(argv)
	return k and argv[k], k
end

-- An argv item as a word: a string as is, a number or boolean as its
-- text; anything else (a null, a map or list where a word was expected)
-- is the empty word.
local function word_of(a)
	local t = type(a)
	if t == "string" then
		return a
	elseif t == "number" or t == "boolean" then
		return tostring(a)
	end
	return ""
end

local function to_array(v)
	local out = native.strings(v)
	if out ~= nil then
		return out
	end
	out = {}
	if type(v) ~= "table" and not is_node(v) then
		return out
	end
	for k = 1, #v do
		out[#out + 1] = word_of(v[k])
	end
	return out
end

-- Programs that run a script in a language other than POSIX sh.
local foreign_shells = {
	powershell = true, pwsh = true, cmd = true, fish = true,
}
local function foreign_script(argv)
	local prog = argv[1] and basename(tostring(argv[1])):lower()
		:gsub("^.*\\", ""):gsub("%.exe$", "")
	if not prog or not foreign_shells[prog] then
		return false
	end
	for k = 2, #argv do
		local a = tostring(argv[k]):lower()
		if a == "-command" or a == "-c" or a == "/c" or a == "-encodedcommand"
			or a == "/k" or a == "-file" then
			return true
		end
	end
	return false
end

-- The display position of byte offsets [first, last] of the string
-- argv[k] (a model node's item), when the source text maps onto the value
-- byte for byte: a plain or quoted one-line scalar without escapes, or a
-- literal block (|). Else nil.
local function offset_region(argv, k, value, first, last)
	if not is_node(argv) then
		return nil
	end
	local span = native.span(argv, k)
	local raw = native.meta(argv, k, "text")
	local function cols(s, i, j)
		return utf8.len(s, i, j) or (j - i + 1)
	end
	if raw == nil then
		return nil
	end
	local shift
	if raw == value then
		shift = 0
	elseif #raw == #value + 2 and raw:sub(2, -2) == value and
		(raw:sub(1, 1) == "'" or raw:sub(1, 1) == '"') then
		shift = 1
	end
	if shift and not value:find("\n", 1, true) then
		return {line = span.start_line, source = span.source,
			column = span.start_column + shift +
				(first > 1 and cols(value, 1, first - 1) or 0),
			end_line = span.start_line,
			end_column = span.start_column + shift + cols(value, 1, last)}
	end
	-- A literal block: the header line, then each line of the value
	-- indented.
	if raw:sub(1, 1) ~= "|" then
		return nil
	end
	local indent = raw:match("^[^\n]*\n([ ]*)[^ \n]")
	if indent == nil then
		return nil
	end
	local function at(o)
		local line, line_start = 0, 1
		for nl in value:sub(1, o - 1):gmatch("()\n") do
			line, line_start = line + 1, nl + 1
		end
		local col = #indent + 1 + (o > line_start and
			cols(value, line_start, o - 1) or 0)
		return span.start_line + 1 + line, col
	end
	local l1, c1 = at(first)
	local l2, c2 = at(last)
	return {line = l1, column = c1, end_line = l2, end_column = c2 + 1,
		source = span.source}
end

-- Places a command table at a span from native.span.
local function place(cmd, span)
	cmd.line, cmd.column = span.start_line, span.start_column
	cmd.end_line, cmd.end_column = span.end_line, span.end_column
	cmd.source, cmd.path = span.source, span.path
end

-- A command's position is worked out when first read (most commands are
-- never reported), from its `node` (the argv sequence) and, for a
-- command of the script, `field` (the script's index) and its offsets in
-- the script; then the metatable goes.
local position_keys = {line = true, column = true, end_line = true,
	end_column = true, source = true, path = true}
local placed_later = {__index = function(t, k)
	if not position_keys[k] then
		return nil
	end
	setmetatable(t, nil)
	local seq, idx = t.node, t.field
	place(t, native.span(seq, idx))
	if idx ~= nil then
		local r = offset_region(seq, idx, tostring(seq[idx]), t.first,
			t.last)
		if r then
			t.line, t.column = r.line, r.column
			t.end_line, t.end_column = r.end_line, r.end_column
		end
	end
	return t[k]
end}

-- The commands of argv items (a plain list of strings): the argv itself,
-- then the commands of its shell script. where(k) gives the sequence node
-- and index item k was written at (nil: not from the model), so each
-- command is placed in the file.
local function argv_commands(argv, where, out, state)
	if #argv == 0 then
		return out
	end
	local whole = {argv = argv, text = table.concat(argv, " ")}
	local node = where(1)
	if node then
		whole.node = node
		setmetatable(whole, placed_later)
	end
	out[#out + 1] = whole
	if foreign_script(argv) then
		whole.unknown = true
		return out
	end
	local script, k = shell_script(argv)
	if not script then
		return out
	end
	local first = #out + 1
	split_into(out, script, 1, nil, state)
	local seq, idx = where(k)
	if not seq then
		return out
	end
	for j = first, #out do
		local cmd = out[j]
		cmd.node, cmd.field = seq, idx
		setmetatable(cmd, placed_later)
	end
	return out
end

-- where() for argv taken from the sequences in `parts`, in order.
local function parts_where(parts)
	return function(k)
		for _, part in ipairs(parts) do
			if is_node(part) then
				if k <= #part then
					return part, k
				end
				k = k - #part
			else
				return nil
			end
		end
		return nil
	end
end

local function no_where()
	return nil
end

-- What a container record runs, read once: {argv, parts, hooks = {{hook,
-- command, argv}}, text}.
local function run_of(c)
	local entrypoint, command = c.entrypoint, c.command
	local run = {argv = {}, parts = {}, hooks = {}}
	local words = run.argv
	for n = 1, 2 do
		local list
		if n == 1 then
			list = entrypoint or {}
		else
			list = command or {}
		end
		-- every item, so word k is item k of the parts (parts_where)
		for k = 1, #list do
			words[#words + 1] = word_of(list[k])
		end
	end
	run.parts[#run.parts + 1] = entrypoint
	run.parts[#run.parts + 1] = command
	local texts = {table.concat(words, " ")}
	local hooks = c.lifecycle or {}
	local h, hook = 1, hooks[1]
	while hook ~= nil do
		local cmd = hook.command or {}
		local argv = to_array(cmd)
		run.hooks[#run.hooks + 1] = {hook = hook, command = cmd, argv = argv}
		texts[#texts + 1] = table.concat(argv, " ")
		h = h + 1
		hook = hooks[h]
	end
	run.text = table.concat(texts, "\n")
	return run
end

local function container_commands(run, state)
	local out = {}
	argv_commands(run.argv, parts_where(run.parts), out, state)
	for _, h in ipairs(run.hooks) do
		local first = #out + 1
		argv_commands(h.argv, parts_where({h.command}), out, state)
		for j = first, #out do
			out[j].hook = h.hook
		end
	end
	return out
end

--- The simple commands in x: shell text, an argv list (the argv, then
--- its shell's -c script split; a list is one command), a Dockerfile
--- instruction (its `commands` nodes), or a container record
--- (entrypoint + command, then lifecycle hooks: those carry `hook`,
--- the hook's record). Each is a command node
--- or a table {argv, text, op_before, op_after, pipeline, nested,
--- unknown}; a table from a model node also has `node` (and `field`:
--- the script's index) and, where the script maps onto the file, its
--- position (line, column, end_line, end_column, source): report(cmd,
--- nil, message) and p.span(cmd) place it.
function M.commands(x)
	if x == nil then
		return {}
	end
	if type(x) == "string" then
		return M.split_shell(x)
	end
	if is_node(x) and x.origin == nil and x.keyword ~= nil then
		local out = {}
		for _, cmd in ipairs(x.commands or {}) do
			out[#out + 1] = cmd
		end
		if #out == 0 and (x.form == "exec") and x.args then
			return M.commands(x.args)
		end
		return out
	end
	local state = {pipelines = 0, depth = 0}
	if is_node(x) and x.origin ~= nil then
		return container_commands(run_of(x), state)
	end
	return argv_commands(to_array(x), is_node(x) and parts_where({x})
		or no_where, {}, state)
end

-- Wrappers that run another command: how many option words they take.
local wrappers = {
	sudo = true, env = true, exec = true, nohup = true, time = true,
	nice = true, command = true, doas = true, ["su-exec"] = true,
	gosu = true, xargs = true, stdbuf = true, timeout = true,
}

-- xargs options whose value is the next word.
local xargs_values = {["-n"] = true, ["-I"] = true, ["-L"] = true,
	["-P"] = true, ["-d"] = true, ["-E"] = true, ["-s"] = true,
	["-a"] = true, ["--max-args"] = true, ["--max-procs"] = true,
	["--delimiter"] = true, ["--arg-file"] = true}

-- Where the inner command of argv starts (after its wrappers), and the
-- wrappers seen, into `seen` when given.
local function unwrapped_at(argv, seen)
	local k = 1
	while argv[k] ~= nil do
		local prog = base_of[argv[k]] or basename(argv[k])
		if not wrappers[prog] then
			break
		end
		if seen then
			seen[#seen + 1] = prog
		end
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
					(prog == "xargs" and xargs_values[a]) then
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
	return k
end

--- argv without leading wrappers (sudo -u x, env A=B, exec, ...):
--- returns the inner argv and the list of wrappers seen.
function M.unwrap(argv)
	local seen = {}
	local k = unwrapped_at(argv, seen)
	return table.move(argv, k, #argv, 1, {}), seen
end

-- M.unwrap of an argv the caller made and owns: the argv itself when it
-- starts with no wrapper (no copy), else the copy without them.
local function unwrap_own(argv)
	local first = argv[1]
	if first == nil or not wrappers[base_of[first] or basename(first)] then
		return argv
	end
	return (M.unwrap(argv))
end

--- The program a command runs, without wrappers and directories.
function M.program(argv)
	local first = argv[unwrapped_at(argv)]
	return first and (base_of[first] or basename(first))
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
	local prog = argv[1] and (base_of[argv[1]] or basename(argv[1]))
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
--- packages are in a file the command reads, or come through `xargs`.
--- `command` is the command
--- (see M.commands: report(inst.command, nil, msg) places it).
--- A second result lists the commands whose effect is unknown: scripts
--- it cannot see into (`./install.sh`, `sh setup.sh`, `. ./env.sh`,
--- `curl URL | sh`, a program in a variable) and commands marked
--- unknown (a PowerShell or cmd SHELL, `powershell -Command ...`), so a
--- policy can say "unknown" rather than "no install". With options
--- `{installs_only = true}` that list stays empty, and text that names no
--- manager is not split at all (cheaper, for a policy that only reports
--- installs).
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
local manager_set = {}
for _, name in ipairs(manager_names) do
	manager_set[name] = true
end

-- Words that may run a script this model cannot see into: a shell (given
-- a file, or reading a pipe), a dot or source command, PowerShell or cmd.
local script_words = {
	["."] = true, source = true, su = true, powershell = true, pwsh = true,
	cmd = true, ["powershell.exe"] = true, ["cmd.exe"] = true,
}
for name in pairs(shells) do
	script_words[name] = true
end

-- True when the text may hold an install (or, unless installs_only, an
-- unseen script): a cheap test of its words before splitting commands
-- (most commands do neither).
local function words_worth_splitting(text, installs_only)
	for w in text:gmatch("[^%s;&|()`'\"]+") do
		local name = find(w, "/", 1, true) and w:match("[^/]+$") or w
		-- (plain finds at the word's start or end: no pattern to run)
		if manager_set[name] or find(name, "python", 1, true) == 1 then
			return true
		end
		if not installs_only and (script_words[name] or
			byte(name, 1) == 36 or find(name, ".sh", -3, true) or
			find(name, ".bash", -5, true)) then
			return true
		end
	end
	return false
end

-- Its answers by text (the package policies, about fifteen, each ask
-- about every RUN), in a bounded table per question.
local worth = {[true] = {}, [false] = {}}
local worth_count = 0

local function worth_splitting(text, installs_only)
	installs_only = installs_only and true or false
	local known = worth[installs_only][text]
	if known ~= nil then
		return known
	end
	local answer = words_worth_splitting(text, installs_only)
	if worth_count == 4096 then
		worth, worth_count = {[true] = {}, [false] = {}}, 0
	end
	worth[installs_only][text] = answer
	worth_count = worth_count + 1
	return answer
end

-- Does argv (unwrapped) run a script this model cannot see into: a
-- script file (./install.sh, sh setup.sh, . ./env.sh), a shell reading a
-- pipe (curl ... | sh), a program held in a variable?
local function unseen_script(argv, cmd)
	local prog = argv[1] and basename(argv[1])
	if not prog then
		return false
	end
	if prog:match("%.sh$") or prog:match("%.bash$") or prog:sub(1, 1) == "$" then
		return true
	end
	if prog == "." or prog == "source" then
		return argv[2] ~= nil
	end
	if not shells[prog] or script_index(argv) then
		return false
	end
	local k = 2
	while argv[k] ~= nil do
		local a = argv[k]
		if a == "-o" or a == "+o" then
			k = k + 1
		elseif a:sub(1, 1) ~= "-" and a:sub(1, 1) ~= "+" then
			return true -- a script file
		end
		k = k + 1
	end
	-- No script file: it reads its standard input.
	return cmd.op_before == "|" or cmd.op_before == "|&"
end

local function own_package_installs(x, installs_only)
	local out, unknown = {}, {}
	if x == nil then
		return out, unknown
	end
	local cmds
	if type(x) == "string" then
		if not worth_splitting(x, installs_only) then
			return out, unknown
		end
		cmds = M.split_shell(x)
	elseif is_node(x) and x.origin ~= nil then
		local run = run_of(x)
		if not worth_splitting(run.text, installs_only) then
			return out, unknown
		end
		cmds = container_commands(run, {pipelines = 0, depth = 0})
	elseif is_node(x) and x.keyword ~= nil then
		if x.form ~= "exec" and #(x.heredocs or {}) == 0 and
			not worth_splitting(x.text or "", installs_only) then
			return out, unknown
		end
		cmds = M.commands(x)
	else
		-- A kept argv holds strings only (raw_argv): joined as it is.
		local words = kept_words[x] and x or to_array(x)
		if not worth_splitting(table.concat(words, " "),
			installs_only) then
			return out, unknown
		end
		cmds = M.commands(x)
	end
	for k = 1, #cmds do
		local cmd = cmds[k]
		local argv, seen = M.unwrap(cmd.argv)
		local inst = not cmd.unknown and install_of(argv)
		if inst then
			inst.argv, inst.text, inst.wrappers = argv, cmd.text, seen
			inst.command = cmd
			if M.contains(seen, "xargs") then
				-- More packages come from its standard input.
				inst.packages_unknown = true
			end
			out[#out + 1] = inst
		elseif not installs_only and
			(cmd.unknown or unseen_script(argv, cmd)) then
			unknown[#unknown + 1] = cmd
		end
	end
	return out, unknown
end

-- M.package_installs of the kept commands' argv lists (weak keys), by
-- installs_only: seven package policies ask about each command.
local installs_of = {[true] = setmetatable({}, {__mode = "k"}),
	[false] = setmetatable({}, {__mode = "k"})}

function M.package_installs(x, options)
	local installs_only = options ~= nil and options.installs_only and true
		or false
	local sharing = kept_words[x] and native.sharing()
	if not sharing then
		return own_package_installs(x, installs_only)
	end
	local known = installs_of[installs_only][x]
	if known == nil then
		known = table.pack(own_package_installs(x, installs_only))
		installs_of[installs_only][x] = known
	end
	handed(known, sharing, "package_installs")
	return known[1], known[2]
end

-- A set of program names from a string or a list; nil: any.
local function name_set(names)
	if names == nil then
		return nil
	end
	local set = {}
	for _, nm in ipairs(type(names) == "string" and {names} or names) do
		set[nm] = true
	end
	return set
end

--- Pipes in x (see M.commands) from a command whose program is in `from`
--- to a later command of the same pipeline whose program is in `to`
--- (names: a string or a list; nil: any program): a list of {from = cmd,
--- to = cmd}. `p.pipes(ins, {"curl", "wget"}, {"sh", "bash"})` finds
--- `curl -s URL | sh`, also through `| tee f |` and inside sh -c.
function M.pipes(x, from, to)
	local want_from, want_to = name_set(from), name_set(to)
	local out = {}
	local by_pipeline = {}
	for _, cmd in ipairs(M.commands(x)) do
		local id = cmd.pipeline
		if id ~= nil then
			local prog = M.program(cmd.argv)
			local earlier = by_pipeline[id] or {}
			by_pipeline[id] = earlier
			if prog and (want_to == nil or want_to[prog]) then
				for _, e in ipairs(earlier) do
					out[#out + 1] = {from = e, to = cmd}
				end
			end
			if prog and (want_from == nil or want_from[prog]) then
				earlier[#earlier + 1] = cmd
			end
		end
	end
	return out
end

--- True when x (see M.commands) joins commands with a pipe (| or |&).
function M.uses_pipe(x)
	for _, cmd in ipairs(M.commands(x)) do
		if cmd.pipeline ~= nil then
			return true
		end
	end
	return false
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

--- For a project policy that checks many selectors against many objects:
--- indexes list (objects with a label map in `field`, default
--- "pod_labels") by label once, and returns a function(selector [,
--- limit]) giving the objects of list that selector selects (p.selects),
--- in list order; with limit (a number, rounded down), only the first
--- that many of them (1: whether it selects any, without finding them
--- all). A selector is checked only against the objects that could
--- match its narrowest term: the rarest of its matchLabels pairs, the
--- values of an `In` expression, the objects carrying an `Exists`
--- expression's key; an empty selector gives the whole list at once.
--- Thousands of selectors and objects in one namespace cost about what
--- their labels do, not their product.
function M.selector_index(list, field)
	field = field or "pod_labels"
	-- positions in list, by label key and value, and by key alone; each
	-- object's labels read once
	local index, keyed, labels_of = {}, {}, {}
	for i, o in ipairs(list) do
		local labels = o[field]
		labels_of[i] = labels
		for k, v in pairs(labels or {}) do
			local values = index[k]
			if values == nil then
				values = {}
				index[k] = values
				keyed[k] = {}
			end
			local l = values[v]
			if l == nil then
				l = {}
				values[v] = l
			end
			l[#l + 1] = i
			local h = keyed[k]
			h[#h + 1] = i
		end
	end
	local none = {}
	-- the positions of the objects with key k set to one of values, in
	-- order; nil when more than `limit` (no narrower than what is held)
	local function any_of(k, values, limit)
		local by_value = index[k]
		if by_value == nil then
			return none
		end
		local lists, total, seen = {}, 0, {}
		for _, v in ipairs(values) do
			local l = by_value[v]
			if l ~= nil and not seen[v] then
				seen[v] = true
				lists[#lists + 1] = l
				total = total + #l
			end
		end
		if total > limit then
			return nil
		end
		if #lists == 1 then
			return lists[1]
		end
		local out = {}
		for _, l in ipairs(lists) do
			table.move(l, 1, #l, #out + 1, out)
		end
		table.sort(out)
		return out
	end
	return function(selector, limit)
		if selector == nil then
			return {}
		end
		limit = limit ~= nil and math.floor(limit) or math.huge
		local candidates, count = nil, #list
		for k, v in pairs(selector.match_labels or {}) do
			local l = index[k] and index[k][v] or none
			if #l < count then
				candidates, count = l, #l
			end
		end
		local terms = selector.match_expressions or {}
		for _, x in ipairs(terms) do
			local l
			if x.key ~= nil and x.operator == "In" then
				l = any_of(x.key, x.values or {}, count - 1)
			elseif x.key ~= nil and x.operator == "Exists" then
				l = keyed[x.key] or none
			end
			if l ~= nil and #l < count then
				candidates, count = l, #l
			end
		end
		if candidates == nil and next(terms) == nil and
			next(selector.match_labels or {}) == nil then
			return table.move(list, 1, math.min(#list, limit), 1, {})
		end
		local out = {}
		if limit < 1 then
			return out
		end
		if candidates == nil then
			for i, o in ipairs(list) do
				if M.selects(selector, labels_of[i]) then
					out[#out + 1] = o
					if #out >= limit then
						break
					end
				end
			end
		else
			for _, i in ipairs(candidates) do
				if M.selects(selector, labels_of[i]) then
					out[#out + 1] = list[i]
					if #out >= limit then
						break
					end
				end
			end
		end
		return out
	end
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

-- What M.partial, M.docker_engine and M.resource_written read of a
-- container record, kept by its node (read-only; weak keys): container
-- policies ask about every container, each several times.
local partial_of = setmetatable({}, {__mode = "k"})
local engine_of = setmetatable({}, {__mode = "k"})
local resources_of = setmetatable({}, {__mode = "k"})
local absent = {} -- kept for a field that is nil

--- True for a container record that is only part of one, to be merged
--- into a base this file does not hold: a Compose service with neither
--- `image:` nor `build:` (nor one inherited through `extends`), as in an
--- override file scanned without its base; a Kubernetes container with no
--- `image:`, as in a kustomize patch. What it leaves out is written
--- elsewhere, so "missing" findings do not apply to it.
function M.partial(c)
	local known = partial_of[c]
	if known ~= nil then
		return known
	end
	local origin = c.origin
	if origin == "compose" then
		known = c.image == nil and (c.source == nil or c.source.build == nil)
	else
		known = (origin == "kubernetes" or origin == "command") and
			c.image == nil
	end
	if is_node(c) then
		partial_of[c] = known
	end
	return known
end

--- True for a container the Docker engine (or Podman) starts from
--- Compose keys or `docker run` flags: a Compose service or a command
--- line (origin "compose" or "command"), whose unset settings are the
--- engine's defaults, read the same way for both.
function M.docker_engine(c)
	local known = engine_of[c]
	if known ~= nil then
		return known
	end
	local origin = c.origin
	known = origin == "compose" or origin == "command"
	if is_node(c) then
		engine_of[c] = known
	end
	return known
end

--- Whether c's `resources.<section>.<name>` is written (section "limits"
--- or "requests", name "cpu" or "memory"): Kubernetes `resources`,
--- Compose `deploy.resources`, `cpus`, `mem_limit`..., or a Tekton
--- step's `computeResources`. A written value that does not parse counts.
function M.resource_written(c, section, name)
	local r = resources_of[c]
	if r == nil then
		-- {resources, computeResources, {[section] = resources[section]}}
		local compute = c.source ~= nil and c.source.computeResources
		r = {c.resources, compute, {}}
		if is_node(c) then
			resources_of[c] = r
		end
	end
	local resources, compute, sections = r[1], r[2], r[3]
	local model = sections[section]
	if model == nil then
		model = resources ~= nil and resources[section]
		sections[section] = model == nil and absent or model
	elseif model == absent then
		model = nil
	end
	if model ~= nil and native.meta(model, name, "present") then
		return true
	end
	local part = is_node(compute) and compute[section]
	return is_node(part) and part[name] ~= nil
end

------------------------------------------------------------------------
-- Settings and comments
------------------------------------------------------------------------

--- The value of the running policy's setting `name`, as declared in its
--- `settings` (the default, or what `--set RULE.NAME=VALUE` gave): a
--- string, an integer, a boolean or a list of strings (a fresh table).
--- Raises when the policy declares no such setting.
function M.setting(name)
	local v = native.setting(name)
	-- (a list is shared among the built-in policies: checked unchanged
	-- when that promise is tested)
	if type(v) == "table" then
		local sharing = native.sharing()
		if sharing then
			handed(v, sharing, "setting")
		end
	end
	return v
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

--- The simple commands of an instruction as policies judge them: each
--- {node, argv, text}, node the command a finding lands on, argv without
--- wrappers (sudo, env A=B...). The model lists the commands of a
--- `sh -c "..."` script after the sh command itself, each with its own
--- position; the wrapper is left out, so nothing is judged twice.
local script_runners = {sh = true, bash = true, ash = true, dash = true,
	zsh = true, ksh = true, su = true, runuser = true}

-- The argv (unwrapped) of each command node of a RUN kept by the
-- helpers (weak keys): M.run_commands and M.run_pipes both list a RUN's
-- commands, and share one argv per command instead of each reading it
-- from the model.
local argv_kept = setmetatable({}, {__mode = "k"})

-- The commands of ins, a RUN: their nodes, each one's argv as written
-- and each one's text. A node's are read in one native call and kept
-- (weak keys) for M.run_commands and M.run_pipes; a table's fields are
-- read one by one.
local raw_commands_of = setmetatable({}, {__mode = "k"})

local function raw_commands(ins)
	if is_node(ins) then
		local raw = raw_commands_of[ins]
		if raw == nil then
			raw = table.pack(native.commands(ins))
			raw_commands_of[ins] = raw
		end
		return raw[1], raw[2], raw[3]
	end
	local nodes, argvs, texts = {}, {}, {}
	for i, node in ipairs(ins.commands or {}) do
		nodes[i] = node
		argvs[i] = to_array(node.argv or {})
		texts[i] = tostring(node.text or "")
	end
	return nodes, argvs, texts
end

-- The argv of command i of a RUN's raw commands, unwrapped: the kept one
-- when kept (the caller keeps what it returns).
local function raw_argv(nodes, argvs, i, kept)
	local node = nodes[i]
	local argv = kept and argv_kept[node]
	if not argv then
		argv = unwrap_own(argvs[i])
		if kept then
			argv_kept[node] = argv
		end
	end
	return argv
end

local function own_run_commands(ins, kept)
	local out = {}
	local nodes, argvs, texts = raw_commands(ins)
	for i = 1, #nodes do
		local node = nodes[i]
		local argv = raw_argv(nodes, argvs, i, kept)
		-- `sh -c SCRIPT`, `su user -c SCRIPT`: the script's commands
		-- follow as commands of their own; judging the wrapper too would
		-- report them twice.
		local runner = argv[1] and
			script_runners[base_of[argv[1]] or basename(argv[1])]
		local script = false
		for k = 2, runner and #argv or 0 do
			script = script or argv[k] == "-c" or
				argv[k]:match("^%-%a*c%a*$") ~= nil
		end
		if not (runner and script) then
			out[#out + 1] = {node = node, argv = argv, text = texts[i]}
		end
	end
	return out
end

-- A caller's own copy of a command the helpers share ({node, argv, text}
-- and, from M.run_pipes, at): a new argv it may change.
local function command_copy(c)
	local argv = c.argv
	return {node = c.node, argv = table.move(argv, 1, #argv, 1, {}),
		text = c.text, at = c.at}
end

-- M.run_commands of each instruction node worked out so far (weak
-- keys: forgotten with the document): a dozen policies ask for the same
-- RUN's commands. Each caller gets its own copy, which it may change.
local run_commands_of = setmetatable({}, {__mode = "k"})

function M.run_commands(ins)
	if not is_node(ins) then
		return own_run_commands(ins)
	end
	local sharing = native.sharing()
	local known = run_commands_of[ins]
	if known == nil then
		known = own_run_commands(ins, true)
		for k = 1, #known do
			local c = known[k]
			kept_words[c.argv] = true
		end
		run_commands_of[ins] = known
	end
	if sharing then
		handed(known, sharing, "run_commands")
		return known
	end
	local out = {}
	for i, c in ipairs(known) do
		out[i] = command_copy(c)
	end
	return out
end

--- The stages whose layers end up in the image, as a set of stage
--- indexes: the final stage and the stages it is built FROM (a builder
--- stage's files are only copied).
function M.shipped_stages(doc)
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

--- True when the RUN ins puts dir (or a directory above it) on a cache or
--- tmpfs --mount, so what the command leaves there is not in the layer.
function M.run_mounts(ins, dir)
	local flags = ins.flags or {}
	local i, f = 1, flags[1]
	while f ~= nil do
		local m = f.name == "mount" and f.mount or nil
		local target = m and (m.target or m.dst or m.destination)
		if target ~= nil and (m.type == "cache" or m.type == "tmpfs") then
			target = tostring(target):gsub("/+$", "")
			if dir == target or dir:sub(1, #target + 1) == target .. "/" then
				return true
			end
		end
		i = i + 1
		f = flags[i]
	end
	return false
end

-- A package manager's words after its name into r: the first word that
-- is no option is r.sub, the words after it r.args; options go to
-- `before` until the subcommand, then to r.opts; one of value_opts takes
-- the next word, kept as "-o=VALUE".
local function manager_words(argv, value_opts, r, before)
	local k = 2
	while argv[k] ~= nil do
		local a = argv[k]
		local list = r.sub == nil and before or r.opts
		if value_opts[a] then
			list[#list + 1] = a .. "=" .. tostring(argv[k + 1] or "")
			k = k + 1
		elseif a:sub(1, 1) == "-" then
			list[#list + 1] = a
		elseif r.sub == nil then
			r.sub = a
		else
			r.args[#r.args + 1] = a
		end
		k = k + 1
	end
	return r
end

--- An apt-get or apt command line as {prog, sub, opts, args}, or nil; an
--- option with a value is kept as "-o=VALUE".
local apt_value_opts = {["-o"] = true, ["--option"] = true, ["-t"] = true,
	["--target-release"] = true, ["-c"] = true, ["--config-file"] = true,
	["-a"] = true, ["--host-architecture"] = true}

-- M.apt_parse of the kept commands' argv lists (weak keys): five apt
-- policies ask about each command.
local apt_of = setmetatable({}, {__mode = "k"})

-- An apt-get or apt command line: {sub, opts, args}; an option with a
-- value is kept as "-o=VALUE".
function M.apt_parse(argv)
	local prog = argv[1] and (base_of[argv[1]] or basename(argv[1]))
	if prog ~= "apt-get" and prog ~= "apt" then
		return nil
	end
	local sharing = kept_words[argv] and native.sharing()
	local r = sharing and apt_of[argv]
	if not r then
		r = {prog = prog, opts = {}, args = {}}
		manager_words(argv, apt_value_opts, r, r.opts)
		if sharing then
			apt_of[argv] = r
		end
	end
	return sharing and handed(r, sharing, "apt_parse") or r
end

--- ADD and COPY.

-- The sources of an ADD or COPY as written and as expanded: a list of
-- {raw, value}; value is nil when a variable in it is unknown. A heredoc
-- source (a file written inline) is {raw = "<<", value = "<<"}.
function M.copy_sources(ins)
	local out = {}
	local args, expanded = ins.args or {}, ins.sources or {}
	for k = 1, #args - 1 do
		local raw = tostring(args[k])
		local value = expanded[k] ~= nil and tostring(expanded[k]) or raw
		if raw:find("$", 1, true) and value == "" then
			value = nil
		end
		out[#out + 1] = {raw = raw, value = value}
	end
	if #out == 0 then
		for _ = 1, #(ins.heredocs or {}) do
			out[#out + 1] = {raw = "<<", value = "<<"}
		end
	end
	return out
end

-- The value of an instruction's flag (`--from=build` gives "build"; a flag
-- without a value gives ""), or nil when the flag is not written.
function M.instruction_flag(ins, name)
	local flags = ins.flags or {}
	local i, f = 1, flags[1]
	while f ~= nil do
		if f.name == name then
			return f.value ~= nil and tostring(f.value) or ""
		end
		i = i + 1
		f = flags[i]
	end
	return nil
end

-- True for a URL (a scheme and `://`).
function M.is_url(s)
	return s:find("^%a[%w+.-]*://") ~= nil
end

-- True for a Git source ADD clones: `git@host:...`, `git://`, or a path
-- ending in `.git` (with an optional `#ref`).
function M.is_git_source(s)
	return s:find("^git@") ~= nil or s:find("%.git$") ~= nil or
		s:find("%.git#") ~= nil or s:find("^git://") ~= nil
end

--- yum, dnf, microdnf, tdnf and zypper.

local rpm_managers = {yum = true, dnf = true, dnf5 = true, tdnf = true,
	microdnf = true, zypper = true}
local rpm_value_opts = {["-c"] = true, ["--config"] = true,
	["--installroot"] = true, ["--releasever"] = true,
	["--enablerepo"] = true, ["--disablerepo"] = true, ["-x"] = true,
	["--exclude"] = true, ["--setopt"] = true, ["--repo"] = true,
	["--repoid"] = true, ["-r"] = true, ["--root"] = true,
	["--nodocs"] = false, ["--rpmverbosity"] = true, ["-d"] = true,
	["--debuglevel"] = true, ["-e"] = true, ["--errorlevel"] = true,
	["--forcearch"] = true}
local rpm_installs = {install = true, ["in"] = true, groupinstall = true,
	localinstall = true, reinstall = true, ["group install"] = true,
	["groups install"] = true, ["module install"] = true,
	["install-n"] = true, ["install-na"] = true, ["install-nevra"] = true}

-- An rpm package manager's command line: {prog, sub, global, opts, args,
-- install}, or nil for another program. Options before the subcommand are
-- in global, after it in opts; one with a value is kept as "-c=VALUE".
-- `yum group install` and `dnf module install` have a two-word sub;
-- install is true when sub installs packages.
function M.rpm_parse(argv)
	local prog = argv[1] and (base_of[argv[1]] or basename(argv[1]))
	if not rpm_managers[prog] then
		return nil
	end
	local r = {prog = prog, opts = {}, args = {}, global = {}}
	manager_words(argv, rpm_value_opts, r, r.global)
	if (r.sub == "group" or r.sub == "groups" or r.sub == "module") and
		r.args[1] ~= nil then
		r.sub = r.sub .. " " .. table.remove(r.args, 1)
	end
	r.install = rpm_installs[r.sub] == true
	return r
end

-- Words of a base image's name that say it is Windows.
local windows_words = {"windows", "nanoserver", "servercore",
	"dotnet/framework", "ltsc20"}

local function windows_stage(doc, stage)
	local directives = doc.tree.directives
	if directives and directives.escape == "`" then
		return true
	end
	local s, stages, guard = stage, doc.tree.stages, 0
	while s ~= nil and guard <= #stages do
		local base = s.base
		local image = (tostring(base and base.repository or "") .. ":" ..
			tostring(base and base.tag or "")):lower()
		for k = 1, #windows_words do
			local word = windows_words[k]
			if find(image, word, 1, true) then
				return true
			end
		end
		local list, keywords = M.stage_instructions(doc, s)
		for k = 1, #list do
			local i = list[k]
			if keywords[k] == "SHELL" then
				local prog = tostring((i.args or {})[1] or ""):lower()
				if prog:find("pwsh") or prog:find("powershell") or
					prog:find("cmd") then
					return true
				end
			end
		end
		local b = base and base.stage
		s, guard = b ~= nil and stages[b + 1] or nil, guard + 1
	end
	return false
end

-- M.windows_stage by stage node (weak keys): a policy may ask for every
-- RUN, and the answer walks the stage's instructions.
local windows_of = setmetatable({}, {__mode = "k"})

--- True for a Windows stage of a Dockerfile, whose shell form runs under
--- cmd or PowerShell rather than /bin/sh: the backtick escape Windows
--- Dockerfiles use, a SHELL naming cmd or PowerShell, or a Windows base
--- image, along the stage's FROM chain.
function M.windows_stage(doc, stage)
	if not is_node(stage) then
		return windows_stage(doc, stage)
	end
	local known = windows_of[stage]
	if known == nil then
		known = windows_stage(doc, stage)
		windows_of[stage] = known
	end
	return known
end

--- Pipes of a RUN, found in its text.

-- The shell text of a RUN: its shell form text, then its heredoc bodies.
local function run_shell_text(ins)
	local parts = {ins.form == "shell" and tostring(ins.text or "") or ""}
	local heredocs = ins.heredocs or {}
	local i, h = 1, heredocs[1]
	while h ~= nil do
		parts[#parts + 1] = tostring(h.body or "")
		i = i + 1
		h = heredocs[i]
	end
	return table.concat(parts, "\n")
end

-- The offsets of the pipes (`|`, `|&`; not `||`, nor the `|` between a
-- case pattern's alternatives, `amd64|x86_64) ...`) in shell text,
-- outside quotes and comments: native.pipe_offsets (lua/shell_scan.c).
local pipe_offsets = native.pipe_offsets

-- The commands of a RUN with where each starts in its shell text:
-- {node, argv (unwrapped), text, at}; at is nil when not found.
local function located_commands(ins, text, kept)
	local out, cursor = {}, 1
	local nodes, argvs, texts = raw_commands(ins)
	for i = 1, #nodes do
		local node = nodes[i]
		local t = texts[i]
		local at = t ~= "" and (text:find(t, cursor, true) or
			text:find(t, 1, true)) or nil
		out[#out + 1] = {node = node, argv = raw_argv(nodes, argvs, i, kept),
			text = t, at = at}
		if at ~= nil and at >= cursor then
			cursor = at + #t
		end
	end
	return out
end

-- The indexes of the commands placed in the text (at not nil), in the
-- order of key(c) (a whole number) and, among equal keys, of their
-- index; usually that is the order they come in, and then nothing is
-- sorted. Else each is sorted as the one number key * m + index (m past
-- the last index), by the library's own comparison, not a Lua function.
local function placed_by(cmds, key)
	local list, sorted, last = {}, true, nil
	for i = 1, #cmds do
		local c = cmds[i]
		if c.at ~= nil then
			local k = key(c)
			sorted = sorted and (last == nil or k >= last)
			list[#list + 1], last = i, k
		end
	end
	if not sorted then
		local m = #cmds + 1
		for j = 1, #list do
			local i = list[j]
			list[j] = key(cmds[i]) * m + i
		end
		table.sort(list)
		for j = 1, #list do
			local v = list[j]
			list[j] = v % m
		end
	end
	return list
end

local function stop_of(c)
	return c.at + #c.text
end

local function start_of(c)
	return c.at
end

-- The pipes at offsets (in increasing order), each {at, left, right}:
-- left the command that ends last before it (`ldd "$(php -r ...)"`
-- rather than the php inside), right the one that starts first after it
-- (the first in cmds of equals). One sweep over the commands by end and
-- by start, not a look at every command for every pipe.
local function pipe_sides(cmds, offsets)
	local by_stop, by_start = placed_by(cmds, stop_of),
		placed_by(cmds, start_of)
	local pipes, s, r, left = {}, 1, 1, nil
	for k = 1, #offsets do
		local at = offsets[k]
		while by_stop[s] ~= nil and stop_of(cmds[by_stop[s]]) <= at do
			local c = cmds[by_stop[s]]
			if left == nil or stop_of(c) > stop_of(left) then
				left = c
			end
			s = s + 1
		end
		while by_start[r] ~= nil and start_of(cmds[by_start[r]]) <= at do
			r = r + 1
		end
		local right = by_start[r] and cmds[by_start[r]]
		pipes[#pipes + 1] = {at = at, left = left, right = right}
	end
	return pipes
end

local function own_run_pipes(ins, kept)
	local text = run_shell_text(ins)
	local cmds = located_commands(ins, text, kept)
	local pipes = {}
	-- (most RUNs have no `|` at all: a plain find, no list made)
	local offsets = find(text, "|", 1, true) and pipe_offsets(text)
	if offsets and #offsets > 0 then
		pipes = pipe_sides(cmds, offsets)
	end
	return pipes, cmds, text
end

-- M.run_pipes of each instruction node worked out so far (weak keys, as
-- for M.run_commands): {pipes, cmds, text}. Each caller gets copies of
-- the lists and their tables, the pipes' sides among its own commands.
local run_pipes_of = setmetatable({}, {__mode = "k"})

--- The pipes of a RUN (`|`, `|&`; not `||`, not a case pattern's `|`),
--- outside quotes and comments, in its shell form text and heredocs:
--- returns pipes, a list of {at, left, right} (at the offset in text, left
--- the command that ends last before the pipe, right the one that starts
--- first after it, either nil when not found); cmds, the RUN's commands as
--- {node, argv (unwrapped), text, at} (at their offset in text, or nil); and
--- text.
function M.run_pipes(ins)
	if not is_node(ins) then
		return own_run_pipes(ins)
	end
	local sharing = native.sharing()
	local known = run_pipes_of[ins]
	if known == nil then
		known = table.pack(own_run_pipes(ins, true))
		local cmds = known[2]
		for k = 1, #cmds do
			local c = cmds[k]
			kept_words[c.argv] = true
		end
		run_pipes_of[ins] = known
	end
	if sharing then
		handed(known, sharing, "run_pipes")
		return known[1], known[2], known[3]
	end
	local cmds, copy_of = {}, {}
	for i, c in ipairs(known[2]) do
		cmds[i] = command_copy(c)
		copy_of[c] = cmds[i]
	end
	local pipes = {}
	for i, pipe in ipairs(known[1]) do
		pipes[i] = {at = pipe.at, left = pipe.left and copy_of[pipe.left],
			right = pipe.right and copy_of[pipe.right]}
	end
	return pipes, cmds, known[3]
end

return M

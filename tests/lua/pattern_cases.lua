-- tests/lua/pattern_cases.lua - differential cases for the sandbox's own
-- pattern functions (core/lua/pattern.c) and guards (core/lua/guard.c):
-- hand-written cases, then random pattern/subject pairs from a seeded
-- generator. Returns compare(stock_string, our_string, stock_table,
-- our_table, random_count) -> number of cases, list of mismatches.

local cases = {}
local function case(...)
	cases[#cases + 1] = table.pack(...)
end

-- A canonical text for any result, so stock and ours compare as strings.
local function show(v, depth)
	local t = type(v)
	if t == "string" then
		return string.format("%q", v)
	elseif t == "number" then
		return math.type(v) .. ":" .. tostring(v)
	elseif t == "table" and getmetatable(v) and getmetatable(v).store then
		return "stored" .. show(getmetatable(v).store)
	elseif t == "table" and (depth or 0) < 2 then
		local keys = {}
		for k in pairs(v) do
			keys[#keys + 1] = k
		end
		table.sort(keys, function(a, b)
			return show(a) < show(b)
		end)
		local parts = {}
		for _, k in ipairs(keys) do
			parts[#parts + 1] = show(k) .. "=" .. show(v[k], (depth or 0) + 1)
		end
		return "{" .. table.concat(parts, ",") .. "}"
	end
	return t == "table" and "table" or tostring(v)
end

local function show_pack(p)
	local parts = {}
	for i = 1, p.n do
		parts[i] = show(p[i])
	end
	return table.concat(parts, ", ")
end

-- Replacements for gsub: deterministic, some keep the match (nil/false),
-- one is invalid (a table).
local function repl_function(...)
	local n = select("#", ...)
	local first = ...
	if first == "a" then
		return nil
	elseif first == "b" then
		return false
	elseif first == "(" then
		return {}
	end
	local parts = {}
	for i = 1, n do
		parts[i] = tostring((select(i, ...)))
	end
	return "<" .. n .. ":" .. table.concat(parts, "|") .. ">"
end
local repl_table = {a = "[A]", b = false, ab = 1, [""] = "E", x = {},
	[1] = "one", [3] = 3.5, ["1"] = "str1", hello = "HI"}

-- Hand-written cases -------------------------------------------------------

local classes = {"a", "c", "d", "g", "l", "p", "s", "u", "w", "x"}
local all_bytes = {}
for i = 0, 255 do
	all_bytes[#all_bytes + 1] = string.char(i)
end
all_bytes = table.concat(all_bytes)
for _, c in ipairs(classes) do
	for _, k in ipairs({c, c:upper()}) do
		case("gsub", all_bytes, "%" .. k, "")
		case("gsub", all_bytes, "[%" .. k .. "]+", "#")
		case("gsub", all_bytes, "[^%" .. k .. "]", "")
		case("find", all_bytes, "%" .. k .. "+")
		case("match", "  x1_Y;\t\0\127é", "%" .. k .. "*")
	end
end
for _, lit in ipairs({"%.", "%%", "%-", "%*", "%+", "%?", "%[", "%]", "%(",
	"%)", "%^", "%$", "%q", "%z", "%_", "%1x"}) do
	case("find", "a.%-*+?[]()^$qz_1x", lit)
end

local basic = {
	{"hello world", "o w"}, {"hello world", "o", 6}, {"hello", "l+"},
	{"hello", "l*"}, {"hello", "l-"}, {"hello", "l?"}, {"hello", "x*"},
	{"hello", ""}, {"", ""}, {"", "a*"}, {"", "^$"}, {"abc", "^abc$"},
	{"abc", "^b"}, {"abc", "c$"}, {"a$b", "$b"}, {"a$b", "a$"},
	{"a^b", "a^b"}, {"^ab", "^^a"}, {"abc", "."}, {"abc", ".-c"},
	{"aaa", "a-$"}, {"aaab", "a-b"}, {"aaab", "^a-b"}, {"ab", "a?b?c?"},
	{"[]", "[]]"}, {"a]b", "[]]"}, {"a]b", "[^]]+"}, {"a-b", "[a-]+"},
	{"a-b", "[-a]+"}, {"abc-", "[%a-]+"}, {"x-y", "[x%-y]+"},
	{"0x1F", "0x[%x]+"}, {"abcdef", "[b-d]+"}, {"abcdef", "[^b-d]+"},
	{"a^b", "[b^]+"}, {"a^b", "[%^]"}, {"%", "[%%]"}, {"a]", "[%]]"},
	{"THE (quick) fox", "%((%a+)%)"}, {"f(a(b)c)d", "%b()"},
	{"f(a(b)c", "%b()"}, {"((x)", "%b()"}, {"xx", "%bxx"}, {"[[]]", "%b[]"},
	{"THE (quick) fox", "%f[%a]%a+"}, {"hello world", "%f[%w]%w+", 2},
	{"end", "%f[%z]"}, {"ab", "%f[%A]"}, {"x1", "%f[%d]"},
	{"hello", "()ll()"}, {"hello", "()"}, {"hello", "(h)(e)(l)(l)(o)"},
	{"hello", "((h)(e))"}, {"key = value", "(%w+)%s*=%s*(%w+)"},
	{"abab", "(ab)%1"}, {"abba", "(a)(b)%2%1"}, {"aa", "()a%1"},
	{"x = 'y'", "([\"'])(.-)%1"}, {"a\0b\0c", "%z"}, {"a\0b", "\0"},
	{"a\0b", "[\0]"}, {"a\0b", "[^\0]+"}, {"a\0b", "a%Zb"},
	{"a.b", "a.b", 1, true}, {"a.b", "%.", 1, true}, {"abc", "b", -1},
	{"abc", "b", -2}, {"abc", "b", -10}, {"abc", "b", 0}, {"abc", "", 4},
	{"abc", "", 5}, {"abc", "", 100}, {"abc", "c", 3}, {"abc", "^c", 3},
	{"abc", "b", 2, false}, {"a+b", "+", 1, 1}, {"aaa", "^a", 2},
	{"éèê", "[\195][\168-\170]"}, {"\255\254", "[\254-\255]+"},
	{"date: 2024-01-31", "(%d+)-(%d%d)-(%d%d)"},
	{"  trim me  ", "^%s*(.-)%s*$"}, {"a,b,,c", "([^,]*)"},
	-- A failed start skips the run its first repeated class matched.
	{"curl -fsSL https://x.io/install.sh | sh", "([^%s;&|()]+)%s*$"},
	{"one two three  ", "(%S+)%s*$"}, {"a/bb/ccc", "([^/]+)$"},
	{"aaab aab", "(a+)b"}, {"aaa aab", "a-b"}, {"aaxaaay", "a*y"},
	{"word word", "()%a+()$"}, {"abcabd", "[abc]+d"}, {"xxxx", "x+y"},
	{"aXbX", "%u+$"}, {"aaa", "a-$"}, {"ab ab", "((a+)b)$"},
	{"aab aab", "(a+)b %1"}, {"a(b) a(b)", "%a+%b()$"},
	{"xx yy", "%f[%a]%a+$"}, {"long" .. ("w"):rep(300) .. " end", "(%w+)$"},
}
for _, b in ipairs(basic) do
	case("find", table.unpack(b, 1, 4))
	case("match", table.unpack(b, 1, 3))
	case("gmatch", table.unpack(b, 1, 3))
end

local errors = {
	"%", "a%", "[a", "[", "[^", "[]", "[^]", "[a%]", "(", "a(", ")", "a)",
	"(()", "%b", "%bx", "%f", "%fx", "%f[a", "%1", "(a)%2", "(a%1)", "%0",
	"(a)%0", "(()%1)", "((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))",
	("()"):rep(33), ("()"):rep(32), ("(a)"):rep(32), "(a", "a(b", "%g(",
	"[%", "[%a", "x%", "a*%", "%b()%",
}
for _, p in ipairs(errors) do
	for _, s in ipairs({"", "a", "x", "ab(c)", ("a"):rep(40)}) do
		case("find", s, p)
		case("match", s, p)
		case("gmatch", s, p)
		case("gsub", s, p, "-")
	end
end

-- Depth: each pending alternative is one level.
for _, n in ipairs({10, 100, 150, 190, 198, 199, 200, 201, 210, 300}) do
	for _, item in ipairs({"a?", "a*", "a-", "a+b", "(a)", "()"}) do
		for _, s in ipairs({"a", "b", "ab"}) do
			case("find", s:rep(n), item:rep(n))
		end
	end
	case("match", ("a"):rep(n) .. "b", ("a"):rep(n) .. "b")
	case("match", ("a"):rep(n), ("%a"):rep(n))
	case("find", ("(x)"):rep(n), ("%b()"):rep(n))
end

local replacements = {"-", "%0", "<%1>", "%1%2", "%%", "%", "x%", "%a",
	"%9", "%2", 42, 3.25, repl_function, repl_table, true, {}}
local gsubs = {
	{"hello world", "o"}, {"hello world", "(o)"}, {"hello world", "%w+"},
	{"hello world", "(%w+) (%w+)"}, {"hello world", "()o()"},
	{"abc", ""}, {"abc", "x*"}, {"abc", "b*"}, {"abc", "^"}, {"abc", "$"},
	{"abc", "^a"}, {"abc", "^x"}, {"", ""}, {"", "x"}, {"a b a", "a"},
	{"a b a", "(a)"}, {"ab ab", "ab"}, {"(x)", "%b()"}, {"aaa", "a-"},
	{"a.b", "%."}, {"one two", "%f[%w]"}, {"hello", "l"}, {"x", "(x)(y?)"},
	{"foo bar  baz", "%a+$"}, {"aab aab", "a+b"}, {"aab ab", "(a*)b"},
	{"xaay", "a-y"}, {"ab ab ab", "%a+ ?$"},
}
for _, g in ipairs(gsubs) do
	for i = 1, #replacements + 1 do
		local r = replacements[i]
		case("gsub", g[1], g[2], r)
		for _, n in ipairs({0, 1, 2, -1, 2.0, 1.5, "1", "x"}) do
			if i <= 4 then
				case("gsub", g[1], g[2], r, n)
			end
		end
	end
end

-- Wrong argument types.
for _, f in ipairs({"find", "match", "gmatch", "gsub"}) do
	case(f)
	case(f, "a")
	case(f, nil, "a")
	case(f, {}, "a")
	case(f, "a", {})
	case(f, 12, 1)
	case(f, "a", "a", "x")
	case(f, "a", "a", 1.5)
	case(f, "a", "a", {})
end
case("gsub", "a", "a", nil, "x")
case("gsub", "a", "a", nil)

-- rep and move (small enough for the stock loops).
for _, r in ipairs({{"ab", 3}, {"ab", 3, ","}, {"", 5}, {"", 5, ""},
	{"", 3, "-"}, {"x", 0}, {"x", -5, ","}, {"x", 1, ","}, {"x", 2.0},
	{"x", 2.5}, {"x", "3"}, {"x", 1e300}, {"xy", math.maxinteger},
	{"x", 2 ^ 31}, {"ab", 2 ^ 30}, {"a", 2 ^ 30, "b"},
	{"", math.maxinteger, "ab"}, {"x"}, {}, {{}, 1}, {"x", 1, {}}}) do
	case("rep", table.unpack(r, 1, 3))
end
-- Tables with metamethods; each side gets fresh ones. `proxy` makes up
-- values and changes what is stored; `stored` keeps a list elsewhere.
local function proxy()
	return setmetatable({}, {__index = function(_, k)
		return k * 10
	end, __newindex = function(t, k, v)
		rawset(t, k, v + 1)
	end, __len = function()
		return 3
	end})
end
local function stored()
	local store = {5, 3, 9, 1}
	return setmetatable({}, {store = store, __index = store,
		__newindex = function(_, k, v)
			store[k] = v
		end, __len = function()
			return #store
		end})
end
for _, m in ipairs({{{1, 2, 3}, 1, 3, 2}, {{1, 2, 3}, 2, 3, 1},
	{{1, 2, 3}, 1, 3, 3}, {{1, 2, 3}, 1, 0, 5}, {{1, 2, 3}, 1, 3, 1, {}},
	{{1, 2, 3}, 1, 3, 2, {9, 9}}, {{1, nil, 3}, 1, 3, 4},
	{{}, math.mininteger, 0, 1}, {{}, 1, 2, math.maxinteger},
	{{}, -2, 1, 1}, {proxy, 1, 3, 1, {}}, {{1, 2}, 1, 2, 1, proxy},
	{nil, 1, 1, 1}, {"abc", 1, 2, 1, {}}, {{}, "x", 1, 1}, {{}, 1, 1, 1, 5},
	{{1}, 1, 1}, {{1}, 1.5, 1, 1}, {{1, 2, 3}, 3, 1, 1}}) do
	case("move", table.unpack(m, 1, 5))
end
for _, a in ipairs({{{1, 2, 3}, 4}, {{1, 2, 3}, 1, 0}, {{1, 2, 3}, 4, 9},
	{{1, 2, 3}, 5, 9}, {{1, 2, 3}, 0, 9}, {{}, 1, "x"}, {{1, 2, 3}},
	{{1}, 1, 2, 3}, {nil, 1}, {{1}, "x", 2}, {{1}, 1.5, 2}, {{1}, "1", 2},
	{proxy, 1, 5}, {proxy, 5}, {stored, 2, 7}, {"abc", 1}, {{1}, nil, 2}}) do
	case("insert", table.unpack(a, 1, 4))
end
for _, a in ipairs({{{1, 2, 3}}, {{1, 2, 3}, 1}, {{1, 2, 3}, 3},
	{{1, 2, 3}, 4}, {{1, 2, 3}, 5}, {{1, 2, 3}, 0}, {{}, 0}, {{}},
	{{}, -1}, {{}, 1}, {{}, 2}, {proxy}, {proxy, 1}, {stored, 2},
	{{1, 2, 3}, "2"}, {{1, 2}, 1.5}, {nil}}) do
	case("remove", table.unpack(a, 1, 2))
end
for _, a in ipairs({{{1, 2, 3}}, {{1, 2, 3}, ", "}, {{1, 2, 3}, ",", 2},
	{{1, 2, 3}, ",", 2, 3}, {{1, 2, 3}, ",", 3, 2}, {{1, {}, 3}},
	{{1, 2, 3}, ",", 1, 5}, {{"a", 1.5, 2}}, {{}, "x"}, {proxy, "-", 1, 3},
	{proxy}, {stored, "+"}, {{1, 2}, {}}, {{1, 2}, ",", "x"},
	{{1, 2}, 3}, {"abc"}, {{"a", "b"}, "\0", -1, 2}}) do
	case("concat", table.unpack(a, 1, 4))
end
local function greater(a, b)
	return a > b
end
for _, a in ipairs({{{3, 1, 2}}, {{3, 1, 2}, greater}, {{"b", "a", "c"}},
	{{1, "x"}}, {{3, 1, 2}, 5}, {{}}, {{1}, 5}, {stored}, {stored, greater},
	{{5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 5, 1}}, {"abc"}, {nil}}) do
	case("sort", table.unpack(a, 1, 2))
end

-- Random cases -------------------------------------------------------------

-- A small linear congruential generator, so the cases do not depend on
-- math.random's algorithm.
local seed = 20240531
local function rand(n)
	seed = (seed * 1103515245 + 12345) % 2147483648
	return seed // 65536 % n + 1
end
local function pick(list)
	return list[rand(#list)]
end

local subject_chars = {"a", "a", "b", "b", "c", "A", "1", "2", " ", ".", "(",
	")", "[", "]", "%", "-", "^", "$", "\0", "\n", "x", "é"}
local items = {"a", "b", "c", ".", "%a", "%d", "%s", "%w", "%p", "%x", "%A",
	"%S", "%W", "%.", "%%", "[ab]", "[^a]", "[a-c]", "[%d.]", "[]]",
	"[^%s]", "[%a-]", "%(", " ", "x", "\0", "%z"}
local quantifiers = {"", "", "", "*", "+", "-", "?"}
local specials = {"(", ")", "()", "%b()", "%bab", "%f[%w]", "%f[%s]",
	"%1", "%2", "$", "^", "%", "[", "[^", "%f", "%b"}

local function random_subject()
	local t = {}
	for i = 1, rand(13) - 1 do
		t[i] = pick(subject_chars)
	end
	return table.concat(t)
end

local function random_pattern()
	local t = {}
	if rand(4) == 1 then
		t[1] = "^"
	end
	local open = 0
	for _ = 1, rand(7) do
		local r = rand(10)
		if r <= 6 then
			t[#t + 1] = pick(items) .. pick(quantifiers)
		elseif r == 7 then
			t[#t + 1] = "("
			open = open + 1
		elseif r == 8 and open > 0 then
			t[#t + 1] = ")"
			open = open - 1
		else
			t[#t + 1] = pick(specials)
		end
	end
	if rand(3) > 1 then
		t[#t + 1] = (")"):rep(open)
	end
	if rand(6) == 1 then
		t[#t + 1] = "$"
	end
	return table.concat(t)
end

local function random_cases(count)
	local inits = {nil, 1, 2, 0, -1, -3, 5, 20, -20}
	for _ = 1, count do
		local s, p = random_subject(), random_pattern()
		local init = inits[rand(9)]
		local f = rand(4)
		if f == 1 then
			case("find", s, p, init, rand(8) == 1)
		elseif f == 2 then
			case("match", s, p, init)
		elseif f == 3 then
			case("gmatch", s, p, init)
		else
			local n = ({nil, 0, 1, 2, 5})[rand(5)]
			case("gsub", s, p, pick(replacements), n)
		end
	end
end

local table_functions = {move = true, insert = true, remove = true,
	concat = true, sort = true}

-- Running ------------------------------------------------------------------

-- Calls lib[name] with the case's arguments (all of gmatch's iterations);
-- not a tail call, so error messages name the function alike.
local function run(lib, name, args)
	local f = lib[name]
	local ok, r = pcall(function()
		local out = table.pack(f(table.unpack(args, 2, args.n)))
		if name ~= "gmatch" then
			return show_pack(out)
		end
		local it = out[1]
		local all = {}
		for _ = 1, 200 do
			local step = table.pack(it())
			all[#all + 1] = show_pack(step)
			if step[1] == nil then
				break
			end
		end
		return table.concat(all, "; ")
	end)
	if not ok then
		return "error: " .. tostring(r)
	end
	if name == "move" then
		return show(args[6] or args[2]) .. " -> " .. r
	elseif table_functions[name] then
		return show(args[2]) .. " -> " .. r
	end
	return r
end

return function(stock_string, our_string, stock_table, our_table,
	random_count)
	random_cases(random_count)
	local stock = setmetatable({}, {__index = stock_string})
	local ours = setmetatable({}, {__index = our_string})
	for name in pairs(table_functions) do
		stock[name], ours[name] = stock_table[name], our_table[name]
	end
	local mismatches = {}
	for _, c in ipairs(cases) do
		local name = c[1]
		-- Table functions change their tables: each side gets a copy.
		local c2 = table.pack(table.unpack(c, 1, c.n))
		if table_functions[name] then
			for i = 2, c.n do
				if c[i] == proxy or c[i] == stored then
					c[i], c2[i] = c[i](), c[i]()
				elseif type(c[i]) == "table" then
					c2[i] = table.move(c[i], 1, #c[i], 1, {})
					c[i] = table.move(c[i], 1, #c[i], 1, {})
				end
			end
		end
		local want = run(stock, name, c)
		local got = run(ours, name, c2)
		if want ~= got then
			mismatches[#mismatches + 1] = string.format(
				"%s(%s):\n  stock: %s\n  ours:  %s", name,
				show_pack(c), want, got)
		end
	end
	return #cases, mismatches
end

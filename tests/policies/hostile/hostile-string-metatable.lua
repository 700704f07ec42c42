-- Hostile policy: alters the string metatable
return {
	id = "hostile-string-metatable",
	title = "Hostile: alters the string metatable",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: alters the string metatable.",
	check = function(doc, report)
		pcall(function() string.upper = function() return "pwned" end end)
		pcall(function() getmetatable("").__index = { upper = function() return "pwned" end } end)
		pcall(setmetatable, string, nil)
		pcall(function() table.insert = nil end)
		local mt = getmetatable("")
		mt.__index = function() return "pwned" end
	end,
}

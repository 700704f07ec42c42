-- Hostile policy: hides a finaliser
return {
	id = "hostile-gc",
	title = "Hostile: hides a finaliser",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: hides a finaliser.",
	check = function(doc, report)
		setmetatable({}, {__gc = function() while true do end end})
	end,
}

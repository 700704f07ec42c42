-- Hostile policy: loops forever inside pcall
return {
	id = "hostile-loop-in-pcall",
	title = "Hostile: loops forever inside pcall",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: loops forever inside pcall.",
	check = function(doc, report)
		while true do
			pcall(function() while true do end end)
			xpcall(function() while true do end end, function(e) return e end)
		end
	end,
}

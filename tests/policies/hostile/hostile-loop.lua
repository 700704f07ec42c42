-- Hostile policy: loops forever
return {
	id = "hostile-loop",
	title = "Hostile: loops forever",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: loops forever.",
	check = function(doc, report)
		while true do end
	end,
}

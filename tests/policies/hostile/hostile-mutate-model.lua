-- Hostile policy: writes to the model
return {
	id = "hostile-mutate-model",
	title = "Hostile: writes to the model",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: writes to the model.",
	check = function(doc, report)
		for _, c in ipairs(doc.containers) do c.name = "pwned" end
	end,
}

-- Hostile policy: errors in check
return {
	id = "hostile-error",
	title = "Hostile: errors in check",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: errors in check.",
	check = function(doc, report)
		local containers = doc.containers
		error("deliberate failure in check")
	end,
}

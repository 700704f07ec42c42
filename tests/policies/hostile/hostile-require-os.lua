-- Hostile policy: requires os
return {
	id = "hostile-require-os",
	title = "Hostile: requires os",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: requires os.",
	check = function(doc, report)
		local os = require("os")
		os.exit(3)
	end,
}

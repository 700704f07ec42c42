-- Hostile policy: reports a span outside the file
return {
	id = "hostile-outside",
	title = "Hostile: reports a span outside the file",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: reports a span outside the file.",
	check = function(doc, report)
		report({line = 99999}, "far away")
	end,
}

-- Hostile policy: reads a file
return {
	id = "hostile-read-file",
	title = "Hostile: reads a file",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: reads a file.",
	check = function(doc, report)
		local f = io.open("/etc/passwd")
		report({line = 1}, f:read("a"))
	end,
}

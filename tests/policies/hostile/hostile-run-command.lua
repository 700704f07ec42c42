-- Hostile policy: runs a command
return {
	id = "hostile-run-command",
	title = "Hostile: runs a command",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: runs a command.",
	check = function(doc, report)
		os.execute("touch /tmp/plimsoll-pwned")
	end,
}

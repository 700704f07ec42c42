-- Hostile policy: loads bytecode
return {
	id = "hostile-load-bytecode",
	title = "Hostile: loads bytecode",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: loads bytecode.",
	check = function(doc, report)
		local chunk = "\27Lua\84\0\25\147\13\10\26\10"
		local f = (load or loadstring)(chunk, "x", "b")
		f()
	end,
}

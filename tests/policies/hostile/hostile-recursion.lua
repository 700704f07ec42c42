-- Hostile policy: recurses without end, also through pcall
return {
	id = "hostile-recursion",
	title = "Hostile: recurses without end, also through pcall",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: recurses without end, also through pcall.",
	check = function(doc, report)
		local function deep() return 1 + deep() end
		local function nested() pcall(nested) return nested() end
		pcall(deep)
		nested()
	end,
}

-- Hostile policy: string.rep bomb
return {
	id = "hostile-rep-bomb",
	title = "Hostile: string.rep bomb",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: string.rep bomb.",
	check = function(doc, report)
		local s = "bomb"
		for i = 1, 64 do s = s:rep(2) .. s end
		report({line = 1}, s)
	end,
}

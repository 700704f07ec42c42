-- Hostile policy: allocates 10 GB
return {
	id = "hostile-alloc",
	title = "Hostile: allocates 10 GB",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: allocates 10 GB.",
	check = function(doc, report)
		-- Ten strings of 1 GiB each (string.rep alone stops at 2 GiB).
		local t = {}
		for i = 1, 10 do
			t[i] = string.rep("x", 1024 * 1024 * 1024 - 1)
		end
		report({line = 1}, #t)
	end,
}

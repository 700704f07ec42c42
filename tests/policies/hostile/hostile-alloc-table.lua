-- Hostile policy: fills a table until memory runs out, catching errors
return {
	id = "hostile-alloc-table",
	title = "Hostile: fills a table until memory runs out, catching errors",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: fills a table until memory runs out, catching errors.",
	check = function(doc, report)
		local t = {}
		while true do
			pcall(function()
				for i = 1, 1e9 do t[#t + 1] = {i} end
			end)
		end
	end,
}

-- Hostile policy: floods findings, then fails
return {
	id = "hostile-flood",
	title = "Hostile: floods findings, then fails",
	severity = "low",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "A policy that tries to escape the sandbox: floods findings, then fails.",
	check = function(doc, report)
		for i = 1, 20000 do
			report({line = 1}, "finding " .. i)
		end
		-- Past the cap the rest are counted, not kept; failing then
		-- drops the run's findings altogether.
		error("failed after flooding")
	end,
}

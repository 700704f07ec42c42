-- A policy whose fixtures are wrong on purpose: `plimsoll test` must fail
-- on each mistake with file:line (tests/policies/check_test_failures.py).
local p = require("plimsoll")
return {
	id = "every-from",
	title = "Reports every FROM",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Reports every FROM instruction.",
	check = function(doc, report)
		for ins in p.instructions(doc, "FROM") do
			report(ins, "FROM " .. tostring(ins.args and ins.args[1]))
		end
	end,
}

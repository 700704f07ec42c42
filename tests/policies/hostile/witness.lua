-- The witness: a well-behaved policy that runs after every hostile one
-- (ids sort before "witness") and uses the libraries they try to spoil.
local p = require("plimsoll")
return {
	id = "witness",
	title = "Witness",
	severity = "info",
	applies_to = {"dockerfile", "compose", "kubernetes"},
	description = "Reports each container's name, upper-cased.",
	check = function(doc, report)
		assert(type(table.insert) == "function")
		for c in p.containers(doc) do
			local name = c.name:upper() .. "/" .. string.upper(c.name)
			report(c, "name", name .. " " .. p.parse_user("0:0").uid)
		end
	end,
}

-- Reports the values of its settings, one of each type, on line 1.
local p = require("plimsoll")

return {
	id = "settings-echo",
	title = "Reports its settings",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Reports the value of each of its settings (a test).",
	settings = {
		{name = "label", type = "string", default = "none",
		 description = "A string."},
		{name = "count", type = "int", default = 3,
		 description = "An integer."},
		{name = "strict", type = "bool", default = false,
		 description = "A boolean."},
		{name = "names", type = "list", default = {"a", "b"},
		 description = "A list of strings."},
	},
	check = function(doc, report)
		report({line = 1}, ("label=%s count=%d strict=%s names=%s")
			:format(p.setting("label"), p.setting("count"),
				tostring(p.setting("strict")),
				table.concat(p.setting("names"), "|")))
	end,
}

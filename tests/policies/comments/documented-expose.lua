-- Reports each EXPOSE unless a comment on its line or the line above
-- documents it with "allow:"; also reports how many comments it sees.
local p = require("plimsoll")

return {
	id = "documented-expose",
	title = "EXPOSE without a documented reason",
	severity = "low",
	applies_to = {"dockerfile"},
	description = "A test of p.comments and p.comment_near.",
	check = function(doc, report)
		report({line = 1}, ("%d comments"):format(#p.comments(doc)))
		for i in p.instructions(doc, "EXPOSE") do
			local text = p.comment_near(i)
			if text == nil or not text:find("allow:", 1, true) then
				report(i, "EXPOSE without a documented reason")
			end
		end
	end,
}

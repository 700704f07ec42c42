return {
	id = "every-service",
	title = "Reports every Service of the project",
	severity = "info",
	applies_to = {"kubernetes"},
	scope = "project",
	description = "A project policy whose fixtures are partly wrong.",
	check = function(project, report)
		for _, o in ipairs(project.objects) do
			if o.kind == "Service" then
				report(o, "name", "Service " .. o.name)
			end
		end
	end,
}

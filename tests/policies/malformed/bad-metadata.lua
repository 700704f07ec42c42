-- Hostile policy: returns malformed metadata (bad id, unknown severity).
return {
	id = "Not A Slug",
	title = "Malformed",
	severity = "apocalyptic",
	applies_to = {"dockerfile"},
	description = "Malformed metadata.",
	check = function() end,
}

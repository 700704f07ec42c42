local p = require("plimsoll")
local registries = require("acme.registries")

return {
  id = "acme/no-public-registry",
  title = "Image does not come from the Acme registry",
  severity = "high",
  applies_to = { "dockerfile", "compose", "kubernetes" },
  tags = { "security", "supply-chain", "CWE-829" },
  description = [[
Images must be pulled from `registry.acme.example`, where they are scanned
and signed. Mirror the image there and refer to it by that name.
]],
  check = function(doc, report)
    for c in p.containers(doc) do
      local image = c.image
      -- An image named by a variable cannot be checked here.
      if image ~= nil and not image.text:find("$", 1, true)
          and not registries.is_allowed(image.registry) then
        report(image, "text",
          ("%s uses %s, which is not from registry.acme.example")
            :format(p.describe(c), image.text),
          { fix = "Mirror it as registry.acme.example/" .. (image.repository or "") })
      end
    end
  end,
}

local M = {}

M.allowed = { ["registry.acme.example"] = true }

function M.is_allowed(registry)
  return registry ~= nil and M.allowed[registry] == true
end

return M

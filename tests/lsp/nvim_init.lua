-- Neovim's own LSP client drives `plimsoll lsp` over a Dockerfile, a
-- Compose file and a Kubernetes manifest, applies the Compose file's
-- fix code action, then edits the Dockerfile so that one diagnostic goes. What it saw is written as JSON to $PLM_OUT
-- for test_neovim.py to check. Works with Neovim 0.7 (vim.lsp.start_client)
-- and later.
vim.cmd("filetype on")
local exe = os.getenv("PLM_EXE")
local dir = os.getenv("PLM_DIR")
local out = os.getenv("PLM_OUT")
local results = {files = {}, errors = {}}

local function finish()
	local f = io.open(out, "w")
	f:write(vim.fn.json_encode(results))
	f:close()
	vim.cmd("qall!")
end

local ok, err = pcall(function()
	local client = vim.lsp.start_client({
		name = "plimsoll",
		cmd = {exe, "lsp"},
		root_dir = dir,
	})
	assert(client, "the client did not start")

	local function codes(buf)
		local list = {}
		for _, d in ipairs(vim.diagnostic.get(buf)) do
			list[#list + 1] = {code = d.code, lnum = d.lnum, col = d.col,
				severity = d.severity, source = d.source}
		end
		return list
	end

	local function has(buf, code)
		for _, d in ipairs(vim.diagnostic.get(buf)) do
			if d.code == code then
				return true
			end
		end
		return false
	end

	local function open(name, code)
		vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/" .. name))
		local buf = vim.api.nvim_get_current_buf()
		vim.lsp.buf_attach_client(buf, client)
		local seen = vim.wait(8000, function() return has(buf, code) end, 20)
		results.files[name] = {seen = seen, filetype = vim.bo[buf].filetype,
			diagnostics = codes(buf)}
		return buf
	end

	local docker = open("Dockerfile", "runs-as-root")
	local compose = open("compose.yaml", "privileged")
	open("pod.yaml", "privileged")

	-- The preferred code action of the privileged finding, applied as
	-- Neovim applies a workspace edit: the diagnostic goes.
	local fix = {}
	local lsp_client = vim.lsp.get_client_by_id(client)
	for _, d in ipairs(vim.diagnostic.get(compose)) do
		if d.code == "privileged" then
			local lsp = vim.lsp.diagnostic.get_line_diagnostics(compose,
				d.lnum)
			local params = {textDocument = {uri = vim.uri_from_bufnr(compose)},
				range = lsp[1].range, context = {diagnostics = lsp}}
			local r = lsp_client.request_sync("textDocument/codeAction", params,
				5000, compose)
			assert(r and r.result, "no answer to codeAction")
			for _, a in ipairs(r.result) do
				fix.titles = (fix.titles or "") .. a.title .. "\n"
				if a.isPreferred and fix.applied == nil then
					vim.lsp.util.apply_workspace_edit(a.edit,
						lsp_client.offset_encoding or "utf-16")
					fix.applied = a.title
				end
			end
		end
	end
	fix.cleared = vim.wait(8000, function()
		return not has(compose, "privileged")
	end, 20)
	fix.line = vim.api.nvim_buf_get_lines(compose, 3, 4, false)[1]
	results.fix = fix

	-- An edit through the client's incremental sync: a USER line after
	-- the last one clears runs-as-root, and nothing else goes.
	vim.api.nvim_buf_set_lines(docker, -1, -1, false, {"USER 10001"})
	local cleared = vim.wait(8000, function()
		return not has(docker, "runs-as-root")
	end, 20)
	results.after_edit = {cleared = cleared, diagnostics = codes(docker)}
end)
if not ok then
	results.errors[#results.errors + 1] = tostring(err)
end
finish()

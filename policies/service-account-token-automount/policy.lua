-- service-account-token-automount: a token mounted into every pod is a
-- credential for the Kubernetes API that most applications never use.
local p = require("plimsoll")

-- ServiceAccounts of the file that opt out of automounting.
local function opted_out_accounts(doc)
	local out = {}
	pcall(function()
		for _, d in ipairs(doc.tree or {}) do
			local items = p.is_node(d) and d.kind ~= nil and
				tostring(d.kind):find("List$") and d.items or {d}
			for _, o in ipairs(items) do
				if p.is_node(o) and o.kind == "ServiceAccount" and
					o.automountServiceAccountToken == false and
					p.is_node(o.metadata) and o.metadata.name ~= nil then
					out[tostring(o.metadata.name)] = true
				end
			end
		end
	end)
	return out
end

return {
	id = "service-account-token-automount",
	title = "Service account token is mounted automatically",
	severity = "low",
	applies_to = {"kubernetes"},
	needs = {containers = true},
	tags = {"security", "CWE-522"},
	aliases = {"CKV_K8S_38", "KSV036", "AVD-KSV-0036"},
	precision = "medium",
	description = [[
Unless told otherwise, Kubernetes mounts a token of the pod's service
account into every container, at
`/var/run/secrets/kubernetes.io/serviceaccount`. Anyone who gets code
running in the container can use it against the API server with
whatever rights that account has (on many clusters, the `default`
account's, which grow as RBAC bindings are added). Most applications
never talk to the API: they should not carry the credential.

What is reported, once per pod: a pod whose
`automountServiceAccountToken` is `true` (on it) or unset (on the pod
spec) when no ServiceAccount of the same file with that name opts out
(`automountServiceAccountToken: false` on the ServiceAccount). Pods that
do call the API (operators, controllers) need the token: suppress the
finding with the reason, or mount a projected token explicitly.

How to fix:

```yaml
# before
spec:
  containers:
    - name: web
# after
spec:
  automountServiceAccountToken: false
  containers:
    - name: web
```

References: CIS Kubernetes Benchmark 5.1.6, "Ensure that Service Account
Tokens are only mounted where necessary"; Checkov CKV_K8S_38.
]],
	check = function(doc, report)
		local seen = {}
		local opted_out = nil
		for c in p.containers(doc, "kubernetes") do
			local pod = c.pod
			if pod ~= nil and not seen[pod.id] then
				seen[pod.id] = true
				local auto = c.automount_service_account_token
				opted_out = opted_out or opted_out_accounts(doc)
				local account = c.service_account_name or "default"
				local who = ("the pod of %s %q"):format(
					c.workload and c.workload.kind or "workload",
					c.workload and c.workload.name or "")
				local extra = {fix = "Set `automountServiceAccountToken: "
					.. "false` on the pod (or its ServiceAccount)."}
				if auto == true then
					report(c, "automount_service_account_token",
						("%s mounts the service account token of %q"):format(
						who, account), extra)
				elseif auto == nil and not opted_out[account] then
					report(pod.source, ("%s mounts the service account "
						.. "token of %q automatically "
						.. "(automountServiceAccountToken is unset)")
						:format(who, account), extra)
				end
			end
		end
	end,
}

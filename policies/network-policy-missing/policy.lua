-- network-policy-missing: a workload whose pods no NetworkPolicy of their
-- namespace selects accepts traffic from anywhere in the cluster.
local p = require("plimsoll")

-- A selector as a string, the same for the same selector: its
-- matchLabels pairs in key order, then its expressions as written, each
-- part quoted so that no two selectors share one.
local function selector_key(selector)
	local keys, parts = {}, {}
	for k in pairs(selector.match_labels or {}) do
		keys[#keys + 1] = k
	end
	table.sort(keys)
	for _, k in ipairs(keys) do
		parts[#parts + 1] = ("%q=%q"):format(k, selector.match_labels[k])
	end
	for _, x in ipairs(selector.match_expressions or {}) do
		local values = {}
		for i, v in ipairs(x.values or {}) do
			values[i] = ("%q"):format(v)
		end
		parts[#parts + 1] = ("%q %q (%s)"):format(x.key, x.operator,
			table.concat(values, ","))
	end
	return table.concat(parts, ";")
end

return {
	id = "network-policy-missing",
	title = "Workload is not selected by any NetworkPolicy",
	severity = "low",
	applies_to = {"kubernetes"},
	scope = "project",
	tags = {"security", "CIS-5.3.2"},
	aliases = {"non-isolated-pod"},
	precision = "medium",
	description = [[
Pods that no NetworkPolicy selects accept connections from every pod in
the cluster and may connect anywhere: one compromised pod can reach
them all. The CIS Kubernetes Benchmark (5.3.2) asks for network policies
in every namespace.

What is reported: each Kubernetes object that runs pods (a Pod, or a
workload with a pod template) whose pod labels no NetworkPolicy's
`spec.podSelector` in the same namespace selects, across every file
of the project. An object without `metadata.namespace` is taken to be in
`default`. The finding lands on the object's name; the namespace's
NetworkPolicies, if any, are given as related locations.

How to fix: add a NetworkPolicy to the namespace, for instance a
default-deny policy that selects every pod (`podSelector: {}`), then
policies that allow the traffic each workload needs.

```yaml
# Before: namespace "shop" has a Deployment and no NetworkPolicy.
# After: every pod of "shop" is selected, and denied all traffic that
# another policy does not allow.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
```

References:

- Kubernetes: [network policies](https://kubernetes.io/docs/concepts/services-networking/network-policies/)
- CIS Kubernetes Benchmark 5.3.2
]],
	check = function(project, report)
		-- One pass over the objects: each namespace's policies and pods,
		-- and every pod in order with its namespace.
		local by_namespace, pods, all_pods, pod_ns = {}, {}, {}, {}
		for _, o in ipairs(project.objects) do
			local kind = o.kind
			if kind == "NetworkPolicy" and o.selector ~= nil then
				local ns = p.namespace(o)
				by_namespace[ns] = by_namespace[ns] or {}
				table.insert(by_namespace[ns], o)
			end
			if o.pod_labels ~= nil and kind ~= "PodTemplate" then
				local ns = p.namespace(o)
				pods[ns] = pods[ns] or {}
				table.insert(pods[ns], o)
				all_pods[#all_pods + 1] = o
				pod_ns[#all_pods] = ns
			end
		end
		-- the pods each namespace's policies select, policy by policy;
		-- a selector written again (the same policy in many files, a
		-- deny-all in every app's manifests) is asked once, and a
		-- namespace whose pods are all selected is left at once: the
		-- cost follows the distinct selectors, not policies × pods
		local selected = {}
		for ns, policies in pairs(by_namespace) do
			local in_ns = pods[ns]
			if in_ns ~= nil then
				local select = p.selector_index(in_ns)
				local asked, left = {}, #in_ns
				for _, np in ipairs(policies) do
					local key = selector_key(np.selector)
					if not asked[key] then
						asked[key] = true
						for _, o in ipairs(select(np.selector)) do
							if not selected[o] then
								selected[o] = true
								left = left - 1
							end
						end
					end
					if left == 0 then
						break
					end
				end
			end
		end
		for k, o in ipairs(all_pods) do
			local ns = pod_ns[k]
			local policies = by_namespace[ns] or {}
			if not selected[o] then
				local related = {}
				for i, np in ipairs(policies) do
					if i > 10 then
						break
					end
					related[i] = {node = np, field = "selector",
						message = ("NetworkPolicy %q of namespace %q "
						.. "selects other pods"):format(
						np.name or "?", ns)}
				end
				report(o, "name", ("%s %q in namespace %q is not "
					.. "selected by any NetworkPolicy"):format(
					o.kind or "object", o.name or "?", ns),
					{related = related,
					 fix = "Add a NetworkPolicy to namespace " .. ns
					 .. " whose podSelector selects these pods."})
			end
		end
	end,
}

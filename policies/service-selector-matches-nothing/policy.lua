-- service-selector-matches-nothing: a Service whose selector matches no
-- pod template of its namespace routes traffic nowhere.
local p = require("plimsoll")

-- How a message shows a selector: app=web, tier=front (sorted).
local function show(labels)
	local keys = {}
	for k in pairs(labels) do keys[#keys + 1] = k end
	table.sort(keys)
	for i, k in ipairs(keys) do keys[i] = k .. "=" .. labels[k] end
	return table.concat(keys, ", ")
end

return {
	id = "service-selector-matches-nothing",
	title = "Service selector matches no pod template",
	severity = "low",
	applies_to = {"kubernetes"},
	scope = "project",
	tags = {"reliability"},
	aliases = {"dangling-service"},
	precision = "medium",
	description = [[
A Service sends traffic to the pods its selector matches. When no pod
carries those labels, the Service has no endpoints: clients get
connection errors, usually because of a typo in a label or a selector
left behind by a rename.

What is reported: each Service with a `spec.selector` that matches the
pod labels of no workload (a Pod, or an object with a pod template) in
the same namespace, across every file of the project. An object without
`metadata.namespace` is taken to be in `default`. Nothing is reported
when the project defines no workload at all (its pods are deployed from
elsewhere). The finding lands on the selector; the namespace's
workloads are given as related locations.

How to fix: make the selector match the labels of the pod template it
is meant for (`spec.template.metadata.labels`), or remove the Service.

```yaml
# Before: the Deployment's pods are labelled app: web-frontend
kind: Service
spec:
  selector:
    app: web
# After
kind: Service
spec:
  selector:
    app: web-frontend
```

References:

- Kubernetes: [Services](https://kubernetes.io/docs/concepts/services-networking/service/#services-in-kubernetes)
  and [labels and selectors](https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/)
]],
	check = function(project, report)
		local workloads, any, selects = {}, false, {}
		for _, o in ipairs(project.objects) do
			if o.pod_labels ~= nil and o.kind ~= "PodTemplate" then
				local ns = p.namespace(o)
				workloads[ns] = workloads[ns] or {}
				table.insert(workloads[ns], o)
				any = true
			end
		end
		if not any then
			return
		end
		for _, s in ipairs(project.objects) do
			local sel = s.kind == "Service" and s.selector or nil
			if sel ~= nil and next(sel.match_labels) ~= nil then
				local ns = p.namespace(s)
				selects[ns] = selects[ns] or
					p.selector_index(workloads[ns] or {})
				if #selects[ns](sel, 1) == 0 then
					local related = {}
					for i, w in ipairs(workloads[ns] or {}) do
						if i > 10 then
							break
						end
						related[i] = {node = w, field = "pod_labels",
							message = ("%s %q has pod labels %s"):format(
							w.kind or "object", w.name or "?",
							show(w.pod_labels))}
					end
					report(s, "selector", ("Service %q in namespace %q "
						.. "selects %s, which no pod template in the "
						.. "namespace has"):format(s.name or "?", ns,
						show(sel.match_labels)),
						{related = related})
				end
			end
		end
	end,
}

-- ssh-port-exposed: an image that exposes port 22 runs an SSH server.
local p = require("plimsoll")

return {
	id = "ssh-port-exposed",
	title = "The image exposes the SSH port",
	severity = "medium",
	applies_to = {"dockerfile"},
	needs = {instructions = {"EXPOSE"}},
	tags = {"security", "attack-surface"},
	aliases = {"CKV_DOCKER_1", "DS004"},
	precision = "high",
	description = [[
Exposing port 22 means the container runs an SSH server: one more daemon
with its own keys and passwords to manage, a way in that bypasses the
container runtime's access control and audit, and a classic target for
brute force.

What is reported: `EXPOSE 22` (TCP, or a range that contains 22) in the
final stage or a stage it is built FROM.

How to fix: remove the SSH server and the `EXPOSE`; reach the container
with `docker exec` / `kubectl exec`, and copy files with `docker cp` /
`kubectl cp`. If the image is an SSH service by design (a git server, a
bastion), suppress the finding with a reason.

```dockerfile
# Before
RUN apt-get install -y openssh-server
EXPOSE 22 8080
# After
EXPOSE 8080
```

References:

- CIS Docker Benchmark 5.6 (do not run sshd within containers)
]],
	check = function(doc, report)
		local shipped = p.shipped_stages(doc)
		for ins, stage in p.instructions(doc, "EXPOSE") do
			if shipped[stage.index] then
				for k, port in ipairs(ins.ports or {}) do
					local from = port.container
					local to = port.container_end or from
					if from ~= nil and from <= 22 and to >= 22 and
						port.protocol ~= "udp" and port.protocol ~= "sctp" then
						report(ins.ports, k, "The image exposes port 22: it "
							.. "runs an SSH server.", {fix = "Drop the SSH "
							.. "server and this port; use docker exec or "
							.. "kubectl exec."})
					end
				end
			end
		end
	end,
}

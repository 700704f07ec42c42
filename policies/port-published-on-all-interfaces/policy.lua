-- port-published-on-all-interfaces:
-- a Compose port with no host address is open to every network the host is on.
local p = require("plimsoll")

local everywhere = {["0.0.0.0"] = true, ["::"] = true, ["[::]"] = true}

-- Web ports are usually published to be reached from outside.
local web = {[80] = true, [443] = true}

-- "5000-5002" for a range, "5432" for one port.
local function range(first, last)
	if first == nil then
		return nil
	end
	return last ~= nil and ("%s-%s"):format(first, last) or tostring(first)
end

return {
	id = "port-published-on-all-interfaces",
	title = "Port published on all host interfaces",
	severity = "medium",
	applies_to = {"compose", "command"},
	needs = {containers = true},
	tags = {"security", "network", "CWE-668"},
	aliases = {"451d79dc-0588-476a-ad03-3c7f0320abb3"},
	precision = "high",
	description = [[
`ports: ["5432:5432"]` publishes the port on every interface of the host,
not just on localhost: anyone who can reach the machine reaches the
service. Docker opens the port with its own iptables rules, ahead of host
firewalls such as ufw or firewalld, so a firewall that "blocks everything"
does not block it. Databases, caches and admin consoles published this
way during development are a classic way data ends up on the internet.

What is reported: each entry of a Compose service's `ports:` with no host
address, or `0.0.0.0` / `::` (short and long syntax; a bare container
port, published on an ephemeral host port, too), and a `docker run -P`
(`--publish-all`), which publishes every port the image exposes that
way. Ports 80 and 443 are reported at low severity: they are usually
meant to be public. Not
reported: a host address such as `127.0.0.1` or a private interface's
address, an address taken from a variable the file does not set, and
`expose:`, which publishes nothing.

How to fix: bind to the loopback (or to one interface) when only this
host needs the port, and let services talk over their Compose network
(no `ports:` at all) when only other services need it.

```yaml
# Before
services:
  db:
    image: postgres:16.4
    ports:
      - "5432:5432"
# After
services:
  db:
    image: postgres:16.4
    ports:
      - "127.0.0.1:5432:5432"
```

References:

- Docker: [published ports](https://docs.docker.com/engine/network/#published-ports)
  and [packet filtering and firewalls](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
- Compose: [ports](https://docs.docker.com/reference/compose-file/services/#ports)
]],
	check = function(doc, report)
		for c in p.containers(doc, p.docker_engine) do
			if c.publish_all == true then
				report(c, "publish_all", ("%s publishes every port its "
					.. "image exposes on every host interface (-P), on "
					.. "ephemeral host ports: they are reachable from any "
					.. "network the host is on, past host firewalls.")
					:format(p.describe(c)),
					{fix = "Drop -P (--publish-all) and publish only "
						.. "the ports needed, bound to one address, e.g. "
						.. "-p 127.0.0.1:8080:80."})
			end
			for i, port in ipairs(c.ports or {}) do
				local ip = port.host_ip
				if ip == nil or everywhere[ip] then
					local public = web[port.container] or web[port.host]
					local host = range(port.host, port.host_end)
					report(c.ports, i, ("%s publishes container port %s "
						.. "on every host interface (%s): it is reachable "
						.. "from any network the host is on, past host "
						.. "firewalls."):format(p.describe(c),
						range(port.container, port.container_end),
						host and "host port " .. host or
							(p.meta(c.ports, i).interpolated and
								"its host port is left to a variable" or
								"on an ephemeral host port")),
						{severity = public and "low" or nil,
						 fix = ("Bind it to one address, e.g. "
							.. "\"127.0.0.1:%s:%s\", or drop it from "
							.. (c.origin == "command" and "the command"
								or "`ports:`")
							.. " if only other services use it.")
							:format(host or "PORT",
							range(port.container, port.container_end))})
				end
			end
		end
	end,
}

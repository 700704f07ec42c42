#!/usr/bin/env python3
"""What the helpers read of a Dockerfile's model in one go, against
the same read field by field: check_native_reads.py PLIMSOLL [CORPUS].

A RUN's commands come from one native call (native.commands): a policy
asks p.run_commands and p.run_pipes about each RUN node, and about a
plain table holding the same command nodes, which the helpers read field
by field: both answers must agree (the nodes, argv, text and offsets).
The stages, each stage's instructions and keywords, and the instructions
of each keyword (ONBUILD triggers too) come from one walk of the tree,
made in one native call (p.stages, p.stage_instructions,
p.instructions): the policy walks the tree itself and compares, and
changes the copies it is handed. Over
Dockerfiles written for the edge cases and, when the shared corpus is
beside the source tree, its first 400 Dockerfiles.
"""
import json
import os
import subprocess
import sys
import tempfile

COMPARER = """local p = require("plimsoll")

-- Where a node is (its span's start), or the value itself: tostring
-- of a node names only its kind.
local function where(x)
	if not p.is_node(x) then
		return tostring(x)
	end
	local s = p.span(x)
	return s.start_line .. ":" .. s.start_column .. "-" .. s.end_line ..
		":" .. s.end_column
end

local function show_cmds(cmds)
	local out = {}
	for i, c in ipairs(cmds) do
		out[i] = where(c.node) .. "|" .. table.concat(c.argv, "\\1") ..
			"|" .. c.text .. "|" .. tostring(c.at)
	end
	return table.concat(out, "\\n")
end

local function show_pipes(pipes)
	local out = {}
	for i, pipe in ipairs(pipes) do
		out[i] = pipe.at .. ":" ..
			(pipe.left and where(pipe.left.node) or "-") .. ":" ..
			(pipe.right and where(pipe.right.node) or "-")
	end
	return table.concat(out, ",")
end

return {
	id = "compares-reads",
	title = "Compares the native reads with the plain ones",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Reports each RUN whose two answers differ.",
	check = function(doc, report)
		local commands = 0
		for ins in p.instructions(doc, "RUN") do
			local plain = {form = ins.form, text = ins.text,
				heredocs = ins.heredocs, commands = {}}
			for i, c in ipairs(ins.commands or {}) do
				plain.commands[i] = c
			end
			local a, b = p.run_commands(ins), p.run_commands(plain)
			commands = commands + #a
			if show_cmds(a) ~= show_cmds(b) then
				report(ins, "run_commands differ:\\n" .. show_cmds(a) ..
					"\\n--\\n" .. show_cmds(b))
			end
			local pa, ca = p.run_pipes(ins)
			local pb, cb = p.run_pipes(plain)
			if show_cmds(ca) ~= show_cmds(cb) or
				show_pipes(pa) ~= show_pipes(pb) then
				report(ins, "run_pipes differ: " .. show_pipes(pa) ..
					" / " .. show_pipes(pb))
			end
		end
		-- p.stages and p.stage_instructions, from one walk of the tree,
		-- against the tree read here; a user policy's copies changed
		-- change nothing
		local n = 0
		for stage in p.stages(doc) do
			n = n + 1
			if stage ~= doc.tree.stages[n] then
				report({line = 1}, "stage " .. n .. " differs")
			end
			local list, keywords = p.stage_instructions(doc, stage)
			local got, want, same = {}, {}, true
			for i, ins in ipairs(list) do
				got[i] = where(ins) .. "=" .. tostring(keywords[i])
			end
			for i, ins in ipairs(stage.instructions or {}) do
				want[i] = where(ins) .. "=" ..
					tostring(ins.keyword and ins.keyword:upper() or false)
				same = same and list[i] == ins
			end
			if not same or table.concat(got, ",") ~= table.concat(want, ",")
				or #keywords ~= #list then
				report({line = 1}, "stage " .. n .. ": " ..
					table.concat(got, ",") .. " / " .. table.concat(want, ","))
			end
			list[1], keywords[1] = "changed", "changed"
			local again, again_kw = p.stage_instructions(doc, stage)
			if #want > 0 and (again[1] == "changed" or
				again_kw[1] == "changed") then
				report({line = 1}, "a copy's change was kept")
			end
		end
		if n ~= #(doc.tree.stages or {}) then
			report({line = 1}, n .. " stages")
		end
		-- p.instructions, from the same walk, against the tree walked
		-- here: every instruction, or one keyword's (an ONBUILD's
		-- trigger under its own keyword too); the same nodes (==), in
		-- the same order
		local function walked(keyword)
			local out = {}
			for _, stage in ipairs(doc.tree.stages or {}) do
				for _, ins in ipairs(stage.instructions or {}) do
					local kw = ins.keyword and ins.keyword:upper() or false
					if keyword == nil or kw == keyword then
						out[#out + 1] = {ins, stage, false}
					end
					local t = kw == "ONBUILD" and keyword and ins.instruction
					if t and t.keyword and t.keyword:upper() == keyword then
						out[#out + 1] = {t, stage, ins}
					end
				end
			end
			return out
		end
		for _, keyword in ipairs({false, "RUN", "run", "ONBUILD", "COPY",
			"Add", "FROM", "NONE"}) do
			local got = {}
			for ins, stage, onbuild in p.instructions(doc, keyword or nil) do
				got[#got + 1] = {ins, stage, onbuild or false}
			end
			local want = walked(keyword and keyword:upper() or nil)
			local same = #got == #want
			for i = 1, same and #got or 0 do
				for k = 1, 3 do
					same = same and got[i][k] == want[i][k]
				end
			end
			if not same then
				local a, b = {}, {}
				for i, t in ipairs(got) do
					a[i] = where(t[1]) .. "/" .. where(t[3])
				end
				for i, t in ipairs(want) do
					b[i] = where(t[1]) .. "/" .. where(t[3])
				end
				report({line = 1}, "instructions " .. tostring(keyword) ..
					": " .. table.concat(a, ",") .. " / " ..
					table.concat(b, ","))
			end
		end
		report({line = 1}, "commands " .. commands)
	end,
}
"""

EDGES = """FROM alpine AS base
RUN apk add curl && sudo -u app env A=1 /usr/bin/pip install x | tee log
RUN sh -c 'apt-get update && apt-get install -y git' ; su app -c "ls | wc"
RUN ["sh", "-c", "echo a | grep a || true"]
RUN ["/bin/true"]
RUN []
RUN <<EOF
set -e
case "$(uname -m)" in amd64|x86_64) echo x ;; esac | cat
EOF
RUN echo "a|b" 'c|d' \\| e # | comment
RUN
ONBUILD RUN make | tee out
onbuild copy a /b
copy --from=base /x /y
ONBUILD
FROM base
RUN exec nohup timeout 5 nice -n 1 xargs -n 1 echo < list
"""


def main():
    exe = sys.argv[1]
    corpus = sys.argv[2] if len(sys.argv) > 2 else ""
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        policies = os.path.join(tmp, "policies")
        os.mkdir(policies)
        with open(os.path.join(policies, "compare.lua"), "w") as f:
            f.write(COMPARER)
        edges = os.path.join(tmp, "edges.Dockerfile")
        with open(edges, "w") as f:
            f.write(EDGES)
        files = [edges]
        folder = os.path.join(corpus, "dockerfile")
        if corpus and os.path.isdir(folder):
            files += [os.path.join(folder, n)
                      for n in sorted(os.listdir(folder))[:400]]
        r = subprocess.run(
            [exe, "scan", "--no-config", "--no-builtin", "--policy-dir",
             policies, "--format", "json", "--kind", "dockerfile"] + files,
            capture_output=True, text=True, timeout=300)
        # (2: the edge cases hold a RUN with no argument, an error.)
        if r.returncode not in (0, 1, 2) or not r.stdout:
            failures.append("scan: exit %d: %s" % (r.returncode,
                                                   r.stderr[-400:]))
        else:
            doc = json.loads(r.stdout)
            counts = {}
            for f in doc["findings"]:
                if f["message"].startswith("commands "):
                    counts[f["path"]] = int(f["message"].split()[1])
                else:
                    failures.append("%s:%d: %s" % (
                        f["path"], f["region"]["start_line"],
                        f["message"][:600]))
            for n in doc["notifications"]:
                if n["kind"] == "policy-error":
                    failures.append("policy error: " + n["message"][:400])
            if len(counts) != len(files):
                failures.append("%d of %d files checked" %
                                (len(counts), len(files)))
            edge_count = counts.get(edges, counts.get(
                os.path.basename(edges), 0))
            if edge_count < 15:
                failures.append("the edge cases gave %d commands" %
                                edge_count)
            print("%d files, %d commands compared" %
                  (len(counts), sum(counts.values())))
    for f in failures:
        print("FAIL:", f)
    print("native reads: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

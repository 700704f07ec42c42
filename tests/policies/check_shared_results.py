#!/usr/bin/env python3
"""What the helper library works out once per document and shares
between policies (a file's instructions, its container records, a RUN's
commands, pipes and package installs): check_shared_results.py PLIMSOLL
POLICIES.

Two policies check the same files in one run, the first changing every
table the helpers hand it: the second still sees each file as written,
and the second file's own instructions, not the first's.

Built-in policies are handed the shared tables themselves and promise
not to change them; with PLIMSOLL_VERIFY_SHARED set, a table changed
since it was first handed out fails the next policy's run. The same two
policies as built-ins (PLIMSOLL_POLICY_DIR) fail so; the real built-in
policies over every fixture of theirs do not, and find the same.

A built-in policy's list setting is one table from run to run, checked
word by word before it is handed out again.

Built-in project policies share one view of the project in a run: a
mark one leaves on it is seen by the next built-in one, not by a policy
of --policy-dir (which gets its own view), and every policy's findings
land on their objects whatever ran in between.
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(what, ok, detail=""):
    if not ok:
        failures.append(what + (": " + detail if detail else ""))


MEDDLER = """local p = require("plimsoll")
return {
	id = "a-meddles",
	title = "Changes what the helpers return",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Changes every table the helpers hand it.",
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			local cmds = p.run_commands(ins)
			for _, c in ipairs(cmds) do
				c.argv[1] = "meddled"
				c.text = "meddled"
			end
			cmds[#cmds + 1] = {argv = {"extra"}, text = "extra"}
			local pipes, pcmds = p.run_pipes(ins)
			for _, pipe in ipairs(pipes) do
				pipe.at = 0
				pipe.left.argv[1] = "meddled"
				pipe.left.at = 0
				pipe.right = nil
			end
			for _, c in ipairs(pcmds) do
				c.text = "meddled"
				c.argv[1] = "meddled"
			end
			pcmds[#pcmds + 1] = {argv = {"extra"}, text = "extra"}
			for _, c in ipairs(p.run_commands(ins)) do
				local inst = p.package_installs(c.argv)[1]
				if inst then
					inst.packages[1] = "meddled"
					inst.manager = "meddled"
				end
				local apt = p.apt_parse(c.argv)
				if apt then
					apt.sub = "meddled"
					apt.args[1] = "meddled"
				end
			end
		end
	end,
}
"""

# Changes only what p.apt_parse hands it.
APT_MEDDLER = """local p = require("plimsoll")
return {
	id = "a-meddles-apt",
	title = "Changes what p.apt_parse returns",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Changes every apt command line it is handed.",
	check = function(doc, report)
		for ins in p.instructions(doc, "RUN") do
			for _, c in ipairs(p.run_commands(ins)) do
				local apt = p.apt_parse(c.argv)
				if apt then
					apt.sub = "meddled"
				end
			end
		end
	end,
}
"""

READER = """local p = require("plimsoll")
return {
	id = "b-reads",
	title = "Says what the helpers return",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Reports the commands of every RUN.",
	check = function(doc, report)
		local seen = {}
		for ins in p.instructions(doc, "run") do
			for _, c in ipairs(p.run_commands(ins)) do
				seen[#seen + 1] = c.argv[1] .. "=" .. c.text
				local inst = p.package_installs(c.argv)[1]
				if inst then
					seen[#seen + 1] = inst.manager .. ":" ..
						table.concat(inst.packages, " ")
				end
				local apt = p.apt_parse(c.argv)
				if apt then
					seen[#seen + 1] = "apt " .. apt.sub .. " " ..
						table.concat(apt.args, " ")
				end
			end
			local pipes, pcmds = p.run_pipes(ins)
			for _, pipe in ipairs(pipes) do
				seen[#seen + 1] = pipe.left.argv[1] .. "@" .. pipe.at ..
					"|" .. pipe.right.argv[1] .. "@" .. pipe.right.at ..
					(pipe.left == pcmds[1] and " (first)" or "")
			end
			seen[#seen + 1] = #pcmds .. " cmds"
		end
		local n = 0
		for _ in p.instructions(doc) do n = n + 1 end
		local records = 0
		for _ in p.containers(doc, "dockerfile") do records = records + 1 end
		report({line = 1}, table.concat(seen, ",") .. " of " .. n ..
			" in " .. records)
	end,
}
"""


# Reports its list setting, then changes the table it was handed.
LIST_MEDDLER = """local p = require("plimsoll")
return {
	id = "c-meddles-list",
	title = "Changes its list setting",
	severity = "info",
	applies_to = {"dockerfile"},
	description = "Reports its list setting, then changes it.",
	settings = {
		{name = "names", type = "list", default = {"a", "b", "c"},
		 description = "A list of strings."},
	},
	check = function(doc, report)
		local names = p.setting("names")
		report({line = 1}, "names " .. table.concat(names, "|"))
		names[2] = "meddled"
		names[#names + 1] = "extra"
	end,
}
"""


def check_setting_lists(exe, tmp, files):
    """A list setting is the same table for each run of a built-in
    policy (one that never changes it): changed anyway, the next run
    still gets the list as declared (the kept table is checked word by
    word, and made again), and under PLIMSOLL_VERIFY_SHARED the change
    fails the next run. A policy from --policy-dir gets its own table
    every time."""
    folder = os.path.join(tmp, "list-policies")
    os.mkdir(folder)
    with open(os.path.join(folder, "c.lua"), "w") as f:
        f.write(LIST_MEDDLER)
    for how, verify in (("--policy-dir", False), ("built in", False),
                        ("built in", True)):
        env = dict(os.environ)
        env.pop("PLIMSOLL_VERIFY_SHARED", None)
        args = [exe, "scan", "--no-config", "--format", "json",
                "--jobs", "1", "--only", "c-meddles-list"]
        if how == "built in":
            env["PLIMSOLL_POLICY_DIR"] = folder
        else:
            args += ["--no-builtin", "--policy-dir", folder]
        if verify:
            env["PLIMSOLL_VERIFY_SHARED"] = "1"
        r = subprocess.run(args + files, capture_output=True, text=True,
                           timeout=120, env=env)
        doc = json.loads(r.stdout) if r.stdout else {}
        said = [f["message"] for f in doc.get("findings", [])]
        notes = [n["message"] for n in doc.get("notifications", [])]
        what = "%s%s" % (how, ", verified" if verify else "")
        if not verify:
            check(what + ": each file's run gets the list as declared",
                  said == ["names a|b|c"] * len(files) and not notes,
                  repr((said, notes))[-600:])
        else:
            check(what + ": the run after the change fails",
                  said == ["names a|b|c"] and len(notes) == len(files) - 1
                  and all("a policy changed a table p.setting shares" in n
                          for n in notes), repr((said, notes))[-600:])


def verify_builtin(exe, policy_root):
    """Every built-in policy over every fixture, with and without the
    check of the shared tables, the helper library's global reads
    checked (PLIMSOLL_STRICT_HELPERS): no failure, the same findings."""
    fixtures = sorted(
        os.path.join(top, f)
        for n in os.listdir(policy_root)
        for top, _, names in os.walk(
            os.path.join(policy_root, n, "fixtures"))
        for f in names)
    out = {}
    for verify in (False, True):
        # (and the helper library reads no global the sandbox lacks)
        env = dict(os.environ, PLIMSOLL_STRICT_HELPERS="1")
        env.pop("PLIMSOLL_VERIFY_SHARED", None)
        if verify:
            env["PLIMSOLL_VERIFY_SHARED"] = "1"
        r = subprocess.run(
            [exe, "scan", "--no-config", "--format", "json", "--jobs", "1"]
            + fixtures, capture_output=True, text=True, timeout=300,
            env=env)
        # (2: a fixture or two is of no kind a directory scan knows.)
        if r.returncode not in (0, 1, 2) or not r.stdout:
            check("fixtures scanned (verify=%s)" % verify, False,
                  "exit %d: %s" % (r.returncode, r.stderr[-400:]))
            return
        doc = json.loads(r.stdout)
        out[verify] = doc
        check("verify=%s: no built-in policy failed" % verify,
              not [n for n in doc["notifications"]
                   if n["kind"] == "policy-error"],
              repr(doc["notifications"])[-600:])
    check("%d fixtures: the same findings with the check" % len(fixtures),
          out.get(False, {}).get("findings") ==
          out.get(True, {}).get("findings"))
    check("the fixtures have findings",
          len(out.get(False, {}).get("findings", [])) > 100)


PROJECT_POLICY = """return {
	id = "%(id)s",
	title = "Reports every object",
	severity = "info",
	applies_to = {"kubernetes"},
	scope = "project",
	description = "Reports every object, and what it saw of the view.",
	check = function(project, report)
		local seen = tostring(project.marked)
		%(mark)s
		for _, o in ipairs(project.objects) do
			report(o, "name", "%(id)s saw " .. seen .. " on " .. o.name)
		end
	end,
}
"""


def check_project_view(exe, tmp):
    builtin = os.path.join(tmp, "builtin-project")
    user = os.path.join(tmp, "user-project")
    for folder, pid, mark in ((builtin, "a-marks", "project.marked = true"),
                              (builtin, "c-reads", ""),
                              (user, "b-user", "")):
        os.makedirs(os.path.join(folder, pid), exist_ok=True)
        with open(os.path.join(folder, pid, "policy.lua"), "w") as f:
            f.write(PROJECT_POLICY % {"id": pid, "mark": mark})
    path = os.path.join(tmp, "objects.yaml")
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                "  name: one\n---\napiVersion: v1\nkind: ConfigMap\n"
                "metadata:\n  name: two\n")
    env = dict(os.environ, PLIMSOLL_POLICY_DIR=builtin)
    r = subprocess.run(
        [exe, "scan", "--no-config", "--policy-dir", user, "--format",
         "json", path], capture_output=True, text=True, timeout=120, env=env)
    check("project view: scan exits 1 (findings)", r.returncode == 1,
          "exit %d: %s" % (r.returncode, r.stderr[-400:]))
    if r.returncode != 1:
        return
    doc = json.loads(r.stdout)
    got = sorted((f["message"], f["region"]["start_line"])
                 for f in doc["findings"])
    want = sorted([("a-marks saw nil on one", 4), ("a-marks saw nil on two", 9),
                   ("b-user saw nil on one", 4), ("b-user saw nil on two", 9),
                   ("c-reads saw true on one", 4),
                   ("c-reads saw true on two", 9)])
    check("project view: shared by built-in policies only", got == want,
          repr(got))
    check("project view: no policy failed", not doc["notifications"],
          repr(doc["notifications"]))


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        policies = os.path.join(tmp, "policies")
        os.mkdir(policies)
        for name, text in (("a.lua", MEDDLER), ("b.lua", READER)):
            with open(os.path.join(policies, name), "w") as f:
                f.write(text)
        files = []
        for name, text in (
                ("one.Dockerfile", "FROM alpine\nRUN apk add curl\n"
                 "RUN echo hi && true\nRUN curl -s x | sh\n"),
                ("two.Dockerfile", "FROM debian\nUSER 1000\n"
                 "RUN apt-get install -y git\nFROM scratch AS b\n")):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(text)
            files.append(path)
        for jobs in ("1", "2"):
            r = subprocess.run(
                [exe, "scan", "--no-config", "--no-builtin", "--jobs", jobs,
                 "--policy-dir", policies, "--format", "json"] + files,
                capture_output=True, text=True, timeout=120)
            check("scan exits 1 (findings)", r.returncode == 1,
                  "exit %d: %s" % (r.returncode, r.stderr[-400:]))
            if r.returncode != 1:
                continue
            doc = json.loads(r.stdout)
            got = sorted((os.path.basename(f["path"]), f["message"])
                         for f in doc["findings"] if f["rule"] == "b-reads")
            want = [("one.Dockerfile",
                     "apk=apk add curl,apk:curl,1 cmds,echo=echo hi,"
                     "true=true,"
                     "2 cmds,curl=curl -s x,sh=sh,curl@11|sh@13 (first),"
                     "2 cmds of 4 in 1"),
                    ("two.Dockerfile", "apt-get=apt-get install -y git,"
                     "apt-get:git,apt install git,1 cmds of 4 in 1")]
            check("--jobs %s: the reader sees the files as written" % jobs,
                  got == want, repr(got))
            check("--jobs %s: no policy failed" % jobs,
                  not doc["notifications"], repr(doc["notifications"]))
        # The same two as built-in policies, the promise checked: the
        # reader's run fails on the first table the meddler changed.
        env = dict(os.environ, PLIMSOLL_POLICY_DIR=policies,
                   PLIMSOLL_VERIFY_SHARED="1")
        r = subprocess.run(
            [exe, "scan", "--no-config", "--format", "json"] + files,
            capture_output=True, text=True, timeout=120, env=env)
        notes = json.loads(r.stdout)["notifications"] if r.stdout else []
        # (The meddler's own second call fails too.)
        check("built in, verified: the runs after a change fail",
              sorted((n.get("rule"), "a policy changed a table p."
                      "run_commands shares" in n["message"])
                     for n in notes) == [("a-meddles", True)] * 2 +
              [("b-reads", True)] * 2,
              repr(notes)[-600:])
        # p.apt_parse's answers are shared too: one changed fails the
        # next built-in policy that is handed it.
        apt_dir = os.path.join(tmp, "apt-policies")
        os.mkdir(apt_dir)
        for name, text in (("a.lua", APT_MEDDLER), ("b.lua", READER)):
            with open(os.path.join(apt_dir, name), "w") as f:
                f.write(text)
        env = dict(os.environ, PLIMSOLL_POLICY_DIR=apt_dir,
                   PLIMSOLL_VERIFY_SHARED="1")
        r = subprocess.run(
            [exe, "scan", "--no-config", "--format", "json", files[1]],
            capture_output=True, text=True, timeout=120, env=env)
        notes = json.loads(r.stdout)["notifications"] if r.stdout else []
        check("built in, verified: a changed p.apt_parse answer fails",
              [(n.get("rule"), "a policy changed a table p.apt_parse "
                "shares" in n["message"]) for n in notes] ==
              [("b-reads", True)], repr(notes)[-600:])
        check_project_view(exe, tmp)
        check_setting_lists(exe, tmp, files)
    verify_builtin(exe, sys.argv[2])
    for f in failures:
        print("FAIL:", f)
    print("shared results: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

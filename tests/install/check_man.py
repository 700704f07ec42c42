"""The man pages say what the binary does: every command and every option
of `plimsoll COMMAND --help` is in plimsoll(1), under its command's
section, and every output format; every public name of the helper
library (core/lua/plimsoll.lua) is in plimsoll-policies(7) as p.NAME.
Both render with man(1) (and groff -ww) without a warning when those are
installed.

usage: check_man.py PLIMSOLL SOURCE_ROOT PLIMSOLL.1 PLIMSOLL-POLICIES.7
(the pages as the build configured them)
"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def check(what, ok, detail=""):
    if not ok:
        failures.append("%s%s" % (what, ": " + str(detail) if detail else ""))


def help_of(exe, *args):
    r = subprocess.run([exe, *args, "--help"], capture_output=True,
                       text=True)
    if r.returncode != 0:
        sys.exit("FAIL: %s %s --help exited %d" % (exe, " ".join(args),
                                                     r.returncode))
    return r.stdout


def options(help_text):
    """The options a --help lists, short and long, before "Formats:"."""
    text = help_text.split("\nFormats:")[0]
    found = set()
    for line in text.splitlines():
        m = re.match(r"^ +(-[^ ,]+(?:, -[^ ,]+)*)", line)
        if m:
            found.update(p for p in re.split(r"[, \n]+", m.group(1)) if p)
    return found


def plain(roff):
    """roff source as the words a reader sees."""
    text = roff.replace("\\-", "-").replace("\\(dq", '"')
    text = re.sub(r"\\f[BIRP]", "", text)
    text = re.sub(r'^\.[A-Z]{1,2} ?', "", text, flags=re.M)
    return text.replace('"', "")


def sections(roff):
    """{".SH title": plain text of the section}."""
    out = {}
    for part in re.split(r"^\.SH ", roff, flags=re.M)[1:]:
        title, _, body = part.partition("\n")
        out[title.strip().strip('"')] = plain(body)
    return out


def has_word(text, word):
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(word), text)


def check_plimsoll_1(exe, page):
    with open(page) as f:
        roff = f.read()
    secs = sections(roff)
    top = help_of(exe)
    commands = re.findall(r"^  ([a-z]+) {2,}\S", top.split("Commands:")[1],
                          flags=re.M)
    check("plimsoll --help lists commands", len(commands) >= 5, commands)
    where = {"scan": "SCAN OPTIONS", "dump": "DUMP OPTIONS",
             "rules": "RULES AND EXPLAIN OPTIONS",
             "explain": "RULES AND EXPLAIN OPTIONS", "test": "TEST OPTIONS",
             "lsp": "LSP OPTIONS", "config": "CONFIG OPTIONS"}
    for cmd in commands:
        check("plimsoll.1 COMMANDS names %s" % cmd,
              has_word(secs.get("COMMANDS", ""), cmd))
        section = where.get(cmd)
        check("plimsoll.1 has a section for the options of %s" % cmd,
              section in secs, section)
        opts = options(help_of(exe, cmd))
        check("plimsoll %s --help lists options" % cmd, opts, cmd)
        for opt in sorted(opts):
            if opt in ("-h", "--help"):
                continue  # every command's, said once under COMMANDS
            check("plimsoll.1 %s documents %s %s" % (section, cmd, opt),
                  has_word(secs.get(section, ""), opt))
    for opt in ("-h", "--help", "--version"):
        check("plimsoll.1 COMMANDS documents %s" % opt,
              has_word(secs.get("COMMANDS", ""), opt))
    formats = re.findall(r"^  ([a-z][a-z0-9-]*) ",
                         help_of(exe, "scan").split("\nFormats:")[1],
                         flags=re.M)
    check("scan --help lists formats", "sarif" in formats, formats)
    for fmt in formats:
        check("plimsoll.1 OUTPUT FORMATS documents %s" % fmt,
              re.search(r"^\.B %s$" % re.escape(fmt),
                        roff.split(".SH OUTPUT FORMATS")[1].split(".SH")[0],
                        flags=re.M))
    for s in ("EXIT STATUS", "ENVIRONMENT", "FILES", "DOCKER CLI PLUGIN",
              "SEE ALSO"):
        check("plimsoll.1 has %s" % s, s in secs)
    check("plimsoll.1 names PLIMSOLL_POLICY_DIR",
          "PLIMSOLL_POLICY_DIR" in secs.get("ENVIRONMENT", ""))


def check_policies_7(source_root, page):
    with open(os.path.join(source_root, "core", "lua", "plimsoll.lua")) as f:
        lua = f.read()
    names = set(re.findall(r"^function M\.(\w+)", lua, flags=re.M))
    names |= set(re.findall(r"^M\.(\w+)\s*=", lua, flags=re.M))
    check("plimsoll.lua has public names", len(names) > 30, len(names))
    helpers = plain(f_section(page, "HELPER LIBRARY"))
    for name in sorted(names):
        check("plimsoll-policies.7 documents p.%s" % name,
              re.search(r"p\.%s(?!\w)" % name, helpers))
    for field in ("id", "title", "severity", "applies_to", "description",
                  "check", "tags", "aliases", "help_uri", "precision",
                  "scope", "settings"):
        check("plimsoll-policies.7 METADATA has %s" % field,
              re.search(r"^\.BR? %s(\s|$)" % field,
                        f_section(page, "METADATA"), flags=re.M))


def f_section(page, title):
    """The roff source of one .SH section, "" when it is missing."""
    with open(page) as f:
        roff = f.read()
    head = ".SH %s\n" % title
    if head not in roff:
        return ""
    return roff.split(head)[1].split("\n.SH ")[0]


def check_renders(page):
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    if shutil.which("man"):
        r = subprocess.run(["man", "--warnings", "-l", page], env=env,
                           capture_output=True, text=True)
        check("man -l %s renders" % page, r.returncode == 0 and r.stdout,
              r.stderr)
        check("man -l %s renders without warnings" % page,
              r.stderr.strip() == "", r.stderr)
    if shutil.which("groff"):
        r = subprocess.run(["groff", "-man", "-ww", "-z", page], env=env,
                           capture_output=True, text=True)
        check("groff -ww %s" % page, r.returncode == 0 and not r.stderr,
              r.stderr)


def main():
    exe, source_root, page1, page7 = sys.argv[1:5]
    check_plimsoll_1(exe, page1)
    check_policies_7(source_root, page7)
    for page in (page1, page7):
        check_renders(page)
        with open(page) as f:
            check("%s has no unfilled @VARIABLE@" % page,
                  not re.search(r"@[A-Z]+@", f.read()))
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("ok: plimsoll.1 and plimsoll-policies.7 match the binary")


main()

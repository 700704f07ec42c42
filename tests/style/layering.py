#!/usr/bin/env python3
"""Checks the layering of the C sources by their #include lines.

usage: layering.py SOURCE_ROOT

The rules (docs/architecture.md, "Building and checking"):

- The parsers and the model (core/dockerfile, core/yaml, core/compose,
  core/kubernetes, core/model, core/util, core/load, core/discover) include
  no Lua header: not lua.h, lauxlib.h, lualib.h, nor anything of core/lua.
  Lua is how policies see the model, not part of it.
- core/engine includes no Lua header and nothing of core/lua but
  lua/checker.h: every call into Lua lives in core/lua.
- core/compose includes nothing of core/dockerfile: a Compose file names a
  Dockerfile, it does not parse one.
- core/command (command lines) includes of core/dockerfile only the shell
  splitter (dockerfile/shell.h and the joined text it reads,
  dockerfile/text.h), and of core/compose only compose/compose.h (the
  service reading it fills records through).
- plugins/ include only the public headers (include/plimsoll/*), headers of
  their own folder and system headers: a plugin builds against the installed
  headers alone.
- core/cli includes only its own headers, the engine's API
  (engine/engine.h, engine/project.h, engine/run.h, engine/result.h,
  engine/baseline.h, engine/config.h), the
  output API (output/output.h), the public headers and core/util.
- core/lsp (the language server, a face too) includes the same, its own
  headers and core/cli's: it lints through the engine's run, never by
  calling a loader or a checker of its own.

A quoted include is looked up beside the including file, then in include/,
core/ and the source root, as the build's include path does; an angle
include is a system header unless it names a Lua header.

Today's exceptions are listed in layering-allow.txt beside this script, one
`file: include` a line (as the include is written). The check fails on a
violation that is not listed and on a listed one that no longer occurs, so
the list only shrinks.
"""
import os
import re
import subprocess
import sys

LUA_HEADERS = {"lua.h", "lauxlib.h", "lualib.h", "luaconf.h"}
NO_LUA = ("core/dockerfile/", "core/yaml/", "core/compose/",
          "core/kubernetes/", "core/model/", "core/util/", "core/load/",
          "core/discover/", "core/command/")
COMMAND_ALLOWED = ("core/dockerfile/shell.h", "core/dockerfile/text.h",
                   "core/compose/compose.h")
CLI_ALLOWED = ("core/engine/engine.h", "core/engine/project.h",
               "core/engine/run.h", "core/engine/result.h",
               "core/engine/baseline.h", "core/engine/config.h",
               "core/output/output.h")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def sources(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "core", "plugins"],
                         capture_output=True, text=True)
    if out.returncode == 0 and out.stdout.strip():
        names = out.stdout.split()
    else:  # not a git checkout: every file on disk
        names = []
        for top in ("core", "plugins"):
            for d, _, files in os.walk(os.path.join(root, top)):
                names += [os.path.relpath(os.path.join(d, f), root)
                          for f in files]
    return sorted(n for n in names if n.endswith((".c", ".h")))


def resolve(root, src, name):
    """The header a quoted include names, relative to root, or None."""
    for base in (os.path.dirname(src), "include", "core", ""):
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(root, p)):
            return p
    return None


def problem(src, quoted, name, header):
    """Why src may not include this header, or None."""
    base = os.path.basename(name)
    is_lua = base in LUA_HEADERS or (header or "").startswith("core/lua/")
    if src.startswith(NO_LUA) and is_lua:
        return "a parser or the model includes a Lua header"
    if src.startswith("core/engine/") and is_lua and \
            header != "core/lua/checker.h":
        return "the engine calls Lua other than through lua/checker.h"
    if src.startswith("core/compose/") and \
            (header or "").startswith("core/dockerfile/"):
        return "Compose includes a Dockerfile header"
    if src.startswith("core/command/") and \
            (header or "").startswith(("core/dockerfile/",
                                       "core/compose/")) and \
            header not in COMMAND_ALLOWED:
        return "command lines include more of another front end than " \
            "its shell splitter or the Compose service reading"
    if src.startswith("plugins/"):
        if not quoted:
            return None
        if header is None or header.startswith("include/plimsoll/") or \
                os.path.dirname(header) == os.path.dirname(src):
            return None
        return "a plugin includes a header that is not public"
    if src.startswith("core/lsp/") and quoted and header is not None:
        if header.startswith(("core/lsp/", "core/cli/", "include/plimsoll/",
                              "core/util/")) or header in CLI_ALLOWED:
            return None
        return "the language server includes more than a face may"
    if src.startswith("core/cli/") and quoted and header is not None:
        if header.startswith(("core/cli/", "include/plimsoll/",
                              "core/util/")) or header in CLI_ALLOWED:
            return None
        return "the CLI includes more than the engine and output API"
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    allow_path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "layering-allow.txt")
    allowed = set()
    with open(allow_path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                allowed.add(line)
    found = {}
    for src in sources(root):
        with open(os.path.join(root, src), errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                quoted = m.group(1) == '"'
                name = m.group(2)
                header = resolve(root, src, name) if quoted else None
                why = problem(src, quoted, name, header)
                if why:
                    found.setdefault(f"{src}: {name}", (n, why))
    failed = 0
    for key, (n, why) in sorted(found.items()):
        if key not in allowed:
            src, name = key.split(": ", 1)
            print(f"{src}:{n}: {why}: {name}")
            failed += 1
    for key in sorted(allowed - found.keys()):
        print(f"layering-allow.txt: '{key}' no longer occurs: remove it")
        failed += 1
    print(f"layering: {len(found)} exceptions listed and used, "
          f"{failed} problems" if not failed else f"layering: {failed} problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

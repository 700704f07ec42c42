"""Prints the built-in policy folders (those holding a policy.lua), one a
line, for meson to install."""
import os
import sys

root = sys.argv[1]
for name in sorted(os.listdir(root)):
    if os.path.isfile(os.path.join(root, name, "policy.lua")):
        print(name)

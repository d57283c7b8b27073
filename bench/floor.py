"""The least a no-change check can cost in Python: start CPython, stat every
file of an installation, load a stat cache. Nothing else (no profile, no
comparison, no flexgit imports). docs/performance.md compares it with
`git status` to show where 1.5x of `git status` lies.

    python -I bench/floor.py INSTALLATION_DIR STORE/flexgit-statcache.json
"""

import json
import os
import sys

files = 0
stack = [sys.argv[1]]
while stack:
    with os.scandir(stack.pop()) as it:
        for entry in it:
            entry.stat(follow_symlinks=False)
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                files += 1
with open(sys.argv[2], "rb") as f:
    cache = json.loads(f.read())
print(files, "files,", len(cache["entries"]), "cache entries")

"""The least an import can cost in Python, in two parts that DESIGN.md and
the issue both require, measured apart on one backup file:

1. read: gunzip, parse the JSON stream (ijson's C backend), decode each
   entry's base64 and check its sha256. Nothing is validated beyond that,
   nothing is stored, no flexgit code runs.
2. sanitize: flexgit's sanitizer over the decoded entries in this one
   process (its CPU time; import spreads it over the cores).

docs/performance.md sets them against `tar xzf` of the same files: an import
on N cores cannot take less than max(read, (read + sanitize) / N).

    python bench/floor_import.py BACKUP.flx.gz
"""

import base64
import gzip
import hashlib
import sys
import time

import ijson

from flexgit import sanitize

start = time.perf_counter()
entries = []
with open(sys.argv[1], "rb") as raw:
    for item in ijson.items(gzip.GzipFile(fileobj=raw), "files.item", use_float=True):
        data = base64.b64decode(item["content"])
        if hashlib.sha256(data).hexdigest() != item["hash"].removeprefix("sha256:"):
            sys.exit(f"{item['path']}: hash mismatch")
        entries.append((f"{item.get('root', 'home')}/{item['path']}", data))
read = time.perf_counter() - start

start = time.process_time()
for path, data in entries:
    sanitize.sanitize(path, data)
cpu = time.process_time() - start
text = sum(len(d) for _, d in entries if not sanitize.is_binary(d))
print(f"{len(entries)} entries, {text / 1e6:.1f} MB of text: read {read:.2f} s, "
      f"sanitize {cpu:.2f} s of CPU")

#!/usr/bin/env python3
"""Regenerates the settings table of docs/operations.md from `switchboard --help`.

Usage: tools/gen-config-doc.py [path to the switchboard binary, default build/tools/switchboard]
The unit test "docs/operations.md documents every key" fails until this has been run after a
setting was added or changed.
"""
import re
import subprocess
import sys

binary = sys.argv[1] if len(sys.argv) > 1 else "build/tools/switchboard"
lines = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout.splitlines()
rows = []
for i, line in enumerate(lines[:-1]):
    m = re.match(r"^  (\S+)\s+(\S+)\s+(--\S+)\s*$", line)
    if not m:
        continue
    desc = lines[i + 1].strip()
    d = re.match(r"^(.*) \(default: (.*)\)$", desc)
    meaning, default = (d.group(1), d.group(2)) if d else (desc, "")
    default = "(none)" if default == "" else f"`{default}`"
    rows.append(f"| `{m.group(1)}` | `{m.group(2)}` | `{m.group(3)}` | {default} | {meaning} |")

path = "docs/operations.md"
doc = open(path).read()
head = "| key | environment | flag | default | meaning |\n|---|---|---|---|---|\n"
start = doc.index(head) + len(head)
end = doc.index("\nNotes:", start)
open(path, "w").write(doc[:start] + "\n".join(rows) + "\n" + doc[end:])
print(f"{len(rows)} settings written to {path}")

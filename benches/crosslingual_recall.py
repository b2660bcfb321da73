#!/usr/bin/env python3
"""Cross-lingual recall of glossary expansion, measured through the papersift binary.

For each glossary term with an English form E and a Chinese form Z, R(E) is the set of
records whose text says Z but never E (found with --no-expand). We then query E with
expansion on and report:
  recall@any = |results(E) ∩ R(E)| / |R(E)|          (are they found at all?)
  recall@20  = |top20(E, -"E") ∩ R(E)| / min(20, |R|) (among results that only expansion can
               produce, how many of the first page are such records)
and the same in the other direction (query Z, records that say only E).

usage: benches/crosslingual_recall.py [--index DIR] [--terms N]   (index built beforehand)
"""
import json, subprocess, sys, tomllib, pathlib

args = sys.argv[1:]
index = args[args.index("--index") + 1] if "--index" in args else None
nterms = int(args[args.index("--terms") + 1]) if "--terms" in args else 50
root = pathlib.Path(__file__).resolve().parent.parent
binary = root / "target" / "release" / "papersift"

def ids(query, expand=True, limit=100000):
    cmd = [str(binary)] + (["--index", index] if index else []) + ["search", "--format", "json", "-n", str(limit)]
    if not expand:
        cmd.append("--no-expand")
    out = subprocess.run(cmd + ["--", query], capture_output=True, text=True).stdout
    return [h["id"] for h in json.loads(out)["hits"]] if out else []

gloss = tomllib.loads((root / "index-schema" / "glossary.toml").read_text())["term"]
rows = []
for t in gloss:
    if t.get("ambiguous") or not t.get("en") or not t.get("zh"):
        continue
    e, z = t["en"][0], t["zh"][0]
    for typed, other in ((e, z), (z, e)):
        only_other = set(ids(f'"{other}"', expand=False)) - set(ids(f'"{typed}"', expand=False))
        if len(only_other) < 3:
            continue
        found = set(ids(typed))
        page = ids(f'{typed} -"{typed}"', limit=20)
        rows.append((typed, other, len(only_other), len(found & only_other) / len(only_other),
                     len(set(page) & only_other) / min(20, len(only_other))))
    if len({r[0] for r in rows}) >= nterms:
        break

print(f"{'query':32} {'other form':24} {'|R|':>5} {'recall@any':>10} {'recall@20':>9}")
for r in rows:
    print(f"{r[0]:32} {r[1]:24} {r[2]:5d} {r[3]:10.3f} {r[4]:9.3f}")
n = len(rows)
print(f"\n{n} term directions; mean recall@any {sum(r[3] for r in rows)/n:.3f}; mean recall@20 {sum(r[4] for r in rows)/n:.3f}")

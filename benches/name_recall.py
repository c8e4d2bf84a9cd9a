#!/usr/bin/env python3
"""Name recall through the index: for every identity of the name table with
two or more spellings, one passage per spelling ("... SPELLING ..."), then a
`kors search` for each spelling; it counts when the hits include a passage
that writes the same identity another way.

    python3 benches/name_recall.py target/release/kors [names.tsv]
"""
import json, os, subprocess, sys, tempfile

kors = sys.argv[1]
table = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(__file__), "..", "crates", "kors-dict", "dict-src", "names.tsv")
ids = []
for line in open(table, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    c = line.rstrip("\n").split("\t")
    spellings = [c[0]]
    for col in c[2:6]:
        for s in col.split("|"):
            s = " ".join(s.split())
            if s and s != "-" and s not in spellings:
                spellings.append(s)
    if len(spellings) > 1:
        ids.append((c[0], spellings))

with tempfile.TemporaryDirectory() as tmp:
    docs = os.path.join(tmp, "docs.jsonl")
    with open(docs, "w", encoding="utf-8") as f:
        for n, (ident, spellings) in enumerate(ids):
            for k, s in enumerate(spellings):
                # Sentences in the spelling's own language, so particles attach.
                hangul = any("\uac00" <= ch <= "\ud7a3" for ch in s)
                text = f"{s}에 관한 보도가 나왔다." if hangul else f"A report about {s} came out."
                f.write(json.dumps({"id": f"{n}/{k}", "text": text}, ensure_ascii=False) + "\n")
    idx = os.path.join(tmp, "idx")
    subprocess.run([kors, "--index", idx, "index", docs, "--no-progress"], check=True,
                   capture_output=True)
    found = total = 0
    missed = []
    for n, (ident, spellings) in enumerate(ids):
        for k, s in enumerate(spellings):
            total += 1
            out = subprocess.run([kors, "--index", idx, "search", "--json", "-n", "50", s],
                                 capture_output=True, text=True)
            hits = [json.loads(l)["doc_id"] for l in out.stdout.splitlines()]
            if any(h.startswith(f"{n}/") and h != f"{n}/{k}" for h in hits):
                found += 1
            else:
                missed.append(f"{ident}: {s}")
    print(f"{len(ids)} identities, {total} spellings: {found} found a passage "
          f"writing the name another way ({100.0 * found / total:.2f}%)")
    for m in missed[:40]:
        print("  missed:", m)

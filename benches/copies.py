#!/usr/bin/env python3
"""Checks kors's copy detector against exact Jaccard similarities.

    kors --index IDX index CORPUS.jsonl --json > summary.json
    python3 benches/copies.py summary.json CORPUS.jsonl

Prints (1) every near-copy kors reported, with its estimated similarity,
the exact Jaccard similarity of the two word 4-gram sets (words: runs of
letters and digits, lower-cased, as corpus/sketch.rs reads them) and both
titles and dates, to be read side by side; (2) every pair of documents with
an exact similarity of 0.5 or more that kors did not report (found through
an inverted index of 4-grams shared by at most 50 documents), so that what
the threshold leaves out can be checked too.
"""
import collections
import json
import re
import sys


def shingles(text):
    words = re.findall(r"\w+", text.lower())
    if len(words) < 4:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + 4]) for i in range(len(words) - 3)}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 1.0


def main():
    summary = json.load(open(sys.argv[1]))
    docs = {}
    for line in open(sys.argv[2]):
        d = json.loads(line)
        if (d.get("text") or "").strip():
            docs[d["id"]] = d
    sets = {i: shingles(d["text"]) for i, d in docs.items()}
    reported = set()
    print("## reported near-copies: estimated, exact, of → copy")
    for n in summary["copies"]["near_copies"]:
        a, b = docs[n["of"]], docs[n["id"]]
        reported.add(frozenset((n["of"], n["id"])))
        print(f"{n['similarity']:.2f} {jaccard(sets[n['of']], sets[n['id']]):.2f} "
              f"{n['of']} ({a.get('date')}) {a.get('title', '')[:60]!r} → "
              f"{n['id']} ({b.get('date')}) {b.get('title', '')[:60]!r}")
    # Exact copies are one text: compare distinct texts only.
    first = {}
    for i, d in docs.items():
        first.setdefault(d["text"].strip(), i)
    ids = sorted(set(first.values()))
    index = collections.defaultdict(list)
    for i in ids:
        for s in sets[i]:
            index[s].append(i)
    shared = collections.Counter()
    for members in index.values():
        if len(members) <= 50:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    shared[(members[x], members[y])] += 1
    print("## not reported, exact similarity >= 0.5")
    rows = []
    for (x, y), _ in shared.items():
        j = jaccard(sets[x], sets[y])
        if j >= 0.5 and frozenset((x, y)) not in reported:
            rows.append((j, x, y))
    for j, x, y in sorted(rows, reverse=True):
        a, b = docs[x], docs[y]
        print(f"{j:.2f} {x} ({a.get('date')}) {a.get('title', '')[:60]!r} | "
              f"{y} ({b.get('date')}) {b.get('title', '')[:60]!r}")


if __name__ == "__main__":
    main()

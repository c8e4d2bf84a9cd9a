#!/usr/bin/env python3
"""Builds corpus/ (kors's bundled collection) from ../shared/corpora.

Deterministic: the same inputs give the same files. Every document is a
Markdown file with front matter (id, title, source, date, url, lang); the
provenance and licence of each folder is in corpus/SOURCES.md, written by
hand. Run from the repository root: `python3 scripts/make-corpus.py`.
"""
import csv
import json
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "corpora")
OUT = os.path.join(ROOT, "corpus")
RUSSIA_EN = re.compile(r"Russia|Putin|Medvedev|Soviet|Moscow")
RUSSIA_KO = re.compile(r"러시아|로씨야|쏘련|소련|푸틴|뿌찐|모스크바|모스크바")


def yaml_str(s):
    return json.dumps(s, ensure_ascii=False)


def write(folder, name, meta, text):
    os.makedirs(os.path.join(OUT, folder), exist_ok=True)
    lines = ["---"]
    for key in ("id", "title", "author", "source", "date", "url", "lang"):
        if meta.get(key):
            lines.append(f"{key}: {yaml_str(meta[key])}")
    lines.append("---")
    body = "\n".join(lines) + "\n" + text.strip() + "\n"
    with open(os.path.join(OUT, folder, name + ".md"), "w", encoding="utf-8") as f:
        f.write(body)


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def kcna(path, folder, keep, limit):
    seen = set()
    n = 0
    for d in jsonl(path):
        text = (d.get("text") or "").strip()
        if not text or text in seen or not keep(d):
            continue
        seen.add(text)
        write(folder, d["id"], {
            "id": d["id"], "title": d["title"], "source": "KCNA", "date": d["date"],
            "url": d.get("url") or d.get("link"), "lang": "en"}, text)
        n += 1
        if n >= limit:
            break
    return n


def speeches():
    folder = os.path.join(SHARED, "nk-newyear-speeches-ko")
    n = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        if not re.search("쏘련|로씨야", text):
            continue
        year = name[:4]
        title = text.strip().splitlines()[0].strip()
        write("nk-newyear", f"newyear-{year}", {
            "id": f"newyear-{year}", "title": f"{year}년 신년사" + ("" if title == "신년사" else f": {title}"),
            "source": "신년사 (North Korean New Year address)", "date": f"{year}-01-01",
            "lang": "ko"}, text)
        n += 1
    return n


def parallel():
    folder = os.path.join(SHARED, "ko-en-news-parallel")
    n = 0
    for part in ("dev", "test"):
        def lines(name):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                return f.read().splitlines()
        ko = lines(f"korean-english-park.{part}.ko")
        en = lines(f"korean-english-park.{part}.en")
        nk = lines(f"northkorean-english.{part}.nk")
        for i, (k, e, r) in enumerate(zip(ko, en, nk)):
            if not RUSSIA_KO.search(k):
                continue
            base = f"park-{part}-{i + 1:04d}"
            for suffix, text, lang, source in (
                ("ko", k, "ko", "Korean-English Park news (Korean)"),
                ("nk", r, "ko", "Korean-English Park news (Northern rewrite)"),
                ("en", e, "en", "Korean-English Park news (English)"),
            ):
                title = text if len(text) <= 60 else text[:60].rstrip() + "…"
                write("news-parallel", f"{base}-{suffix}", {
                    "id": f"{base}-{suffix}", "title": title, "source": source,
                    "lang": lang}, text)
                n += 1
    return n


def headlines():
    path = os.path.join(SHARED, "kr-newspapers-tweets-2017", "korean_newspapers_twitter.csv")
    n = 0
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = re.sub(r"\s*https?://\S+", "", row["text"]).strip()
            if not RUSSIA_KO.search(text):
                continue
            write("headlines-2017", f"headline-{row['id']}", {
                "id": f"headline-{row['id']}", "title": text.splitlines()[0].strip(), "source": row["paper_name"],
                "date": row["created"][:10],
                "url": f"https://twitter.com/{row['paper_name']}/status/{row['id']}",
                "lang": "ko"}, text)
            n += 1
    return n


def main():
    if not os.path.isdir(SHARED):
        sys.exit(f"make-corpus: {SHARED} is missing")
    for entry in os.listdir(OUT):
        path = os.path.join(OUT, entry)
        if os.path.isdir(path):
            shutil.rmtree(path)
    counts = {
        "kcna-2024": kcna(os.path.join(SHARED, "kcna-en-2024", "kcna_en_2024.jsonl"),
                          "kcna-2024", lambda d: RUSSIA_EN.search(d["text"]), 400),
        "kcna-2011": kcna(os.path.join(SHARED, "kcna-en-2011-2012", "kcna_stories_2011_2012.jsonl"),
                          "kcna-2011", lambda d: d["date"] < "2012"
                          and re.search(r"Ulan-Ude|Medvedev", d["text"]), 400),
        "nk-newyear": speeches(),
        "news-parallel": parallel(),
        "headlines-2017": headlines(),
    }
    for k, v in counts.items():
        print(f"{k}: {v} documents")


if __name__ == "__main__":
    main()

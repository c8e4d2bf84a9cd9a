#!/bin/sh
# Reproduces the figures of BENCHMARKS.md: ingest (2 cores and 1 core),
# warm query latency (kors bench), cold `kors search` beside a ripgrep scan
# (hyperfine), and ranking quality on KorQuAD per analyzer (kors eval).
#
#   cargo build --release && sh benches/figures.sh [WORKDIR]
#
# Needs ../shared/corpora beside the repository, python3 (to read the JSON
# summaries), and hyperfine and ripgrep for the cold-search figures.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
K=$repo/target/release/kors
Q=$repo/benches/queries
C=$repo/../shared/corpora
W=${1:-/tmp/kors-figures}
mkdir -p "$W"
cd "$W"
KO=$C/ko-court-precedents-sample/precedents_sample.jsonl
EN=$C/kcna-en-2011-2012/kcna_stories_2011_2012.jsonl

echo "## machine"
nproc
lscpu | head -n 14 | grep -E 'Model name|CPU\(s\)|Thread|Core'
echo "kors $(git -C "$repo" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"

ingest() { # name input [cpus] [analyzer]; RUNS=n repeats it (this VM's speed varies)
    cat "$2" >/dev/null # page cache
    pre=""
    [ -n "${3:-}" ] && pre="taskset -c $3"
    for run in $(seq 1 "${RUNS:-3}"); do
        rm -rf "$W/$1"
        /usr/bin/time -f "%U %S" -o "$W/$1.time" $pre "$K" --index "$W/$1" index "$2" --analyzer "${4:-morph}" --json --no-progress >"$W/$1.json"
        python3 -c "import json,sys; d=json.load(open('$W/$1.json')); cpu=sum(map(float, open('$W/$1.time').read().split())); print(f\"$1 run $run: {d['bytes']/1e6:.1f} MB in {d['seconds']:.2f} s = {d['mb_per_s']:.2f} MB/s, {cpu:.1f} CPU s ({d['added']} docs, {d['passages']} passages)\")"
    done
}
echo "## ingest, 2 cores"
ingest ko "$KO"
ingest en "$EN"
ingest ko-fast "$KO" "" morph-fast
ingest ko-bigram "$KO" "" bigram
echo "## ingest, 1 core"
ingest ko-1 "$KO" 0
ingest en-1 "$EN" 0

bench() { # index sets... (then flags)
    idx=$1
    shift
    "$K" --index "$W/$idx" bench "$@"
}
echo "## warm latency, 1 thread, top 10"
bench ko --queries "$Q/ko-topical.txt" --queries "$Q/korquad-200.txt" --warmup 20 --iterations 50
bench ko-fast --queries "$Q/ko-topical.txt" --queries "$Q/korquad-200.txt" --warmup 20 --iterations 50
bench ko-bigram --queries "$Q/ko-topical.txt" --queries "$Q/korquad-200.txt" --warmup 20 --iterations 50
bench en --queries "$Q/en-topical.txt" --queries "$Q/en-titles-200.txt" --warmup 20 --iterations 50
echo "## warm latency with snippets"
bench ko --queries "$Q/ko-topical.txt" --queries "$Q/korquad-200.txt" --warmup 5 --iterations 20 --snippets
bench en --queries "$Q/en-topical.txt" --queries "$Q/en-titles-200.txt" --warmup 5 --iterations 20 --snippets
echo "## throughput, 2 threads"
bench ko --queries "$Q/ko-topical.txt" --queries "$Q/korquad-200.txt" --warmup 5 --iterations 50 --threads 2

echo "## cold kors search vs ripgrep"
if command -v hyperfine >/dev/null && command -v rg >/dev/null; then
    hyperfine -N -w 5 -r 30 --export-json "$W/cold.json" \
        "$K --index $W/ko search 손해배상 --color never" \
        "$K --index $W/ko-bigram search 손해배상 --color never" \
        "$K --index $W/en search 'Russia cooperation' --color never" \
        "rg -c 손해배상 $KO" \
        "rg -c -i russia $EN" >/dev/null
    python3 -c "
import json
for r in json.load(open('$W/cold.json'))['results']:
    print(f\"{r['median']*1e3:6.1f} ms median  {r['command']}\")"
else
    echo "(hyperfine or rg missing)"
fi

echo "## ranking: KorQuAD 1.0 dev"
"$K" eval import-korquad "$C/korquad-v1-dev/KorQuAD_v1.0_dev.json" --out "$W/kq"
for a in morph morph-fast bigram whitespace; do
    "$K" --index "$W/kq-$a" index "$W/kq/docs.jsonl" --analyzer "$a" --no-progress >/dev/null
done
for n in 200 100000; do
    for mode in terms syntax; do
        "$K" eval --queries "$W/kq/queries.tsv" --qrels "$W/kq/qrels.txt" --max-queries $n \
            --mode $mode "$W/kq-morph" "$W/kq-morph-fast" "$W/kq-bigram" "$W/kq-whitespace"
    done
done

# Scaling (slow: about 10 minutes and 1 GB of disk): SCALE=1 sh benches/figures.sh
if [ "${SCALE:-0}" = 1 ]; then
    echo "## scaling: the court decisions re-added under new ids, 4x and 16x"
    python3 - "$KO" "$W" <<'PY'
import json, sys
src, w = sys.argv[1], sys.argv[2]
lines = [l for l in open(src, encoding="utf-8").read().splitlines() if l.strip()]
for copies, name in [(4, "ko160.jsonl"), (16, "ko640.jsonl")]:
    with open(f"{w}/{name}", "w", encoding="utf-8") as f:
        for c in range(copies):
            for l in lines:
                d = json.loads(l)
                if c:
                    d["id"] = f"{d['id']}-copy{c}"
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
    ingest ko160 "$W/ko160.jsonl"
    ingest ko640 "$W/ko640.jsonl"
    du -sh "$W/ko" "$W/ko160" "$W/ko640"
    for n in ko ko160 ko640; do
        bench $n --queries "$Q/ko-topical.txt" --queries "$Q/korquad-200.txt" --warmup 10 --iterations 20
    done
fi

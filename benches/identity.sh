#!/bin/sh
# Byte identity of the Korean segmentation between two kors binaries:
# `kors analyze --format mecab` on the 1,000 mecab-ko reference sentences,
# on the court decisions (the first 4 MB; COURT_MB=0 for all 39 MB) and on
# the Northern New Year speeches (1946-2019, Northern spelling). For a change
# meant to make `morph` faster without changing what it reads (keep the old
# binary first: cp target/release/kors /tmp/kors-old).
#
#   sh benches/identity.sh OLD_KORS NEW_KORS [WORKDIR]
#   COURT_MB=0 sh benches/identity.sh OLD_KORS NEW_KORS   # all the decisions
set -eu
[ $# -ge 2 ] || { echo "usage: sh benches/identity.sh OLD_KORS NEW_KORS [WORKDIR]" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)
old=$1 new=$2 W=${3:-/tmp/kors-identity}
mkdir -p "$W"
ref=$repo/../shared/reference/mecab-ko/korean-english-park.dev.ko
court=$repo/../shared/corpora/ko-court-precedents-sample/precedents_sample.jsonl
nk=$repo/../shared/corpora/nk-newyear-speeches-ko
for f in "$ref" "$court" "$nk"; do
    [ -e "$f" ] || { echo "identity.sh: missing $f (../shared beside the repository)" >&2; exit 2; }
done
# The decisions' text, one document a line, until COURT_MB (0: all).
python3 - "$court" "$W/court.txt" "${COURT_MB:-4}" <<'PY'
import json, sys
n, limit = 0, int(sys.argv[3]) * 1_000_000
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        t = json.loads(line).get("text") or ""
        o.write(t.replace("\r", "") + "\n")
        n += len(t.encode())
        if limit and n > limit:
            break
PY
cat "$nk"/[0-9]*.txt >"$W/nk-speeches.txt"
status=0
for input in "$ref" "$W/court.txt" "$W/nk-speeches.txt"; do
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

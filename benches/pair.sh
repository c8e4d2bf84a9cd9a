# Sourced by tail.sh and filters.sh: two kors builds A and B, the indexes
# and query files benches/peers.sh leaves in WORKDIR, how long to run, the
# query sets, and one `kors bench --json` run of a set.
#
#   . benches/pair.sh OLD_KORS NEW_KORS [WORKDIR]
set -eu
A=$1
B=$2
W=${3:-/tmp/kors-peers}
WARMUP=${WARMUP:-20}
ITER=${ITER:-50}
ROUNDS=${ROUNDS:-2}
for f in "$A" "$B" "$W/kors-ko" "$W/kors-en"; do
    [ -e "$f" ] || { echo "$(basename "$0"): missing $f (run benches/peers.sh first)" >&2; exit 2; }
done
SETS="ko:korquad-200 ko:ko-topical en:en-titles-200 en:en-topical"
# bench_json KORS CORPUS SET [FILTER FLAGS…]: the JSON report of one set.
bench_json() {
    _k=$1 _c=$2 _s=$3
    shift 3
    "$_k" --index "$W/kors-$_c" bench --queries "$W/$_s.q" --warmup "$WARMUP" --iterations "$ITER" --json "$@"
}

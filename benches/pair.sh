# Sourced by tail.sh and filters.sh: two kors builds A and B, the indexes
# and query files benches/peers.sh leaves in WORKDIR, and how long to run.
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

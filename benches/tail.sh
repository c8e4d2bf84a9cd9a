#!/bin/sh
# The tail of query latency, two builds side by side: each set's p50, p99,
# p99/p50 and its ten slowest queries (median of their runs), for build A
# then build B, ROUNDS times in turn (A B A B), on the indexes and query
# files that benches/peers.sh leaves in WORKDIR.
#
#   sh benches/peers.sh && sh benches/tail.sh OLD_KORS NEW_KORS [WORKDIR]
#
# WARMUP and ITER rounds per set (default 20 and 50), ROUNDS (default 2).
. "$(dirname "$0")/pair.sh"
for round in $(seq 1 "$ROUNDS"); do
    for k in "$A" "$B"; do
        for cs in $SETS; do
            c=${cs%%:*} s=${cs#*:}
            bench_json "$k" "$c" "$s" |
                python3 -c '
import json, sys
s = json.load(sys.stdin)["sets"][0]
slow = ", ".join("%d `%s`" % (q["median_us"], q["query"][:48]) for q in s["slowest"])
print("| %s | %s | %d / %d | %.1f | %s |" % (sys.argv[1], sys.argv[2], s["p50_us"], s["p99_us"], s["p99_us"] / s["p50_us"], slow))
' "$(basename "$k")" "$s"
        done
    done
done

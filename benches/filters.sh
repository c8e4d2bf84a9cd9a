#!/bin/sh
# Filtered search, two builds side by side: each query set's p50 and p99
# without a filter and under --lang, --source and --since (the median of
# ROUNDS runs taken in turn, A B A B), on the indexes and query files that
# benches/peers.sh leaves in WORKDIR.
#
#   sh benches/peers.sh && sh benches/filters.sh OLD_KORS NEW_KORS [WORKDIR]
#
# WARMUP and ITER rounds per set (default 20 and 50), ROUNDS (default 2).
. "$(dirname "$0")/pair.sh"
for round in $(seq 1 "$ROUNDS"); do
    for k in A B; do
        [ $k = A ] && bin=$A || bin=$B
        for cs in $SETS; do
            c=${cs%%:*} s=${cs#*:}
            if [ $c = ko ]; then
                filters="none|--lang ko|--since 2000-01-01"
            else
                filters="none|--lang en|--source kcna|--since 2011-06-01|--lang en --since 2011-06-01"
            fi
            echo "$filters" | tr '|' '\n' | while read -r f; do
                [ "$f" = none ] && set -- || set -- $f
                bench_json "$bin" "$c" "$s" "$@" |
                    python3 -c '
import json, sys
s = json.load(sys.stdin)["sets"][0]
print(sys.argv[1], sys.argv[2], sys.argv[3], s["p50_us"], s["p99_us"])
' "$k" "$s" "${f:-none}"
            done
        done
    done
done | python3 -c '
import collections, statistics, sys
runs = collections.defaultdict(list)
order = []
for line in sys.stdin:
    build, qset, rest = line.split(" ", 2)
    flt, p50, p99 = rest.rsplit(" ", 2)
    if (qset, flt) not in order:
        order.append((qset, flt))
    runs[qset, flt, build].append((float(p50), float(p99)))
print("| set | filter | p50 µs, A → B | p99 µs, A → B | p50 A/B |")
print("| --- | --- | --- | --- | --- |")
for qset, flt in order:
    a, b = runs[qset, flt, "A"], runs[qset, flt, "B"]
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    print("| %s | %s | %.0f → %.0f | %.0f → %.0f | %.1f |" % (
        qset, flt, med(a, 0), med(b, 0), med(a, 1), med(b, 1), med(a, 0) / med(b, 0)))
'

#!/bin/sh
# The machine's own tail latency: a fixed computation timed 20,000 times at
# lengths near kors's query latencies (benches/jitter/fixed.rs). Read
# `kors bench`'s p99 ÷ p50 beside it: a set whose queries all cost the same
# shows about this machine's figure at its median.
#
#   sh benches/jitter.sh
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rustc -O -o "$dir/fixed" "$(dirname "$0")/jitter/fixed.rs"
"$dir/fixed"

#!/usr/bin/env bash
# The README's two commands from an empty target/, for two commits side by side:
#   sh benches/first-build.sh OLD_REV NEW_REV [WORKDIR]
# Each commit is checked out in WORKDIR (default /tmp/kors-first-build) with its own empty
# target/; the first command's build (`cargo build --release --timings`) and the test
# command's build (`--no-run`: `cargo test --workspace`, or `--release` where the README says
# so) are timed with /usr/bin/time. Crates already in ~/.cargo serve both alike. On a shared
# machine compare CPU seconds (user + sys); wall time carries the load.
set -euo pipefail
old=$1 new=$2 work=${3:-/tmp/kors-first-build}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
times="$work/times.txt"
: > "$times"
for side in old new; do
  rev=${!side}
  rm -rf "$work/$side"
  git -C "$repo" worktree add -q --detach "$work/$side" "$rev"
done
run() { # name dir command…
  local name=$1 dir=$2; shift 2
  (cd "$dir" && /usr/bin/time -f "$name wall %e s user %U s sys %S s" -a -o "$times" "$@" \
    > "$work/$name.log" 2>&1)
}
test_cmd() { # the README's test command of that tree, as a build only
  if grep -q 'cargo test --workspace --release' "$1/README.md"; then
    echo "cargo test --workspace --release --no-run"
  else
    echo "cargo test --workspace --no-run"
  fi
}
run old-release "$work/old" cargo build --release --timings
run new-release "$work/new" cargo build --release --timings
run old-test "$work/old" $(test_cmd "$work/old")
run new-test "$work/new" $(test_cmd "$work/new")
du -sh "$work/old/target" "$work/new/target" >> "$times"
cat "$times"

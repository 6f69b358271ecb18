#!/bin/sh
# Run bats on the given suites, then print one plain summary line
# ("NAME: N passed, N failed, N skipped"); exit non-zero when any test failed.
# usage: run-bats.sh NAME SUITE...
set -u
name=$1
shift
log=$(mktemp /tmp/kura-bats.XXXXXX)
bats --timing "$@" | tee "$log"
# bats exits non-zero on a failure; tee hides that, so count the TAP lines too
passed=$(grep -c '^ok .*' "$log" | tr -d ' ')
skipped=$(grep -c '^ok .* # skip' "$log" | tr -d ' ')
failed=$(grep -c '^not ok ' "$log" | tr -d ' ')
rm -f "$log"
echo "$name: $((passed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

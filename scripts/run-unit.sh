#!/bin/sh
# Run every cmocka test binary given, then print one plain summary line
# ("unit: N passed, N failed", tests counted from cmocka's own summaries);
# a binary that dies before its summary (a sanitizer abort) counts as one
# failed test.  Exit non-zero when any test failed.
# usage: [UNIT_NAME=unit-asan] run-unit.sh TEST-BINARY...
set -u
name=${UNIT_NAME:-unit}
log=$(mktemp /tmp/kura-unit.XXXXXX)
trap 'rm -f "$log" "$log.rc"' EXIT
passed=0
failed=0
for t in "$@"; do
	{ "$t"; echo $? > "$log.rc"; } 2>&1 | tee "$log"
	rc=$(cat "$log.rc")
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p' "$log")
	passed=$((passed + ${p:-0}))
	if [ -n "$f" ]; then
		failed=$((failed + f))
	elif [ "$rc" -ne 0 ]; then
		echo "$t: exited with status $rc before its summary" >&2
		failed=$((failed + 1))
	fi
done
echo "$name: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

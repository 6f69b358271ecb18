#!/bin/sh
# Run every cmocka test binary given; print each runner's summary; fail if any fails.
fail=0
for t in "$@"; do
	"$t" || fail=1
done
exit $fail

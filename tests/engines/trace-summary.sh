#!/bin/sh
# One line per runtime call recorded by a KURA_ENGINE_TRACE run, in call order:
# start time, duration, verb, exit status, first line of the runtime's error.
# usage: trace-summary.sh TRACE_DIR
set -eu
dir=${1:?usage: trace-summary.sh TRACE_DIR}
for f in "$dir"/call.*; do
	case $f in *.stderr) continue ;; esac
	start=$(sed -n 's/^start: //p' "$f")
	last=$(grep '^verb: ' "$f" || echo "verb: ? status: ? end: $start")
	verb=$(echo "$last" | awk '{print $2}')
	rc=$(echo "$last" | awk '{print $4}')
	end=$(echo "$last" | awk '{print $6}')
	msg=
	[ -s "$f.stderr" ] && msg=$(head -n 1 "$f.stderr")
	[ -z "$msg" ] && [ "$rc" != 0 ] && msg=$(sed -n '/^log (/,$p' "$f" | grep -i '"level":"error"\|error' | tail -n 1 || true)
	printf '%s %6.3fs %-8s rc=%-3s %s\n' "$start" "$(echo "$end - $start" | bc)" "$verb" "$rc" "$msg"
done | sort -n

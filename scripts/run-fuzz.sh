#!/bin/sh
# Fuzz a libFuzzer target: replay the committed corpus, then fuzz for SECONDS
# into a scratch copy of it (the committed corpus never grows during a check).
# usage: run-fuzz.sh BIN CORPUS SECONDS
# Exit status: 0 when no crash, 1 on a crash (its input is kept and named).
set -u
bin=${1:?usage: run-fuzz.sh BIN CORPUS SECONDS}
corpus=${2:?usage: run-fuzz.sh BIN CORPUS SECONDS}
seconds=${3:-60}
[ -x "$bin" ] || { echo "run-fuzz: $bin: not built (make fuzz-build)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "run-fuzz: $corpus: no such corpus" >&2; exit 2; }

work=$(mktemp -d /tmp/kura-fuzz.XXXXXX)
trap 'rm -rf "$work/corpus"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/" 2>/dev/null

status=0
# 1. every committed input, once: a regression is reported by name
if ! "$bin" -runs=0 -artifact_prefix="$work/artifacts/" "$corpus"/* >"$work/replay.log" 2>&1; then
	echo "fuzz: replay of $corpus crashed:" >&2
	tail -n 30 "$work/replay.log" >&2
	status=1
fi

# 2. fuzz; libFuzzer stops at the first crash
runs=0
if [ "$status" -eq 0 ]; then
	if ! "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		"$work/corpus" >"$work/fuzz.log" 2>&1; then
		status=1
		echo "fuzz: crash; log and input in $work" >&2
		grep -A 20 -E '^==[0-9]+==ERROR|runtime error|deadly signal' "$work/fuzz.log" | head -n 40 >&2
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
fi
crashes=$(find "$work/artifacts" -type f | wc -l)
echo "fuzz: ${runs:-0} runs, $crashes crashes ($(basename "$bin"), ${seconds}s, corpus $(ls "$corpus" | wc -l) files)"
if [ "$status" -eq 0 ]; then
	rm -rf "$work"
	trap - EXIT
fi
exit "$status"

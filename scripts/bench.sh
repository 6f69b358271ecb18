#!/bin/sh
# Compare kura with crun, runc and a floor on one busybox bundle, in one run:
#   run      `run` of /bin/true (create, start, wait, delete in one command)
#   seccomp  the same with podman's default seccomp profile
#            (/usr/share/containers/seccomp.json, package
#            golang-github-containers-common), made an OCI linux.seccomp for
#            x86_64 with this bundle's capabilities as podman does; without
#            that file, an engine-sized allow-list of every x86_64 syscall
#            name of the kernel headers (~360) with the same three
#            architectures, and the output says so
#   csd      create + start + delete --force
#   exec     `exec` of /bin/true into a running container (`sleep 1000`)
#   rss      peak RSS of the runtime process during `run` (median of RSS_RUNS);
#            wait4's figure, so it counts the container's /bin/true too
#            (busybox: ~1.3 MiB, as the floor's row shows)
#   par      PAR_N runs of `run`, PAR_P at a time (xargs -P): containers/s
# The floor (tests/bench/floor.c) starts the same container with the bare
# kernel calls and nothing else: it has a `run` and an rss row only.
# Every time row has a cpu row: user+system of the same runs as hyperfine
# reports it (the mean, over the runtime and its children, container
# included; for par, per container).
# usage: bench.sh KURA [FLOOR]
# env: RUNS (hyperfine runs, 50), ROUNDS (5), WARMUP (2, per round),
#      RSS_RUNS (11), PAR_N (50), PAR_P (10), PAR_RUNS (5), BENCH_OUT (also
#      write the figures there, one "metric runtime value" a line)
#
# The runs are made in ROUNDS rounds, each runtime in turn within a round
# (the order reversed every other round), and pooled: a VM whose speed
# drifts over a minute then weighs on every runtime alike, not on whichever
# one it ran during.  Three whole benches of one build, one runtime after
# the other, gave kura/crun ratios of 0.43 to 0.53 for `run`.
#
# Each runtime is measured from inside one private mount namespace made once
# (`unshare -m`), so no run pays for a namespace of the harness.  crun 1.8.1
# refuses this machine's hybrid cgroup layout, so its namespace hides the
# cgroup2 mount under an empty tmpfs; the others hide nothing.  Each run is
# `sh -c 'exec RUNTIME ... kbench-PID-X$$'` (a fresh id per run, the same shell
# cost for all).  Every runtime's state root is on one tmpfs, so no row pays
# for a disk file system.
set -eu

kura=${1:?usage: bench.sh KURA [FLOOR]}
floor=${2:-}
runs=${RUNS:-50}
rounds=${ROUNDS:-5}
warmup=${WARMUP:-2}
rss_runs=${RSS_RUNS:-11}
par_n=${PAR_N:-50}
par_p=${PAR_P:-10}
par_runs=${PAR_RUNS:-5}
# per round, at least one
round_runs=$(((runs + rounds - 1) / rounds))
round_rss=$(((rss_runs + rounds - 1) / rounds))
round_par=$(((par_runs + rounds - 1) / rounds))
profile=/usr/share/containers/seccomp.json
here=$(cd "$(dirname "$0")" && pwd)

for tool in hyperfine jq unshare /usr/bin/time runc crun xargs; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool missing (make deps)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 1; }

if [ "${3:-}" = --measure ]; then
	work=$BENCH_WORK
	tag=$BENCH_TAG
else
	work=$(mktemp -d /tmp/kura-bench.XXXXXX)
	tag=kbench-$$ # the prefix of every container id and floor cgroup of this run
fi
runtimes="kura crun runc"
[ -n "$floor" ] && runtimes="$runtimes floor"

rt_bin() {
	case $1 in
	kura) echo "$kura" ;;
	floor) echo "$floor" ;;
	*) command -v "$1" ;;
	esac
}

rt_prep() {
	case $1 in
	crun) echo 'umount /sys/fs/cgroup/unified && mount -t tmpfs none /sys/fs/cgroup/unified' ;;
	# The same two execs and mount syscalls, on a scratch dir nobody looks at.
	*) echo "mount -t tmpfs none $work/scratch && umount $work/scratch" ;;
	esac
}

# "RUNTIME --root DIR" of one runtime, for use inside a script.
rt_base() {
	echo "$(rt_bin "$1") --root $work/roots/$1"
}

# The command line hyperfine runs: SCRIPT may use $$ for a fresh id.
rt_cmd() {
	printf "sh -c '%s'" "$2"
}

# Run "RUNTIME ARGS" now, in that runtime's kind of namespace.
rt_do() {
	r=$1
	shift
	unshare -m sh -c "$(rt_prep "$r") && exec $(rt_base "$r") $*"
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	for rt in kura crun runc; do
		[ -d "$work/roots/$rt" ] || continue
		for id in $(rt_do "$rt" list -q 2>/dev/null); do
			rt_do "$rt" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	# a floor stopped half-way leaves its cgroups: empty ones go, nothing else
	find /sys/fs/cgroup -maxdepth 6 -depth -type d -name "$tag-*" -exec rmdir {} + 2>/dev/null || true
	if mountpoint -q "$work/roots"; then
		umount "$work/roots" || umount -l "$work/roots"
	fi
	rm -rf "$work"
}
bundle=$work/bundle
sleeper=$work/sleeper
secbundle=$work/seccomp

hf() { # OUT.json COMMAND: one round's runs
	out=${1%.json}.$BENCH_ROUND.json
	shift
	hyperfine -N --style basic --warmup "$warmup" --runs "$round_runs" --export-json "$out" "$@" \
		>"$out.log" 2>&1 || { echo "bench: hyperfine failed, see below" >&2; cat "$out.log" >&2; exit 1; }
}

# ---- measure: one runtime, from inside its namespace (bench.sh --measure) ----
measure_rss() { # RUNTIME COMMAND-PREFIX: a round's runs of "PREFIX ID", one KiB figure a line
	i=0
	while [ "$i" -lt "$round_rss" ]; do
		# shellcheck disable=SC2086 # $2 is a command line
		/usr/bin/time -f %M -o "$work/$1-rss.one" $2 "$tag-m$BENCH_ROUND-$i" \
			</dev/null >/dev/null 2>&1 || { echo "bench: $1 run failed (rss)" >&2; exit 1; }
		tail -n 1 "$work/$1-rss.one" >>"$work/$1-rss"
		i=$((i + 1))
	done
}

measure() {
	rt=$1
	if [ "$rt" = floor ]; then
		hf "$work/floor-run.json" "$(rt_cmd floor "exec $floor $bundle/rootfs $tag-f\$\$")"
		measure_rss floor "$floor $bundle/rootfs"
		return
	fi
	R=$(rt_base "$rt")
	hf "$work/$rt-run.json" "$(rt_cmd "$rt" "exec $R run --bundle $bundle $tag-r\$\$")"
	hf "$work/$rt-seccomp.json" "$(rt_cmd "$rt" "exec $R run --bundle $secbundle $tag-s\$\$")"
	hf "$work/$rt-csd.json" "$(rt_cmd "$rt" \
		"$R create --bundle $bundle $tag-c\$\$ && $R start $tag-c\$\$ && exec $R delete -f $tag-c\$\$")"
	$R run -d --bundle "$sleeper" "$tag-sleeper" </dev/null >/dev/null 2>&1 ||
		{ echo "bench: $rt failed to start the sleeper" >&2; exit 1; }
	hf "$work/$rt-exec.json" "$(rt_cmd "$rt" "exec $R exec $tag-sleeper /bin/true")"
	$R delete -f "$tag-sleeper" >/dev/null 2>&1
	measure_rss "$rt" "$R run --bundle $bundle"
}

measure_par() {
	R=$(rt_base "$1")
	# PAR_N containers, PAR_P at a time, each a fresh id (xargs gives them /dev/null as stdin)
	printf '%s\n' "seq $par_n | xargs -P $par_p -I{} sh -c 'exec $R run --bundle $bundle $tag-p\$\$' >/dev/null" \
		>"$work/$1-par.sh"
	round_runs=$round_par warmup=1 hf "$work/$1-par.json" "sh $work/$1-par.sh"
}

if [ "${3:-}" = --measure ]; then
	case $BENCH_PHASE in
	one) measure "$BENCH_RT" ;;
	par) measure_par "$BENCH_RT" ;;
	esac
	exit 0
fi
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- every runtime's state root on one tmpfs ----
mkdir -p "$work/roots" "$work/scratch"
mount -t tmpfs -o mode=0700 kbench-roots "$work/roots"
for rt in $runtimes; do
	mkdir -p "$work/roots/$rt"
done

# ---- the bundles: one rootfs, a /bin/true config and a sleeper config ----
KURA=$kura "$here/mkbundle.sh" "$bundle" /bin/true >/dev/null
# crun 1.8.1 refuses ociVersion 1.2.x ("unknown version specified"): one version all three read.
jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]' \
	"$bundle/config.json" \
	> "$bundle/config.json.new" && mv "$bundle/config.json.new" "$bundle/config.json"
mkdir -p "$sleeper"
jq --arg root "$bundle/rootfs" '.root.path = $root | .process.args = ["/bin/sleep", "1000"]' \
	"$bundle/config.json" > "$sleeper/config.json"

mkdir -p "$secbundle"
if [ -r "$profile" ]; then
	# As podman turns its profile into linux.seccomp on amd64: the x86_64 entry
	# of archMap with its sub-architectures; a rule is kept when all of its
	# includes.caps are in the bounding set and its includes.arches (if any)
	# hold amd64, dropped when its excludes.arches hold amd64 or one of its
	# excludes.caps is in the bounding set (no rule of the file has minKernel).
	seclabel='run, podman seccomp'
	jq --arg root "$bundle/rootfs" --slurpfile prof "$profile" '
		def has($l; $x): any($l[]; . == $x);
		.root.path = $root | .process.capabilities.bounding as $caps | $prof[0] as $p |
		.linux.seccomp = {
			defaultAction: $p.defaultAction,
			defaultErrnoRet: $p.defaultErrnoRet,
			architectures: [$p.archMap[] | select(.architecture == "SCMP_ARCH_X86_64") |
				.architecture, .subArchitectures[]],
			syscalls: [$p.syscalls[] |
				select(has(.excludes.arches // []; "amd64") | not) |
				select(any((.excludes.caps // [])[]; has($caps; .)) | not) |
				select((.includes.arches // []) as $a | $a == [] or has($a; "amd64")) |
				select(all((.includes.caps // [])[]; has($caps; .))) |
				{names, action} + (if .args then {args} else {} end) +
				(if .errnoRet then {errnoRet} else {} end)]}' \
		"$bundle/config.json" > "$secbundle/config.json"
else
	echo "bench: $profile missing (package golang-github-containers-common):" \
		"seccomp row uses an allow-list of every x86_64 syscall instead" >&2
	seclabel='run, allow-list seccomp'
	names=$(sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
		jq -R . | jq -s .)
	jq --arg root "$bundle/rootfs" --argjson names "$names" '.root.path = $root |
		.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
			architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
			syscalls: [{names: $names, action: "SCMP_ACT_ALLOW"}]}' \
		"$bundle/config.json" > "$secbundle/config.json"
fi

# kura (and the floor) are compared only once they run a container; "n/a" until then.
active=""
for rt in $runtimes; do
	case $rt in
	kura) probe="rt_do kura run --bundle $bundle $tag-probe" ;;
	floor) probe="$floor $bundle/rootfs $tag-probe" ;;
	*) active="$active $rt"; continue ;;
	esac
	if $probe >"$work/$rt-probe.log" 2>&1; then
		active="$active $rt"
	else
		echo "bench: $rt cannot run the bundle yet (n/a): $(tail -n 1 "$work/$rt-probe.log")" >&2
		[ "$rt" = kura ] && { rt_do kura delete -f "$tag-probe" >/dev/null 2>&1 || true; }
	fi
done

start=$(date +%s)
reversed=""
for rt in $active; do
	reversed="$rt $reversed"
done
# one container at a time for every runtime first, then the parallel runs:
# the namespaces those leave to the kernel to tear down weigh on what follows
for phase in one par; do
	round=1
	while [ "$round" -le "$rounds" ]; do
		order=$active
		[ $((round % 2)) -eq 0 ] && order=$reversed
		echo "bench: $phase, round $round of $rounds ..." >&2
		for rt in $order; do
			[ $phase = par ] && [ "$rt" = floor ] && continue
			export BENCH_WORK="$work" BENCH_TAG="$tag" BENCH_RT="$rt" BENCH_PHASE="$phase" \
				BENCH_ROUND="$round"
			unshare -m sh -c "$(rt_prep "$rt") && exec \"\$0\" \"\$1\" \"\$2\" --measure" \
				"$0" "$kura" "$floor" || { echo "bench: $rt failed" >&2; exit 1; }
		done
		round=$((round + 1))
	done
done

# ---- the table ----
r2() { awk -v v="$1" 'BEGIN { printf "%.2f", v }'; }

median_rss() { # FILE of KiB, one per line -> median
	sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# The rounds of one metric pooled: every run's wall time, and the CPU mean
# (each round has as many runs, so the mean of the rounds' means).
pooled() { # RUNTIME METRIC
	jq -s '{median: ([.[].results[0].times[]] | sort |
			if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end),
		cpu: ([.[].results[0] | .user + .system] | add / length)}' "$work/$1-$2".*.json
}

value() { # RUNTIME METRIC
	m=${2%-cpu}
	case $2 in
	rss) [ -s "$work/$1-rss" ] || { echo n/a; return; } ;;
	*) [ -s "$work/$1-$m.1.json" ] || { echo n/a; return; } ;;
	esac
	case $2 in
	rss) median_rss "$work/$1-rss" ;;
	par) r2 "$(pooled "$1" par | jq -r ".median | $par_n / .")" ;;
	par-cpu) r2 "$(pooled "$1" par | jq -r ".cpu * 1000 / $par_n")" ;;
	*-cpu) r2 "$(pooled "$1" "$m" | jq -r '.cpu * 1000')" ;;
	*) r2 "$(pooled "$1" "$m" | jq -r '.median * 1000')" ;;
	esac
}

ratio() { # A B -> A/B
	case "$1$2" in
	*n/a*) echo n/a ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' ;;
	esac
}

row() { # LABEL METRIC
	k=$(value kura "$2")
	c=$(value crun "$2")
	r=$(value runc "$2")
	f=$(value floor "$2")
	printf '%-28s %9s %9s %9s %9s %10s %10s\n' "$1" "$k" "$c" "$r" "$f" "$(ratio "$k" "$c")" "$(ratio "$k" "$f")"
	if [ -n "${BENCH_OUT:-}" ]; then
		printf '%s kura %s\n%s crun %s\n%s runc %s\n%s floor %s\n' "$2" "$k" "$2" "$c" "$2" "$r" "$2" "$f" >>"$BENCH_OUT"
	fi
}

[ -n "${BENCH_OUT:-}" ] && : >"$BENCH_OUT"
printf '\nwall: median of %s runs in %s rounds (ms); cpu: mean user+system of the same runs,\n' \
	"$((round_runs * rounds))" "$rounds"
printf 'runtime and its children (ms); rss: median of %s runs; par: %s runs of run, %s at a\n' \
	"$((round_rss * rounds))" "$par_n" "$par_p"
printf 'time, median of %s batches (higher is better; its cpu is per container); each run:\n' \
	"$((round_par * rounds))"
printf 'sh -c exec RUNTIME\n\n' 
printf '%-28s %9s %9s %9s %9s %10s %10s\n' metric kura crun runc floor kura/crun kura/floor
row 'run /bin/true (ms)' run
row '  cpu (ms)' run-cpu
row "$seclabel (ms)" seccomp
row '  cpu (ms)' seccomp-cpu
row 'create+start+delete (ms)' csd
row '  cpu (ms)' csd-cpu
row 'exec /bin/true (ms)' exec
row '  cpu (ms)' exec-cpu
row 'peak RSS of run (KiB)' rss
row "par $par_p (containers/s)" par
row '  cpu per container (ms)' par-cpu
printf '\nmeasured in %s s\n' "$(($(date +%s) - start))"
[ -n "${BENCH_OUT:-}" ] && echo "figures in $BENCH_OUT"
exit 0

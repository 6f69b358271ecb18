#!/bin/sh
# Compare kura with crun and runc on one busybox bundle, in one run:
#   run      `run` of /bin/true (create, start, wait, delete in one command)
#   seccomp  the same with an engine-sized seccomp profile: an allow-list of
#            every x86_64 syscall name of the kernel headers (~360), default
#            errno, three architectures, as docker's and podman's defaults
#   csd      create + start + delete --force
#   exec     `exec` of /bin/true into a running container (`sleep 1000`)
#   rss      peak RSS of the runtime process during `run` (median of RSS_RUNS)
# usage: bench.sh KURA        env: RUNS (hyperfine runs, 50), WARMUP (5), RSS_RUNS (11)
#
# Each runtime is measured from inside one private mount namespace made once
# (`unshare -m`), so no run pays for a namespace of the harness.  crun 1.8.1
# refuses this machine's hybrid cgroup layout, so its namespace hides the
# cgroup2 mount under an empty tmpfs; kura's and runc's hide nothing.  Each
# run is `sh -c 'exec RUNTIME ... id$$'` (a fresh id per run, the same shell
# cost for all three).
set -eu

kura=${1:?usage: bench.sh KURA}
runs=${RUNS:-50}
warmup=${WARMUP:-5}
rss_runs=${RSS_RUNS:-11}
here=$(cd "$(dirname "$0")" && pwd)

for tool in hyperfine jq unshare /usr/bin/time runc crun; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool missing (make deps)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 1; }

if [ "${2:-}" = --measure ]; then
	work=$BENCH_WORK
else
	work=$(mktemp -d /tmp/kura-bench.XXXXXX)
fi
runtimes="kura crun runc"

rt_bin() {
	case $1 in
	kura) echo "$kura" ;;
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
	echo "$(rt_bin "$1") --root $work/root-$1"
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

cleanup() {
	for rt in $runtimes; do
		[ -d "$work/root-$rt" ] || continue
		for id in $(rt_do "$rt" list -q 2>/dev/null); do
			rt_do "$rt" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	rm -rf "$work"
}
bundle=$work/bundle
sleeper=$work/sleeper
secbundle=$work/seccomp

hf() {
	out=$1
	shift
	hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$out" "$@" \
		>"$out.log" 2>&1 || { echo "bench: hyperfine failed, see below" >&2; cat "$out.log" >&2; exit 1; }
}

# ---- measure: one runtime, from inside its namespace (bench.sh --measure) ----
measure() {
	rt=$1
	R=$(rt_base "$rt")
	hf "$work/$rt-run.json" "$(rt_cmd "$rt" "exec $R run --bundle $bundle r\$\$")"
	hf "$work/$rt-seccomp.json" "$(rt_cmd "$rt" "exec $R run --bundle $secbundle s\$\$")"
	hf "$work/$rt-csd.json" "$(rt_cmd "$rt" \
		"$R create --bundle $bundle c\$\$ && $R start c\$\$ && exec $R delete -f c\$\$")"
	$R run -d --bundle "$sleeper" sleeper </dev/null >/dev/null 2>&1
	hf "$work/$rt-exec.json" "$(rt_cmd "$rt" "exec $R exec sleeper /bin/true")"
	$R delete -f sleeper >/dev/null 2>&1
	: >"$work/$rt-rss"
	i=0
	while [ $i -lt "$rss_runs" ]; do
		/usr/bin/time -f %M -o "$work/$rt-rss.one" $R run --bundle "$bundle" m$$-$i \
			</dev/null >/dev/null 2>&1 || { echo "bench: $rt run failed (rss)" >&2; exit 1; }
		tail -n 1 "$work/$rt-rss.one" >>"$work/$rt-rss"
		i=$((i + 1))
	done
}

if [ "${2:-}" = --measure ]; then
	measure "$BENCH_RT"
	exit 0
fi
trap cleanup EXIT
trap 'exit 130' INT TERM

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
names=$(sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
	jq -R . | jq -s .)
jq --arg root "$bundle/rootfs" --argjson names "$names" '.root.path = $root |
	.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		syscalls: [{names: $names, action: "SCMP_ACT_ALLOW"}]}' \
	"$bundle/config.json" > "$secbundle/config.json"

mkdir -p "$work/scratch"
for rt in $runtimes; do
	mkdir -p "$work/root-$rt"
done

# kura is compared only once it runs a container; its row is "n/a" until then.
ok_kura=1
if ! rt_do kura run --bundle "$bundle" probe$$ >"$work/kura-probe.log" 2>&1; then
	ok_kura=0
	echo "bench: kura cannot run the bundle yet (n/a): $(tail -n 1 "$work/kura-probe.log")" >&2
	rt_do kura delete -f probe$$ >/dev/null 2>&1 || true
fi

active=""
for rt in $runtimes; do
	[ "$rt" = kura ] && [ $ok_kura = 0 ] && continue
	active="$active $rt"
done

median_ms() { # FILE -> median in ms, 2 decimals
	jq -r '.results[0].median * 1000 | . * 100 | round / 100' "$1"
}

for rt in $active; do
	echo "bench: $rt ..." >&2
	export BENCH_WORK="$work" BENCH_RT="$rt"
	unshare -m sh -c "$(rt_prep "$rt") && exec \"\$0\" \"\$1\" --measure" "$0" "$kura" ||
		{ echo "bench: $rt failed" >&2; exit 1; }
done

median_rss() { # FILE of KiB, one per line -> median
	sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

value() { # RUNTIME METRIC
	case $2 in
	rss) [ -s "$work/$1-rss" ] && median_rss "$work/$1-rss" || echo n/a ;;
	*) [ -s "$work/$1-$2.json" ] && median_ms "$work/$1-$2.json" || echo n/a ;;
	esac
}

ratio() { # A B -> A/B
	case "$1$2" in
	*n/a*) echo n/a ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' ;;
	esac
}

printf '\nmedians over %s runs (rss: %s runs); each run: sh -c exec RUNTIME\n\n' "$runs" "$rss_runs"
printf '%-22s %10s %10s %10s %12s %12s\n' metric kura crun runc kura/crun kura/runc
for m in run seccomp csd exec rss; do
	case $m in
	run) label='run /bin/true (ms)' ;;
	seccomp) label='run, seccomp (ms)' ;;
	csd) label='create+start+del (ms)' ;;
	exec) label='exec /bin/true (ms)' ;;
	rss) label='peak RSS run (KiB)' ;;
	esac
	k=$(value kura $m)
	c=$(value crun $m)
	r=$(value runc $m)
	printf '%-22s %10s %10s %10s %12s %12s\n' "$label" "$k" "$c" "$r" "$(ratio "$k" "$c")" "$(ratio "$k" "$r")"
done

#!/bin/sh
# make demo: build, make a busybox bundle, run a real container that prints its
# hostname, its pid 1 and its mounts, then clean up.
set -eu
build=${1:?usage: demo.sh BUILDDIR}
kura="$build/kura"
[ "$(id -u)" = 0 ] || { echo "demo: run as root (containers need namespaces and cgroups)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/kura-demo.XXXXXX)
root="$tmp/state"
id="kura-demo-$$"
cleanup() {
	"$kura" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
KURA="$kura" "$(dirname "$0")/mkbundle.sh" "$tmp/bundle" sh -c \
	'echo "hostname: $(hostname)"; echo "pid 1: $(cat /proc/1/comm) (I am pid $$)"; echo "mounts:"; cat /proc/self/mounts'
echo "== kura check --bundle $tmp/bundle"
"$kura" check --bundle "$tmp/bundle"
echo "== kura run --bundle $tmp/bundle $id"
"$kura" --root "$root" run --bundle "$tmp/bundle" "$id"
echo "== exit status $?; state left behind: $(ls "$root" 2>/dev/null | wc -l) containers"

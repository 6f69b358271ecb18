#!/bin/sh
# make layers: print kura's include graph by module and fail on an include
# that crosses the allowed direction (docs/architecture.md, "Layering"), or
# that names a header of another folder without its folder.
# A module is a folder (supervisor/cgroup -> cgroup) or, at the top of
# supervisor/, a file's stem (supervisor/spawn.c -> spawn).
# usage: scripts/layers.sh [REPO]
set -eu
cd "${1:-$(dirname "$0")/..}"

# module: the modules it may include (util, specs and the module itself always)
allowed() {
	case $1 in
	specs | bootstrap) echo "" ;;
	shim) echo "bootstrap" ;;
	util) echo "" ;;
	main) echo "cmd init state" ;;
	cmd) echo "container state cgroup hooks console" ;;
	container) echo "spawn state cgroup hooks console rootfs seccomp_cache netdev bootstrap" ;;
	spawn) echo "bootstrap" ;;
	state) echo "cgroup" ;;
	init) echo "rootfs process console hooks bootstrap container:initdata.h" ;;
	rootfs | process) echo "bootstrap" ;;
	console) echo "rootfs bootstrap" ;;
	seccomp_cache) echo "process" ;;
	cgroup | hooks | netdev) echo "" ;;
	systemd) echo "" ;;
	*) echo "?" ;;
	esac
}

module_of() {
	case $1 in
	supervisor/*/*) d=${1#supervisor/}; echo "${d%%/*}" ;;
	supervisor/*) b=${1#supervisor/}; echo "${b%.*}" ;;
	*/*) echo "${1%%/*}" ;;
	esac
}

headers=$(mktemp)
edges=$(mktemp)
trap 'rm -f "$headers" "$edges"' EXIT
find specs bootstrap shim supervisor -name '*.h' | awk -F/ '{ print $NF, $0 }' >"$headers"

bad=0
for f in $(find specs bootstrap shim supervisor -name '*.[ch]' | sort); do
	from=$(module_of "$f")
	ok=" $(allowed "$from") "
	if [ "$ok" = " ? " ]; then
		echo "layers: $f: module \"$from\" has no rule in scripts/layers.sh" >&2
		bad=1
		continue
	fi
	hits=$(grep -n '^#include "' "$f" | while IFS= read -r line; do
		n=${line%%:*}
		inc=$(printf '%s' "$line" | sed 's/.*#include "\([^"]*\)".*/\1/')
		h=$(awk -v b="${inc##*/}" '$1 == b { print $2; exit }' "$headers")
		[ -n "$h" ] || continue
		# a header of another folder is named with its folder ("cgroup/cgroup.h")
		case "$inc" in
		*/*) ;;
		*)
			if [ "${h%/*}" != "${f%/*}" ] && [ "${h%/*}" != supervisor ]; then
				echo "layers: $f:$n: \"$inc\" is $h: name its folder" >&2
				echo BAD
				continue
			fi
			;;
		esac
		to=$(module_of "$h")
		[ "$to" != "$from" ] || continue
		case "$h" in
		*_internal.h)
			echo "layers: $f:$n: includes $h, internal to $to" >&2
			echo BAD
			continue
			;;
		esac
		case "$to" in util | specs) ;; *)
			case "$ok" in
			*" $to "* | *" $to:${h##*/} "*) ;;
			*)
				echo "layers: $f:$n: $from may not include $h ($to)" >&2
				echo BAD
				continue
				;;
			esac
			;;
		esac
		[ "$from" != specs ] && [ "$from" != bootstrap ] || [ "$to" != util ] || {
			echo "layers: $f:$n: $from is a leaf, it may not include $h" >&2
			echo BAD
			continue
		}
		echo "$from $to" >>"$edges"
	done)
	case "$hits" in *BAD*) bad=1 ;; esac
done

echo "include graph (module -> modules it includes):"
sort -u "$edges" | awk '{ a[$1] = a[$1] (a[$1] ? ", " : "") $2 } END { for (m in a) print "  " m " -> " a[m] }' | sort
if [ "$bad" -ne 0 ]; then
	echo "layers: failed" >&2
	exit 1
fi
echo "layers: ok"

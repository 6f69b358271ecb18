#!/bin/sh
# Make an OCI bundle in DIR: a busybox rootfs (Debian's busybox-static) and the
# default config of `kura spec`, set to run ARGS (default: sh) without a terminal.
# usage: mkbundle.sh DIR [ARG...]     env: KURA (default: build/kura next to this script)
set -eu
dir=${1:?usage: mkbundle.sh DIR [ARG...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
kura=${KURA:-$here/build/kura}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkbundle: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir/rootfs"
root="$dir/rootfs"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root" "$root/var"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
# every applet as a hard link in /bin: one process, where a symlink each costs seconds
"$root/bin/busybox" --install "$root/bin"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
rm -f "$dir/config.json"
"$kura" spec --bundle "$dir"
if [ $# -eq 0 ]; then set -- sh; fi
args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
jq --argjson args "$args" '.process.terminal = false | .process.args = $args' \
	"$dir/config.json" > "$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"

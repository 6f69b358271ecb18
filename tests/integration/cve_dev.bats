#!/usr/bin/env bats
# CVE-2026-41579 (runc) / CVE-2026-47766 (crun): an image whose /dev, one of
# /dev/pts, /dev/shm, /dev/mqueue, a default device node or /dev/console is a
# symlink leading out of the rootfs (absolute, or relative with enough "..")
# must never make the runtime write, mknod, mount or create anything where
# the link points on the host.
#
# Each test first checks the host side (the link's target is untouched), then
# what kura does instead.  The tests take any runtime with runc's command line
# in $KURA: run against a vulnerable one, the host check is what fails.
#
# What kura does per shape, and why:
#  - /dev itself a symlink: refused.  /dev belongs to the runtime like /proc
#    and /sys (CVE-2023-27561): the OCI spec promises the container its nodes
#    at /dev.  Mounting the /dev tmpfs where the link resolves inside the root
#    would be safe for kura, but it would put the container's devices at a
#    path the image chose (over /etc, over / itself), and anything that later
#    walks "$rootfs/dev" on the host (hooks, an engine, the vulnerable
#    runtimes' own code) would follow the link out.  No real image has one.
#  - /dev/pts, /dev/shm, /dev/mqueue symlinks (an image /dev, no /dev tmpfs):
#    the mount lands where the link resolves inside the rootfs, like every
#    other mount destination (CVE-2021-30465).  Real images do this:
#    /dev/shm -> /run/shm is an old Debian layout, and must keep working.
#  - a default node (null, zero, full, random, urandom, tty) that is a
#    symlink: the link is removed and the real node made in its place.  The
#    runtime must supply these nodes; a link there is never what the image
#    meant, and replacing it touches only the rootfs.
#  - /dev/console a symlink with terminal: true: refused, the pty is bound
#    through nothing (as CVE-2025-52565 in cve.bats, for an image /dev and a
#    relative link here).

load helpers

setup() {
	setup_bundle
	config_set '.root.readonly = false'
	HOSTDIR=$TMP/host
	mkdir -p "$HOSTDIR"
}

teardown() {
	[ -z "${recvtty_pid:-}" ] || kill "$recvtty_pid" 2>/dev/null || true
	teardown_bundle
	no_mount_left
}

# out_link TARGET: a relative symlink text climbing from anywhere in the
# rootfs to the host's TARGET (extra ".." stop at the host's /)
out_link() {
	printf '../../../../../../../../../..%s' "$1"
}

# image_dev: the container's /dev is the image's directory (no /dev tmpfs);
# the spec's /dev/pts, /dev/shm, /dev/mqueue mounts stay
image_dev() {
	config_set '.mounts |= map(select(.destination != "/dev"))'
}

# host_untouched DIR [ENTRY...]: DIR on the host is still a real directory
# holding exactly ENTRY... (none: empty), nothing mounted on or under it
host_untouched() {
	local dir=$1 want got
	shift
	[ -d "$dir" ] && [ ! -L "$dir" ] || { echo "$dir was replaced" >&2; return 1; }
	want=$(printf '%s\n' "$@" | sort | sed '/^$/d')
	got=$(ls -A "$dir" | sort)
	[ "$got" = "$want" ] || {
		echo "written outside the rootfs, in $dir: $(echo $got)" >&2
		return 1
	}
	if awk -v d="$dir" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo | grep -q .; then
		echo "mounted outside the rootfs, on $dir" >&2
		return 1
	fi
}

# refused_naming PATH: the run failed with status 1, its message naming PATH
# as a symlink, and no state is left
refused_naming() {
	[ "$status" -eq 1 ] || { echo "status $status, not 1: $output" >&2; return 1; }
	[[ "$output" == *"$1"*symlink* ]] || { echo "message does not name $1: $output" >&2; return 1; }
	[ ! -d "$ROOT/$ID" ]
}

@test "CVE-2026-41579: /dev an absolute symlink out of the rootfs is refused, nothing made there" {
	rmdir "$BUNDLE/rootfs/dev"
	ln -s "$HOSTDIR" "$BUNDLE/rootfs/dev"
	in_container 'true'
	host_untouched "$HOSTDIR"
	refused_naming /dev
	# nor inside the rootfs where the link would resolve
	[ ! -e "$BUNDLE/rootfs$HOSTDIR" ]
}

@test "CVE-2026-41579: /dev a relative symlink climbing out of the rootfs is refused" {
	rmdir "$BUNDLE/rootfs/dev"
	ln -s "$(out_link "$HOSTDIR")" "$BUNDLE/rootfs/dev"
	in_container 'true'
	host_untouched "$HOSTDIR"
	refused_naming /dev
}

@test "CVE-2026-41579: /dev symlinked out with no /dev mount: no device is made through it" {
	image_dev
	rmdir "$BUNDLE/rootfs/dev"
	ln -s "$HOSTDIR" "$BUNDLE/rootfs/dev"
	config_set '.mounts |= map(select(.destination | startswith("/dev/") | not))'
	in_container 'true'
	host_untouched "$HOSTDIR"
	refused_naming /dev
}

# sub_dev_link NAME FSTYPE ABSOLUTE: /dev/NAME of an image /dev links out;
# the spec's mount there lands where the link resolves inside the rootfs
sub_dev_link() {
	local name=$1 fstype=$2 target=$HOSTDIR
	[ "$3" = yes ] || target=$(out_link "$HOSTDIR")
	image_dev
	ln -s "$target" "$BUNDLE/rootfs/dev/$name"
	in_container "cat /proc/self/mountinfo; ls -A /dev/$name/ >/dev/null && echo listed"
	host_untouched "$HOSTDIR"
	[ "$status" -eq 0 ]
	[[ "$output" == *listed* ]]
	[[ "$(mi_line "$HOSTDIR")" == *" - $fstype "* ]]
	[ -d "$BUNDLE/rootfs$HOSTDIR" ]
}

@test "CVE-2026-41579: /dev/pts symlinked out: devpts is mounted inside the rootfs" {
	sub_dev_link pts devpts yes
	# and the container's ptmx reaches that instance
	[ -L "$BUNDLE/rootfs/dev/ptmx" ]
	[ "$(readlink "$BUNDLE/rootfs/dev/ptmx")" = pts/ptmx ]
}

@test "CVE-2026-41579: /dev/shm symlinked out (relative): the tmpfs is mounted inside the rootfs" {
	sub_dev_link shm tmpfs no
}

@test "CVE-2026-41579: /dev/mqueue symlinked out: mqueue is mounted inside the rootfs" {
	sub_dev_link mqueue mqueue yes
}

# dev_nodes_linked_out: each default node of an image /dev links out, half
# absolute, half relative; the container must get the real nodes
dev_nodes_linked_out() {
	image_dev
	for n in null zero full; do ln -s "$HOSTDIR/$n" "$BUNDLE/rootfs/dev/$n"; done
	for n in random urandom tty; do ln -s "$(out_link "$HOSTDIR/$n")" "$BUNDLE/rootfs/dev/$n"; done
	in_container 'for n in null zero full random urandom tty; do
			[ -L /dev/$n ] && echo "$n still a link"
			stat -c "%n %F %t:%T" /dev/$n
		done
		echo x > /dev/null && echo null-works'
	host_untouched "$HOSTDIR"
	[ "$status" -eq 0 ]
	[[ "$output" != *"still a link"* ]]
	[ "${lines[0]}" = "/dev/null character special file 1:3" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0" ]
	[ "${lines[6]}" = null-works ]
	# nothing was made where the links resolve inside the rootfs either
	[ ! -e "$BUNDLE/rootfs$HOSTDIR" ]
}

@test "CVE-2026-41579: default device nodes symlinked out are replaced by real nodes" {
	dev_nodes_linked_out
}

@test "CVE-2026-41579: in a user namespace the host's nodes are bound in place of the links" {
	userns_config
	dev_nodes_linked_out
}

@test "CVE-2026-47766: an image /dev/console linking out (relative) is refused with terminal: true" {
	recvtty=${RECVTTY:-$(dirname "$KURA")/tests/recvtty}
	[ -x "$recvtty" ] || recvtty=$REPO/build/tests/recvtty
	[ -x "$recvtty" ] || skip "recvtty not built"
	image_dev
	echo target > "$HOSTDIR/console"
	ln -s "$(out_link "$HOSTDIR/console")" "$BUNDLE/rootfs/dev/console"
	config_set '.process.terminal = true | .process.args = ["true"]'
	sock=$TMP/tty.sock
	"$recvtty" --mode single "$sock" </dev/null >"$TMP/tty.out" 2>&1 &
	recvtty_pid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
	# -d: runc takes --console-socket only for a detached run
	run kura run -d --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	host_untouched "$HOSTDIR" console
	[ -f "$HOSTDIR/console" ]
	[ ! -L "$HOSTDIR/console" ]
	[ "$(cat "$HOSTDIR/console")" = target ]
	refused_naming /dev/console
	# the image's link is left as it was, not written through inside either
	[ -L "$BUNDLE/rootfs/dev/console" ]
	[ ! -e "$BUNDLE/rootfs$HOSTDIR" ]
}

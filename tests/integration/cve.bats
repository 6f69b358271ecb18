#!/usr/bin/env bats
# Regression tests for the filesystem CVEs of container runtimes, each named
# after its CVE: a hostile rootfs must never make kura mount, create or write
# outside of it.

load helpers

setup() {
	setup_bundle
	config_set '.root.readonly = false'
}

teardown() {
	[ -z "${recvtty_pid:-}" ] || kill "$recvtty_pid" 2>/dev/null || true
	teardown_bundle
	no_mount_left
}

# a user-supplied /dev (bind of $TMP/dev): kura makes no nodes there
user_dev() {
	mkdir -p "$TMP/dev"
	config_set --arg s "$TMP/dev" '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
		| .mounts += [{"destination": "/dev", "type": "bind", "source": $s, "options": ["rbind"]}]'
}

@test "CVE-2021-30465: a destination symlinked out of the rootfs is mounted inside it" {
	ln -s "$TMP/outside" "$BUNDLE/rootfs/evil"
	ln -s ../../../../../../../../../.."$TMP/outside2" "$BUNDLE/rootfs/evil2"
	config_set '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/evil2", "type": "tmpfs", "source": "tmpfs"}]'
	in_container 'cat /proc/self/mountinfo; touch /evil/sub/x && echo in-mount'
	[ "$status" -eq 0 ]
	[[ "$output" == *in-mount* ]]
	# the tmpfs is where the symlink leads *inside* the root
	[[ "$(mi_line "$TMP/outside/sub")" == *" - tmpfs "* ]]
	[[ "$(mi_line "$TMP/outside2")" == *" - tmpfs "* ]]
	[ -d "$BUNDLE/rootfs$TMP/outside/sub" ]
	# and nothing was made on the host
	[ ! -e "$TMP/outside" ]
	[ ! -e "$TMP/outside2" ]
}

@test "CVE-2023-27561: /proc as a symlink in the rootfs is refused" {
	mkdir -p "$TMP/fakeproc"
	rmdir "$BUNDLE/rootfs/proc"
	ln -s "$TMP/fakeproc" "$BUNDLE/rootfs/proc"
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc"*"symlink"* ]]
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(ls -A "$TMP/fakeproc")" ]
}

@test "CVE-2023-27561: /sys as a symlink inside the rootfs is refused too" {
	rmdir "$BUNDLE/rootfs/sys"
	mkdir -p "$BUNDLE/rootfs/elsewhere"
	ln -s elsewhere "$BUNDLE/rootfs/sys"
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/sys"*"symlink"* ]]
}

@test "CVE-2024-45310: making a bind destination cannot create files outside the rootfs" {
	mkdir -p "$TMP/hostdir"
	echo content > "$TMP/srcfile"
	ln -s "$TMP/hostdir" "$BUNDLE/rootfs/link"
	config_set --arg s "$TMP/srcfile" '.mounts += [
		{"destination": "/link/newfile", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/link/newdir/deeper", "type": "tmpfs", "source": "tmpfs"}]'
	in_container 'cat /link/newfile'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = content ]
	# the host directory the symlink names stays empty
	[ -z "$(ls -A "$TMP/hostdir")" ]
	[ -f "$BUNDLE/rootfs$TMP/hostdir/newfile" ]
	[ -d "$BUNDLE/rootfs$TMP/hostdir/newdir/deeper" ]
}

@test "CVE-2025-31133: a /dev/null symlinked elsewhere is never used to mask" {
	user_dev
	ln -s /proc/sys/kernel/core_pattern "$TMP/dev/null"
	before=$(cat /proc/sys/kernel/core_pattern)
	config_set '.linux.maskedPaths = ["/proc/keys"]'
	in_container 'cat /proc/keys | wc -c'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/null"* ]]
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ]
}

@test "CVE-2025-31133: a /dev/null that is a plain file is refused" {
	user_dev
	echo not-null > "$TMP/dev/null"
	config_set '.linux.maskedPaths = ["/proc/keys"]'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/null is not the null device"* ]]
}

@test "CVE-2025-31133: a real null node in a user /dev is used" {
	user_dev
	mknod "$TMP/dev/null" c 1 3
	config_set '.linux.maskedPaths = ["/proc/keys"]'
	in_container 'echo "keys=$(cat /proc/keys | wc -c)"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = keys=0 ]
}

@test "CVE-2019-16884: nothing but the known files may be mounted inside /proc" {
	echo fake > "$TMP/fake"
	config_set --arg s "$TMP/fake" '.mounts += [{"destination": "/proc/self/attr/exec", "type": "bind", "source": $s, "options": ["bind"]}]'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc/self/attr/exec cannot be mounted because it is inside /proc"* ]]
}

@test "CVE-2019-16884: a symlink cannot lead a mount into /proc either" {
	echo '|/tmp/evil %p' > "$TMP/fake"
	ln -s /proc/sys/kernel "$BUNDLE/rootfs/evil"
	before=$(cat /proc/sys/kernel/core_pattern)
	config_set --arg s "$TMP/fake" '.mounts += [{"destination": "/evil/core_pattern", "type": "bind", "source": $s, "options": ["bind"]}]'
	in_container 'cat /proc/sys/kernel/core_pattern'
	[ "$status" -ne 0 ]
	[[ "$output" == *"/evil/core_pattern resolves into /proc"* ]]
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ]
}

@test "CVE-2019-16884: lxcfs-style binds over /proc/cpuinfo stay allowed" {
	echo "processor : fake" > "$TMP/cpuinfo"
	config_set --arg s "$TMP/cpuinfo" '.mounts += [{"destination": "/proc/cpuinfo", "type": "bind", "source": $s, "options": ["bind", "ro"]}]'
	in_container 'cat /proc/cpuinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "processor : fake" ]
}

@test "CVE-2025-52565: a /dev/console symlink is refused, the pty is not bound through it" {
	recvtty=${RECVTTY:-$(dirname "$KURA")/tests/recvtty}
	[ -x "$recvtty" ] || recvtty=$REPO/build/tests/recvtty
	[ -x "$recvtty" ] || skip "recvtty not built"
	user_dev
	mknod "$TMP/dev/null" c 1 3
	mkdir -p "$TMP/dev/pts"
	echo target > "$TMP/console-target"
	ln -s "$TMP/console-target" "$TMP/dev/console"
	config_set '.process.terminal = true | .process.args = ["true"]
		| .mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
	sock=$TMP/tty.sock
	"$recvtty" --mode single "$sock" </dev/null >"$TMP/tty.out" 2>&1 &
	recvtty_pid=$!
	for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
	run kura run --console-socket "$sock" --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/console is a symlink"* ]]
	[ "$(cat "$TMP/console-target")" = target ]
}

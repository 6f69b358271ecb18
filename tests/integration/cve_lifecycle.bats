#!/usr/bin/env bats
# Regression tests of the runtime CVEs that concern kura's own binary and fds.
# Each would escape (or write the host) on a vulnerable runtime.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "CVE-2019-5736: the init half's /proc/PID/exe cannot be written, the host kura stays intact" {
	before=$(sha256sum "$KURA" | cut -d' ' -f1)
	kura create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	pid=$(kura state "$ID" | jq .pid)
	# the init half is kura, waiting on the exec fifo: hold its exe open as an attacker would
	exec 7</proc/$pid/exe
	kura start "$ID"
	run sh -c "echo pwned >> /proc/$$/fd/7"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* || "$output" == *"Operation not permitted"* ]]
	exec 7<&-
	[ "$(sha256sum "$KURA" | cut -d' ' -f1)" = "$before" ]
}

@test "CVE-2024-21626: the container's process holds only stdio" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
	# pid 1 in there is the container's process, past the execve of the init half
	run kura exec "$ID" ls /proc/1/fd
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2" ]
}

@test "CVE-2024-21626: a cwd under /proc/self/fd is refused" {
	for fd in 3 4 5 6 7 8; do
		config_set --arg cwd "/proc/self/fd/$fd" '.process.cwd = $cwd | .process.args = ["sh", "-c", "pwd; ls ../../.. | head -3"]'
		run kura run --bundle "$BUNDLE" "$ID-$fd"
		echo "fd $fd: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" != *"/"*"sys"* ]]
	done
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "CVE-2025-52881: a sysctl write redirected by a bind mount inside /proc is refused" {
	# a createContainer hook (in the container's mount namespace) binds one procfs
	# file over the one kura is about to write: the write must not follow it
	cat > "$TMP/hook.sh" <<-'EOS'
	#!/bin/sh
	root=$(sed -n 's/.*"rootfs":"\([^"]*\)".*/\1/p')
	mount --bind "$root/proc/sys/kernel/shmmni" "$root/proc/sys/kernel/msgmax"
	EOS
	chmod +x "$TMP/hook.sh"
	config_set --arg h "$TMP/hook.sh" '.hooks.createContainer = [{"path": $h}]
		| .linux.sysctl = {"kernel.msgmax": "12345"}
		| .process.args = ["cat", "/proc/sys/kernel/shmmni"]'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"kernel.msgmax"* || "$output" == *"msgmax"* ]]
	[[ "$output" != *12345* ]]
	[ ! -d "$ROOT/$ID" ]
}

#!/usr/bin/env bats
# Regression tests for CVEs that concern the container process.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# CVE-2022-29162: runc put capabilities into the inheritable set that the
# config never asked for, so a program with inheritable file capabilities
# gained them on execve.  The default config lists ambient but no inheritable.
@test "CVE-2022-29162: inheritable stays empty unless asked (run)" {
	config_set '.process.args = ["sh", "-c", "grep -E ^Cap /proc/self/status"]'
	[ "$(jq '.process.capabilities.inheritable // [] | length' "$BUNDLE/config.json")" = 0 ]
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(status_line CapInh)" = 0000000000000000 ]
	[ "$(status_line CapAmb)" = 0000000000000000 ]
	# and the configured sets are there: AUDIT_WRITE, KILL, NET_BIND_SERVICE
	[ "$(status_line CapEff)" = 0000000020000420 ]
}

@test "CVE-2022-29162: inheritable stays empty unless asked (exec)" {
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura exec "$ID" sh -c 'grep -E ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(status_line CapInh)" = 0000000000000000 ]
	[ "$(status_line CapAmb)" = 0000000000000000 ]
	kura delete --force "$ID"
}

# CVE-2019-16884: a mount over a /proc path redirected runc's writes there.
# kura refuses such mounts in config.json; a createContainer hook (it runs
# in the container's mount namespace) stands in for the malicious image.  A
# sysctl must land on the container's procfs itself or not at all.
@test "CVE-2019-16884: a sysctl is never written through a mount over /proc/sys" {
	config_set --arg rootfs "$BUNDLE/rootfs" '.hooks.createContainer = [{"path": "/bin/sh",
			"args": ["sh", "-c", ("mount -t tmpfs kura-fake " + $rootfs + "/proc/sys/net/ipv4 && echo 0 > " + $rootfs + "/proc/sys/net/ipv4/ip_forward")]}]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward"]'
	run_refused "sysctl net.ipv4.ip_forward: open /proc/sys/net/ipv4/ip_forward: Invalid cross-device link"
	[ ! -d "$ROOT/$ID" ]
}

@test "CVE-2019-16884: the same sysctl without the mount is written" {
	config_set '.linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| .process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward"]'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

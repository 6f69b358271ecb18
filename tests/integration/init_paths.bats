#!/usr/bin/env bats
# The init half's short cuts (issue 16) do what the long ways did: signals
# kura inherited ignored are reset, only ignored ones; the v1 cgroup binds
# get their flags in one go; directories made where only the last component
# is missing; a symlink of the image where a default node goes.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
	no_mount_left
}

@test "init paths: signals ignored by kura's caller are default in the container, nothing blocked" {
	# grep itself, not under busybox sh, which ignores SIGQUIT on its own
	config_set '.process.args = ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]'
	# SIGHUP, SIGPIPE and SIGUSR2 ignored, as nohup or an engine may leave them
	run sh -c "trap '' HUP PIPE USR2; exec \"\$0\" --root \"\$1\" run --bundle \"\$2\" \"\$3\"" \
		"$KURA" "$ROOT" "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(status_line SigIgn)" = 0000000000000000 ]
	# and 32 and 33, which glibc's sigaction refuses to touch: the kernel's
	# rt_sigaction (x86_64 syscall 13) sets them ignored; the init resets them
	run perl -e 'my $ign = pack("Q4", 1, 0, 0, 0);
		for my $s (32, 33) { syscall(13, $s, $ign, 0, 8) == 0 or die "$!" }
		exec @ARGV or die "$!"' "$KURA" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(status_line SigIgn)" = 0000000000000000 ]
	[ "$(status_line SigBlk)" = 0000000000000000 ]
}

@test "init paths: v1 cgroup binds are read-only, nosuid, nodev, noexec, and only those asked for" {
	[ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 hierarchies"
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	line=$(mi_line /sys/fs/cgroup/memory)
	[ -n "$line" ]
	[[ "$(echo "$line" | awk '{print $6}')" == ro,nosuid,nodev,noexec* ]]
	[[ "$(mi_line /sys/fs/cgroup | awk '{print $6}')" == ro,nosuid,nodev,noexec* ]]
	# a cgroup mount asking for less: a bind remount clears what it was not asked for
	config_set '.mounts |= map(if .type == "cgroup" then .options = ["nosuid", "relatime"] else . end)'
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	line=$(mi_line /sys/fs/cgroup/memory)
	[ "$(echo "$line" | awk '{print $6}')" = rw,nosuid,relatime ]
	[ "$(mi_line /sys/fs/cgroup | awk '{print $6}')" = rw,nosuid,relatime ]
}

@test "init paths: mount points are made where the last component or more is missing" {
	rm -rf "$BUNDLE/rootfs/dev" "$BUNDLE/rootfs/a"
	mkdir -p "$BUNDLE/rootfs/b"
	config_set '.mounts += [
		{"destination": "/a/b/c", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/b/c", "type": "tmpfs", "source": "tmpfs"}]'
	in_container 'cat /proc/self/mountinfo; ls -d /dev/pts /dev/shm /dev/mqueue'
	[ "$status" -eq 0 ]
	[ -n "$(mi_line /a/b/c)" ]
	[ -n "$(mi_line /b/c)" ]
	[ -n "$(mi_line /dev/pts)" ]
	[ -n "$(mi_line /dev/mqueue)" ]
}

@test "init paths: a dangling symlink as the last component still leads inside the rootfs" {
	mkdir -p "$BUNDLE/rootfs/m"
	ln -s /inside/target "$BUNDLE/rootfs/m/link"
	config_set '.mounts += [{"destination": "/m/link", "type": "tmpfs", "source": "tmpfs"}]'
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ -n "$(mi_line /inside/target)" ]
	[ -d "$BUNDLE/rootfs/inside/target" ]
	[ ! -e /inside/target ]
}

@test "init paths: a symlink of the image where /dev/zero goes is replaced by the node" {
	mkdir -p "$BUNDLE/rootfs/dev"
	ln -s /etc/passwd "$BUNDLE/rootfs/dev/zero"
	# /dev on the rootfs itself: no tmpfs over it, the image's /dev is used
	config_set '.mounts |= map(select(.destination != "/dev"))'
	in_container 'stat -c "%F %t:%T %a" /dev/zero'
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 1:5 666" ]
	# made in the image's /dev, in the link's place; the link's target untouched
	[ -c "$BUNDLE/rootfs/dev/zero" ]
	[ -f /etc/passwd ] && [ ! -L /etc/passwd ]
}

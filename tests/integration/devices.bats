#!/usr/bin/env bats
# /dev of the container: default nodes, linux.devices, the /dev links, and
# in a user namespace, where the init may not mknod, nodes kura made on the
# host side in a tmpfs of its own, bound in.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
	no_mount_left
}

# busybox stat: major and minor in hex
@test "devices: the default nodes exist with their numbers and mode 0666" {
	in_container 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null character special file 1:3 666 0:0" ]
	[ "${lines[1]}" = "/dev/zero character special file 1:5 666 0:0" ]
	[ "${lines[2]}" = "/dev/full character special file 1:7 666 0:0" ]
	[ "${lines[3]}" = "/dev/random character special file 1:8 666 0:0" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1:9 666 0:0" ]
	[ "${lines[5]}" = "/dev/tty character special file 5:0 666 0:0" ]
}

@test "devices: the default nodes work" {
	in_container 'echo x > /dev/null && head -c 4 /dev/zero | wc -c; echo x > /dev/full || echo full-refuses; head -c 8 /dev/urandom | wc -c'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 4 ]
	[[ "$output" == *full-refuses* ]]
	[ "${lines[${#lines[@]}-1]}" = 8 ]
}

@test "devices: linux.devices are made with type, numbers, mode and owner" {
	config_set '.linux.devices = [
		{"path": "/dev/kmsg-like", "type": "c", "major": 1, "minor": 11, "fileMode": 416, "uid": 7, "gid": 8},
		{"path": "/dev/sub/dir/loopish", "type": "b", "major": 7, "minor": 200, "fileMode": 384},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420}
	]'
	in_container 'stat -c "%F %t:%T %a %u:%g" /dev/kmsg-like /dev/sub/dir/loopish /dev/myfifo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:b 640 7:8" ]
	[ "${lines[1]}" = "block special file 7:c8 600 0:0" ]
	[ "${lines[2]}" = "fifo 0:0 644 0:0" ]
}

@test "devices: a linux.devices entry replaces the default of the same path" {
	config_set '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 5, "gid": 5}]'
	in_container 'stat -c "%t:%T %u:%g" /dev/null'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:3 5:5" ]
}

@test "devices: /dev links to /proc/self/fd and the devpts ptmx" {
	in_container 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done; [ -e /dev/core ] && echo "core -> $(readlink /dev/core)"; true'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd -> /proc/self/fd" ]
	[ "${lines[1]}" = "stdin -> /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout -> /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr -> /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx -> pts/ptmx" ]
	# /dev/core only where the host has a /proc/kcore
	if [ -e /proc/kcore ]; then
		[ "${lines[5]}" = "core -> /proc/kcore" ]
	else
		[ "${#lines[@]}" -eq 5 ]
	fi
}

@test "devices: a /dev bind-mounted by the config is left as it is" {
	mkdir -p "$TMP/mydev"
	echo mine > "$TMP/mydev/only-this"
	config_set --arg s "$TMP/mydev" '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))
		| .mounts += [{"destination": "/dev", "type": "bind", "source": $s, "options": ["rbind"]}]
		| .linux.maskedPaths = [] '
	in_container 'ls -A /dev'
	[ "$status" -eq 0 ]
	[ "$output" = only-this ]
	[ "$(ls -A "$TMP/mydev")" = only-this ]
}

@test "devices: in a user namespace the nodes kura made are bind-mounted, nosuid and noexec" {
	userns_config
	in_container 'stat -c "%t:%T" /dev/null /dev/urandom; echo x > /dev/null && echo null-works; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:3" ]
	[ "${lines[1]}" = "1:9" ]
	[[ "$output" == *null-works* ]]
	printf '%s\n' "$output" | awk '$5 == "/dev/null" && $6 ~ /nosuid/ && $6 ~ /noexec/' | grep -q .
	printf '%s\n' "$output" | awk '$5 == "/dev/tty"' | grep -q .
}

@test "devices: in a user namespace a node the host does not have is made, with its owner" {
	[ ! -e /dev/kura-test-zero ]
	userns_config
	config_set '.linux.devices = [{"path": "/dev/kura-test-zero", "type": "c", "major": 1,
		"minor": 5, "fileMode": 388, "uid": 7, "gid": 8}]'
	in_container 'stat -c "%t:%T %a %u:%g" /dev/kura-test-zero; head -c 3 /dev/kura-test-zero | od -An -tx1'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:5 604 7:8" ]
	[ "$(echo "${lines[1]}" | tr -d ' ')" = 000000 ]
	# made in kura's own tmpfs, not on the host
	[ ! -e /dev/kura-test-zero ]
}

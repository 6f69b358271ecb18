#!/usr/bin/env bats
# The container's root: pivot_root and --no-pivot, root.readonly, maskedPaths,
# readonlyPaths, process.cwd, sysfs without a network namespace.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
	no_mount_left
}

@test "rootfs: the old root is gone after pivot_root" {
	touch "$TMP/host-only-marker"
	config_set --arg t "$TMP" '.process.args = ["sh", "-c", "ls / ; ls $0/host-only-marker || echo no-host; cat /proc/self/mountinfo", $t]'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *no-host* ]]
	# the host's root filesystem shows only as the bind of the rootfs below it,
	# never with its own root "/" (that would be the old root, still attached)
	host=$(awk '$5 == "/" {print $3}' /proc/self/mountinfo)
	! printf '%s\n' "$output" | awk -v d="$host" '$3 == d && $4 == "/"' | grep -q .
}

@test "rootfs: root.readonly makes / read-only but not /dev or /tmp mounts" {
	config_set '.root.readonly = true'
	in_container 'touch /newfile || echo root-ro; touch /dev/shm/x && echo shm-rw; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *root-ro* ]]
	[[ "$output" == *shm-rw* ]]
	[[ "$(mi_line /)" == *" / ro,"* ]]
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: root.readonly false leaves / writable" {
	config_set '.root.readonly = false'
	in_container 'touch /newfile && echo root-rw'
	[ "$status" -eq 0 ]
	[[ "$output" == *root-rw* ]]
	[ -e "$BUNDLE/rootfs/newfile" ]
}

@test "rootfs: maskedPaths hide files and directories, missing ones are skipped" {
	config_set '.linux.maskedPaths = ["/proc/keys", "/proc/acpi", "/sys/firmware", "/etc/secret", "/no/such/path"]'
	mkdir -p "$BUNDLE/rootfs/etc"
	echo s3cr3t > "$BUNDLE/rootfs/etc/secret"
	in_container 'echo "keys=$(cat /proc/keys | wc -c)"; echo "fw=$(ls -A /sys/firmware | wc -l)"; echo "secret=$(cat /etc/secret)"; touch /sys/firmware/x || echo fw-ro; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *"keys=0"* ]]
	[[ "$output" == *"fw=0"* ]]
	[[ "$output" == *"secret="* ]]
	[[ "$output" != *s3cr3t* ]]
	[[ "$output" == *fw-ro* ]]
	[[ "$(mi_line /sys/firmware)" == *" ro,"*" - tmpfs "* ]]
	[[ "$(mi_line /proc/acpi)" == *" ro,"*" - tmpfs "* ]]
	# the host's /proc/keys itself is readable and not empty
	[ "$(wc -c < /proc/keys)" -gt 0 ]
}

@test "rootfs: readonlyPaths cannot be written, missing ones are skipped" {
	config_set '.linux.readonlyPaths = ["/proc/sys", "/proc/sysrq-trigger", "/no/such/path"]'
	in_container 'echo kura > /proc/sys/kernel/hostname || echo sys-ro; echo h > /proc/sysrq-trigger || echo sysrq-ro; cat /proc/sys/kernel/ostype; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *sys-ro* ]]
	[[ "$output" == *sysrq-ro* ]]
	[[ "$output" == *Linux* ]]
	[[ "$(mi_line /proc/sys)" == *" ro,"* ]]
}

@test "rootfs: --no-pivot runs the container in its root" {
	config_set '.root.readonly = false'
	in_container 'ls /bin/busybox && touch /made-by-no-pivot && cat /proc/self/mountinfo' --no-pivot
	[ "$status" -eq 0 ]
	[[ "$output" == */bin/busybox* ]]
	[ -e "$BUNDLE/rootfs/made-by-no-pivot" ]
	# no pivot_root: the root is the moved rootfs bind, still showing its host path
	[[ "$(mi_line /)" == *"$BUNDLE/rootfs / "* ]]
}

@test "rootfs: process.cwd is made when the image lacks it" {
	config_set '.process.cwd = "/work/deep/dir"'
	in_container 'pwd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /work/deep/dir ]
	[ -d "$BUNDLE/rootfs/work/deep/dir" ]
}

@test "rootfs: sysfs without a network namespace is the host's, bound read-only all the way down" {
	config_set 'del(.linux.namespaces[] | select(.type == "network"))'
	in_container 'ls /sys/class/net | grep -q lo && echo has-lo; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *has-lo* ]]
	[[ "$(mi_line /sys)" == *" ro,"*" - sysfs "* ]]
	# every submount under /sys is read-only too
	! printf '%s\n' "$output" | awk '$5 ~ "^/sys/" && $6 !~ /^ro/' | grep -q .
}

@test "rootfs: a /dev tmpfs asked read-only still gets its devices, then turns read-only" {
	config_set '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
	in_container 'stat -c "%t:%T" /dev/null; touch /dev/newnode || echo dev-ro; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1:3 ]
	[[ "$output" == *dev-ro* ]]
	[[ "$(mi_line /dev)" == *" /dev ro,"* ]]
}

#!/usr/bin/env bats
# runtime-spec 1.3 and what runc and crun both do (issue 14): each test runs
# real containers and failed before kura did the thing it checks.

load helpers

setup() {
	setup_bundle
	VETH=
}

teardown() {
	[ -n "$VETH" ] && ip link del "$VETH" 2>/dev/null
	teardown_bundle
}

# veth_pair: $VETH (host end, 10.213.$N.1/24 on it) and $VETH-p; names unique per test
veth_pair() {
	VETH=kc$$t$BATS_TEST_NUMBER
	ip link add "$VETH" type veth peer name "${VETH}p"
	ip addr add "10.213.$BATS_TEST_NUMBER.1/24" dev "$VETH"
}

@test "netDevices: the device moves in under its new name, keeps its address, is up" {
	veth_pair
	config_set --arg d "$VETH" '.linux.netDevices = {($d): {"name": "eth7"}}'
	in_container 'ip -o addr show eth7; ip -o link show eth7'
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 10.213.$BATS_TEST_NUMBER.1/24"* ]]
	[[ "$output" == *"eth7@"*"UP"* ]]
	# the container's namespace is gone: the spec leaves the device to it, and
	# a veth dies with it (its peer too); nothing was moved back
	for _ in $(seq 100); do ip link show "${VETH}p" >/dev/null 2>&1 || break; sleep 0.1; done
	! ip link show "$VETH" 2>/dev/null
	! ip link show "${VETH}p" 2>/dev/null
}

@test "netDevices: a device the host lacks is an error naming the field, nothing left" {
	config_set '.linux.netDevices = {"kcnosuch0": {}}'
	run kura create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'.linux.netDevices["kcnosuch0"]: no such network device on the host'* ]]
	[ -z "$(ls "$ROOT" 2>/dev/null | grep -v @seccomp)" ]
	run kura create --bundle "$BUNDLE" "$ID"
	[[ "$output" != *"exists"* ]]
}

@test "netDevices: bad names and a missing network namespace are refused by the parser" {
	config_set '.linux.netDevices = {"a/b": {}}'
	run_refused '.linux.netDevices["a/b"]: not a valid network interface name'
	config_set '.linux.netDevices = {"v0": {}} | .linux.namespaces |= map(select(.type != "network"))'
	run_refused ".linux.netDevices: is set but there is no network namespace"
}

@test "memoryPolicy: MPOL_BIND on node 0 is the process's policy" {
	config_set '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	in_container 'head -n 3 /proc/self/numa_maps'
	[ "$status" -eq 0 ]
	[[ "$output" == *" bind:0 "* ]]
	config_set '.linux.memoryPolicy = {"mode": "MPOL_LOCAL", "nodes": "0"}'
	run_refused ".linux.memoryPolicy.nodes: must be empty with MPOL_DEFAULT and MPOL_LOCAL"
}

@test "intelRdt without resctrl on the host: an error naming the field" {
	grep -q ' - resctrl ' /proc/self/mountinfo && skip "this host has resctrl"
	config_set '.linux.intelRdt = {"schemata": ["L3:0=f"], "enableMonitoring": true}'
	run_refused "linux.intelRdt: no resctrl filesystem is mounted"
	[ -z "$(ls "$ROOT" 2>/dev/null | grep -v @seccomp)" ]
	no_cgroup_left
}

@test "features and spec speak 1.3.0; configs 1.0 to 1.3 load" {
	run "$KURA" features
	[ "$status" -eq 0 ]
	[ "$(jq -r .ociVersionMax <<<"$output")" = 1.3.0 ]
	[ "$(jq -r '.linux.netDevices.enabled' <<<"$output")" = true ]
	jq -e '.linux.memoryPolicy.modes | index("MPOL_WEIGHTED_INTERLEAVE")' <<<"$output"
	jq -e '.linux.memoryPolicy.flags | index("MPOL_F_STATIC_NODES")' <<<"$output"
	jq -e '.linux.intelRdt | .enabled and .schemata and .monitoring' <<<"$output"
	[ "$(jq -r .ociVersion "$BUNDLE/config.json")" = 1.3.0 ]
	for v in 1.0.0 1.1.0 1.2.1 1.3.0; do
		config_set --arg v "$v" '.ociVersion = $v | .process.args = ["true"]'
		kura run --bundle "$BUNDLE" "$ID"
	done
}

@test "a new network namespace has lo up" {
	in_container 'cat /sys/class/net/lo/operstate; ip -o link show lo'
	[ "$status" -eq 0 ]
	[[ "$output" == *"<LOOPBACK,UP"* ]]
}

@test "HOME comes from the container's /etc/passwd, else /, in run and exec" {
	echo 'kuser:x:1234:1234::/home/kuser:/bin/sh' >>"$BUNDLE/rootfs/etc/passwd"
	config_set '.process.env |= map(select(startswith("HOME=") | not))'
	in_container 'echo "home=$HOME"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"home=/root"* ]]
	config_set '.process.user.uid = 1234 | .process.args = ["sleep", "100"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura exec "$ID" sh -c 'echo "home=$HOME"'
	[[ "$output" == *"home=/home/kuser"* ]]
	run kura exec --user 4321 "$ID" sh -c 'echo "home=$HOME"'
	[[ "$output" == *"home=/"* ]]
	[[ "$output" != *"home=/home"* ]]
	# exec --env keeps the config's env, and a HOME given wins
	run kura exec --env FOO=1 --env HOME=/given "$ID" sh -c 'echo "home=$HOME foo=$FOO path=$PATH"'
	[[ "$output" == *"home=/given foo=1 path=/"* ]]
}

@test "exec --cwd of a missing directory fails with the chdir error" {
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura exec --cwd /no/such/dir "$ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *'chdir to cwd ("/no/such/dir")'*"No such file or directory"* ]]
	run kura exec "$ID" test -e /no/such/dir
	[ "$status" -ne 0 ]
}

@test "--log that cannot be opened fails the command" {
	run "$KURA" --root "$ROOT" --log /nonexistent-dir/kura.log list
	[ "$status" -eq 1 ]
	[[ "$output" == *"--log /nonexistent-dir/kura.log"* ]]
}

@test "sysctl kernel.hostname and kernel.domainname are refused, naming the field" {
	config_set '.linux.sysctl = {"kernel.hostname": "x"}'
	run_refused '.linux.sysctl["kernel.hostname"]: is not allowed: set .hostname instead'
	config_set '.linux.sysctl = {"kernel.domainname": "x"}'
	run_refused '.linux.sysctl["kernel.domainname"]'
}

@test "a hook with no env inherits kura's environment (PATH)" {
	cat >"$TMP/hook.sh" <<-EOF
		#!/bin/sh
		echo "path=\$PATH" >"$TMP/hook.out"
	EOF
	chmod 755 "$TMP/hook.sh"
	config_set --arg h "$TMP/hook.sh" '.hooks.prestart = [{"path": $h}] | .process.args = ["true"]'
	PATH=/kura-test-path:/usr/bin:/bin kura run --bundle "$BUNDLE" "$ID"
	grep -q '^path=/kura-test-path:' "$TMP/hook.out"
}

@test "a process started with exec leads its own process group" {
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura exec "$ID" sh -c 'cut -d" " -f1,5 /proc/self/stat'
	[ "$status" -eq 0 ]
	set -- $output
	[ "$2" != 0 ]
	[ "$1" = "$2" ]
}

@test "a tmpfs without mode= takes the mode of its mountpoint" {
	mkdir -p "$BUNDLE/rootfs/kct"
	chmod 711 "$BUNDLE/rootfs/kct"
	config_set '.mounts += [{"destination": "/kct", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]},
		{"destination": "/kcm", "type": "tmpfs", "source": "tmpfs", "options": ["mode=700"]}]'
	in_container 'stat -c %a /kct /kcm'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 711 ]
	[ "${lines[1]}" = 700 ]
}

@test "SCHED_FIFO on v1 without an rt budget names both fields; with one it runs" {
	[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no v1 cpu controller"
	config_set '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	in_container 'grep -i policy /proc/self/sched || true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.scheduler.policy SCHED_FIFO"*"linux.resources.cpu.realtimeRuntime"* ]]
	config_set '.linux.resources.cpu.realtimePeriod = 1000000 | .linux.resources.cpu.realtimeRuntime = 10000'
	in_container 'sed -n "s/^policy *: *//p" /proc/self/sched'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -d ' \r')" = 1 ]
}

@test "SCHED_DEADLINE parameters are checked, naming the field" {
	config_set '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 20000, "deadline": 10000}'
	run_refused ".process.scheduler.runtime: must not exceed deadline"
	config_set '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 10, "deadline": 10000}'
	run_refused ".process.scheduler.runtime: must be at least 1024"
	config_set '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000}'
	run_refused ".process.scheduler.deadline: is required with SCHED_DEADLINE"
}

@test "cgroup v1 memory.kernelTCP is written to memory.kmem.tcp.limit_in_bytes" {
	[ -e /sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes ] || skip "no v1 memory controller"
	config_set --arg p "/kct-$ID" '.linux.cgroupsPath = $p
		| .linux.resources.memory = {"kernelTCP": 16777216}'
	kura create --bundle "$BUNDLE" "$ID"
	[ "$(cat "/sys/fs/cgroup/memory/kct-$ID/memory.kmem.tcp.limit_in_bytes")" = 16777216 ]
	kura delete -f "$ID"
}

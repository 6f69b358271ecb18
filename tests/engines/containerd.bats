#!/usr/bin/env bats
# containerd (Debian's 1.6, the io.containerd.runc.v2 shim) runs its tasks on the
# runtime under test: a private daemon (root, state and sockets under /tmp), ctr
# choosing the runtime per container with --runc-binary/--runc-root.

load helpers

IMG=docker.io/library/kbusybox:latest

setup_file() {
	engine_install containerd
	# ctr's fifos and the shims' sockets live under this fixed directory
	if [ -e /run/containerd ]; then export CD_RUNDIR_WAS_THERE=1; fi
	export CD=$(mktemp -d /tmp/kcd.XXXXXX)
	export CD_TAG=kura-eng-ctrd-$(basename "$CD" | cut -d. -f2)
	export CD_RUNTIME=$(engine_runtime "$CD")
	# the CRI plugin reads BinaryName (Kubernetes' path); ctr passes its own
	cat > "$CD/config.toml" <<CONF
version = 2
root = "$CD/root"
state = "$CD/state"
[grpc]
  address = "$CD/containerd.sock"
[ttrpc]
  address = "$CD/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "kura"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kura]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kura.options]
        BinaryName = "$CD_RUNTIME"
        Root = "$CD/runtime-root"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CD/cni/bin"
    conf_dir = "$CD/cni/conf"
CONF
	containerd --config "$CD/config.toml" > "$CD/containerd.log" 2>&1 &
	echo $! > "$CD/containerd.pid"
	socket_wait "$CD/containerd.sock"
	oci_archive "$CD/busybox-oci.tar" "$IMG"
	c image import "$CD/busybox-oci.tar" >/dev/null
}

teardown_file() {
	[ -n "${CD:-}" ] || return 0
	local id
	for id in $(c task ls -q 2>/dev/null); do
		c task kill -s SIGKILL "$id" >/dev/null 2>&1
	done
	for id in $(c container ls -q 2>/dev/null); do
		c task delete -f "$id" >/dev/null 2>&1
		c container delete "$id" >/dev/null 2>&1
	done
	pid_stop "$CD/containerd.pid"
	cgroup_remove "$CD_TAG"
	# the overlayfs snapshots are mounted only while a task lives; be sure
	grep -o " $CD/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$CD"
	[ -n "${CD_RUNDIR_WAS_THERE:-}" ] || rmdir /run/containerd/fifo /run/containerd/s /run/containerd 2>/dev/null
	return 0
}

# c ARGS: ctr on this suite's daemon and namespace
c() {
	ctr --address "$CD/containerd.sock" --namespace "$CD_TAG" "$@"
}

# crun_ ARGS: `ctr run` on the runtime under test, cgroup under the suite's tag
crun_() {
	local flags=()
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		flags+=("$1")
		shift
	done
	local id=$1
	shift
	c run --runc-binary "$CD_RUNTIME" --runc-root "$CD/runtime-root" \
		--cgroup "/$CD_TAG/$id" "${flags[@]}" "$IMG" "$id" "$@"
}

# task_status ID: the task's status as `ctr task ls` shows it
task_status() {
	c task ls | awk -v id="$1" '$1 == id {print $3}'
}

# ctr passes its own --runc-binary; the CRI plugin (Kubernetes, through a
# RuntimeClass whose handler is "kura") reads docs/engines.md's runtime
# table.  No CRI client is packaged here: the daemon running this suite's
# config must have loaded the CRI plugin with that table as written.
@test "containerd: the CRI runtime table of docs/engines.md is read as written" {
	run containerd --config "$CD/config.toml" config dump
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -A16 -F '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kura]' > "$CD/dump"
	cat "$CD/dump"
	grep -qx '[[:space:]]*runtime_type = "io.containerd.runc.v2"' "$CD/dump"
	grep -qx "[[:space:]]*BinaryName = \"$CD_RUNTIME\"" "$CD/dump"
	run c plugins ls
	echo "$output" | grep -E 'io.containerd.grpc.v1 +cri .* ok[[:space:]]*$'
}

@test "containerd: ctr run --rm true" {
	run crun_ --rm t1 true
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(c container ls -q)" ]
}

@test "containerd: output and exit code of the task" {
	run crun_ --rm t2 sh -c 'echo hello-ctr; exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *"hello-ctr"* ]]
}

@test "containerd: detached task, exec, pause/resume, metrics, kill, delete" {
	run crun_ -d t3 sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(task_status t3)" = RUNNING ]

	run c task exec --exec-id e1 t3 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "; exit 3'
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"in-exec"* ]]
	[[ "$output" == *"sleep 1000"* ]]

	run c task pause t3
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(task_status t3)" = PAUSED ]
	run c task resume t3
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(task_status t3)" = RUNNING ]
	# the runtime under test holds it: its own state says running
	[ "$("$ENGINE_RUNTIME" --root "$CD/runtime-root/$CD_TAG" state t3 | jq -r .status)" = running ]

	run c task metrics t3
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"pids.current"* ]]
	[[ "$output" == *"memory.usage_in_bytes"* ]]

	run c task kill -s SIGKILL t3
	[ "$status" -eq 0 ]
	local i
	for i in $(seq 50); do
		[ "$(task_status t3)" = STOPPED ] && break
		sleep 0.1
	done
	[ "$(task_status t3)" = STOPPED ]
	run c task delete t3
	echo "$output"
	[ "$status" -eq 0 ]
	run c container delete t3
	[ "$status" -eq 0 ]
	[ -z "$(c container ls -q)" ]
	[ ! -e "$CD/runtime-root/$CD_TAG/t3" ]
}

@test "containerd: an error of the runtime reaches ctr" {
	run crun_ --rm t4 /kura-no-such-binary
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/kura-no-such-binary"* ]]
	[[ "${output,,}" == *"no such file"* ]]
	c container delete t4 >/dev/null 2>&1 || true
	[ ! -e "$CD/runtime-root/$CD_TAG/t4" ]
}

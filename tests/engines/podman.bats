#!/usr/bin/env bats
# podman (Debian's 4.3, conmon) runs its containers on the runtime under test,
# named in containers.conf exactly as docs/engines.md shows it: private
# storage/run roots, cgroupfs manager, file events, vfs storage, no network.

load helpers

setup_file() {
	engine_install podman
	# short: conmon's attach socket path lives under the runroot (108-byte limit)
	export PD=$(mktemp -d /tmp/kpd.XXXXXX)
	export PODMAN_TAG=kura-eng-podman-$(basename "$PD" | cut -d. -f2)
	export PODMAN_RUNTIME=$(engine_runtime "$PD")
	# rootful podman asks for nofile/nproc 1048576; without CAP_SYS_RESOURCE no
	# runtime may raise a hard limit, so pin them to what podman itself runs with:
	# the host's hard nofile, and nproc lowered by podman at start to 32768
	local nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
	if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
	export CONTAINERS_CONF=$PD/containers.conf
	cat > "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
tmp_dir = "$PD/tmp"
volume_path = "$PD/volumes"
static_dir = "$PD/root/libpod"
# from here on docs/engines.md's snippet, the path being the runtime under test
runtime = "kura"
# runtimes named here get --log-format=json: podman then shows their message
runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "kura"]

[engine.runtimes]
kura = ["$PODMAN_RUNTIME"]
CONF
	export CONTAINERS_STORAGE_CONF=$PD/storage.conf
	printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/root"\n' "$PD" "$PD" > "$CONTAINERS_STORAGE_CONF"
	export CONTAINERS_REGISTRIES_CONF=$PD/registries.conf
	: > "$CONTAINERS_REGISTRIES_CONF"
	busybox_tar "$PD/busybox.tar"
	pd import -q --change "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin" "$PD/busybox.tar" localhost/kbusybox:latest >/dev/null
}

teardown_file() {
	[ -n "${PD:-}" ] || return 0
	pd rm -a -f -t 0 >/dev/null 2>&1
	pd system reset -f >/dev/null 2>&1
	cgroup_remove "$PODMAN_TAG"
	rm -rf "$PD"
}

# pd ARGS: podman on this suite's private roots and runtime (its state root too:
# other users of the host's default /run/<runtime> never see these containers)
pd() {
	podman --root "$PD/root" --runroot "$PD/run" \
		--runtime-flag "root=$PD/rt" --cgroup-manager cgroupfs --events-backend file \
		--storage-driver vfs "$@"
}

# prun ARGS: `podman run` of the busybox image, no network, in this suite's cgroup
prun() {
	pd run --network none --cgroup-parent "/$PODMAN_TAG" "$@"
}

IMG=localhost/kbusybox:latest

@test "podman: containers.conf makes kura the runtime, by name" {
	run pd info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "kura $PODMAN_RUNTIME" ]
}

@test "podman: run --rm true" {
	run prun --rm "$IMG" true
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(pd ps -aq)" ]
}

@test "podman: output of the container reaches the caller" {
	run prun --rm "$IMG" sh -c 'echo hello from $(hostname); echo to-stderr >&2'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello from "* ]]
	[[ "$output" == *"to-stderr"* ]]
}

@test "podman: exit code of the container" {
	run prun --rm "$IMG" sh -c 'exit 42'
	echo "$output"
	[ "$status" -eq 42 ]
}

@test "podman: -d, exec, top, stop, rm" {
	run prun -d --name "$PODMAN_TAG-d" "$IMG" sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	# the runtime under test holds it: its own state says running
	id=$(pd inspect -f '{{.Id}}' "$PODMAN_TAG-d")
	[ "$("$ENGINE_RUNTIME" --root "$PD/rt" state "$id" | jq -r .status)" = running ]
	run pd exec "$PODMAN_TAG-d" sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"in-exec"* ]]
	[[ "$output" == *"sleep 1000"* ]]
	run pd exec "$PODMAN_TAG-d" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run pd top "$PODMAN_TAG-d"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	run pd stop -t 1 "$PODMAN_TAG-d"
	echo "$output"
	[ "$status" -eq 0 ]
	run pd inspect -f '{{.State.Status}}' "$PODMAN_TAG-d"
	[ "$output" = exited ]
	run pd rm "$PODMAN_TAG-d"
	[ "$status" -eq 0 ]
	[ -z "$(pd ps -aq)" ]
}

@test "podman: -t gives the container a terminal" {
	local cmd
	cmd="podman --root $PD/root --runroot $PD/run"
	cmd="$cmd --runtime-flag root=$PD/rt --cgroup-manager cgroupfs"
	cmd="$cmd --events-backend file --storage-driver vfs run --rm -t --network none"
	cmd="$cmd --cgroup-parent /$PODMAN_TAG $IMG sh -c 'tty; stty size; exit 3'"
	run script -qec "$cmd" /dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"/dev/pts/0"* ]]
}

@test "podman: --memory and --pids-limit reach the cgroup" {
	run prun --rm --memory 64m --pids-limit 42 "$IMG" sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null ||
		 cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = 42 ]
}

@test "podman: --read-only root" {
	run prun --rm --read-only "$IMG" sh -c 'touch /bin/x'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	# podman still gives a read-only container writable /tmp and /run
	run prun --rm --read-only "$IMG" sh -c 'touch /tmp/x /run/x && echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "podman: --cap-drop ALL, --user, -e" {
	run prun --rm --cap-drop ALL --user 65534:65534 -e KURA_E=engine-env "$IMG" \
		sh -c 'grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status; id -u; id -g; echo $KURA_E'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapPrm:	0000000000000000"* ]]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	[[ "$output" == *"CapBnd:	0000000000000000"* ]]
	[ "${lines[3]}" = 65534 ]
	[ "${lines[4]}" = 65534 ]
	[ "${lines[5]}" = engine-env ]
}

@test "podman: -v bind mount" {
	mkdir -p "$PD/vol"
	echo from-host > "$PD/vol/in"
	run prun --rm -v "$PD/vol:/data" "$IMG" sh -c 'cat /data/in; echo from-container > /data/out'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = from-host ]
	[ "$(cat "$PD/vol/out")" = from-container ]
}

@test "podman: default seccomp profile is active" {
	run prun --rm "$IMG" grep Seccomp: /proc/self/status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	$SECCOMP_FILTER"* ]]
	# the filter is podman's profile: it denies swapoff(2) even with
	# CAP_SYS_ADMIN, before the kernel looks the path up (else ENOENT)
	run prun --rm --cap-add SYS_ADMIN "$IMG" swapoff /kura-no-such-swap
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "podman: a user namespace (--uidmap)" {
	run prun --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMG" \
		sh -c 'cat /proc/self/uid_map; id -u; touch /tmp/x && echo writable'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = writable ]
}

@test "podman: a missing or non-executable command is the runtime's error, 127/126" {
	run -127 prun --rm "$IMG" /kura-no-such-binary
	echo "$output"
	[ "$status" -eq 127 ]
	[[ "$output" == *"/kura-no-such-binary"* ]]
	run prun --rm "$IMG" /etc/passwd
	echo "$output"
	[ "$status" -eq 126 ]
	[[ "$output" == *"/etc/passwd"*"permission denied"* ]]
}

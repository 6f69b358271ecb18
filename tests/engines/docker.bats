#!/usr/bin/env bats
# docker (Debian's docker.io 20.10) runs its containers on the runtime under test,
# registered by daemon.json's "runtimes" exactly as docs/engines.md shows it: a
# private dockerd (data, exec root, socket and pidfile under /tmp, its own
# managed containerd), no bridge, no iptables, vfs.

load helpers

IMG=kbusybox:latest

setup_file() {
	engine_install docker
	# the shims' sockets live under this fixed directory
	if [ -e /run/containerd ]; then export DK_RUNDIR_WAS_THERE=1; fi
	export DK=$(mktemp -d /tmp/kdk.XXXXXX)
	export DK_TAG=kura-eng-docker-$(basename "$DK" | cut -d. -f2)
	export DK_RUNTIME=$(engine_runtime "$DK")
	export DOCKER_HOST=unix://$DK/docker.sock
	export DOCKER_CONFIG=$DK/client
	# docs/engines.md's snippet, the path being the runtime under test
	jq -n --arg path "$DK_RUNTIME" '{"runtimes": {"kura": {"path": $path}}}' > "$DK/daemon.json"
	dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
		-H "$DOCKER_HOST" --pidfile "$DK/dockerd.pid" --iptables=false --ip6tables=false \
		--bridge=none --storage-driver=vfs --cgroup-parent "/$DK_TAG" \
		> "$DK/dockerd.log" 2>&1 &
	echo $! > "$DK/dockerd.pid.bg"
	socket_wait "$DK/docker.sock" 30
	local i
	for i in $(seq 100); do
		docker version >/dev/null 2>&1 && break
		sleep 0.1
	done
	busybox_tar "$DK/busybox.tar"
	docker import -c "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin" "$DK/busybox.tar" "$IMG" >/dev/null
}

teardown_file() {
	[ -n "${DK:-}" ] || return 0
	local ids
	ids=$(docker ps -aq 2>/dev/null)
	[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1
	pid_stop "$DK/dockerd.pid.bg"
	# dockerd stops the containerd it started; be sure it is gone
	pid_stop "$DK/exec/containerd/containerd.pid"
	cgroup_remove "$DK_TAG"
	grep -o " $DK/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$DK"
	[ -n "${DK_RUNDIR_WAS_THERE:-}" ] || rmdir /run/containerd/s /run/containerd 2>/dev/null
	return 0
}

# drun ARGS: `docker run` on the runtime under test, without network
drun() {
	docker run --runtime kura --network none "$@"
}

@test "docker: run --rm, output and exit code" {
	run drun --rm "$IMG" true
	echo "$output"
	[ "$status" -eq 0 ]
	run drun --rm "$IMG" sh -c 'echo hello-docker; exit 9'
	echo "$output"
	[ "$status" -eq 9 ]
	[[ "$output" == *"hello-docker"* ]]
	[ -z "$(docker ps -aq)" ]
}

@test "docker: -d, exec, stop, rm" {
	run drun -d --name "$DK_TAG-d" "$IMG" sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.HostConfig.Runtime}}' "$DK_TAG-d")" = kura ]
	# the runtime under test holds it: its own state (in the root the shim gave it) says running
	id=$(docker inspect -f '{{.Id}}' "$DK_TAG-d")
	state=$(find "$DK" /run/containerd -path "*/$id/state.json" 2>/dev/null | head -n 1)
	echo "state: $state"
	[ -n "$state" ]
	[ "$("$ENGINE_RUNTIME" --root "$(dirname "$(dirname "$state")")" state "$id" | jq -r .status)" = running ]
	run docker exec "$DK_TAG-d" sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "; exit 4'
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == *"in-exec"* ]]
	[[ "$output" == *"sleep 1000"* ]]
	run docker stop -t 1 "$DK_TAG-d"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(docker inspect -f '{{.State.Status}}' "$DK_TAG-d")" = exited ]
	run docker rm "$DK_TAG-d"
	[ "$status" -eq 0 ]
	[ -z "$(docker ps -aq)" ]
}

@test "docker: --memory reaches the cgroup" {
	run drun --rm --memory 48m "$IMG" sh -c \
		'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 50331648 ]
}

@test "docker: --read-only root" {
	run drun --rm --read-only "$IMG" sh -c 'touch /bin/x'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	run drun --rm --read-only --tmpfs /scratch "$IMG" sh -c 'touch /scratch/x && echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "docker: a missing or non-executable command exits 127/126" {
	# dockerd picks the exit code from the runtime's words, as runc spells them
	run -127 drun --rm "$IMG" /kura-no-such-binary
	echo "$output"
	[ "$status" -eq 127 ]
	[[ "$output" == *"/kura-no-such-binary"* ]]
	run drun --rm "$IMG" /etc/passwd
	echo "$output"
	[ "$status" -eq 126 ]
	[ -z "$(docker ps -aq)" ] || docker rm -f $(docker ps -aq) >/dev/null
}

# Layers imported from a private temp dir keep its mode 0700 at the image's
# root.  `exec -u 1000` into a container started as root keeps docker's
# capabilities, CAP_DAC_OVERRIDE among them: execve passes the 0700 root,
# and so must the runtime's own check.  (`run -u 1000` is another matter:
# docker 20.10.14 and later give a non-root user no effective capabilities,
# so there every runtime's execve is refused.)
@test "docker: exec -u 1000 under an image root of mode 0700 runs (CAP_DAC_OVERRIDE)" {
	local d=$DK/root700
	mkdir -p "$d"
	tar -C "$d" -xf "$DK/busybox.tar"
	chmod 0700 "$d"
	tar -C "$d" --numeric-owner -cf "$DK/root700.tar" .
	docker import -c "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin" "$DK/root700.tar" kbusybox700:latest >/dev/null
	run drun -d --name "$DK_TAG-u" kbusybox700:latest sleep 1000
	echo "$output"
	[ "$status" -eq 0 ]
	run docker exec -u 1000 "$DK_TAG-u" id -u
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	docker rm -f "$DK_TAG-u" >/dev/null
}

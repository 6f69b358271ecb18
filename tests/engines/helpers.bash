# Shared by the engine suites (podman, containerd, docker): load with `load helpers`.
# Each suite runs a private engine (roots, sockets and cgroup parents under /tmp or
# named after the suite's unique tag), stops every daemon it started by its PID and
# leaves the host as found.
#
# env: KURA                 absolute path of build/kura (the Makefile sets it)
#      KURA_ENGINE_RUNTIME  the runtime under test (default: $KURA); set it to
#                           /usr/sbin/runc to prove the harness itself
#      KURA_ENGINE_TRACE    a directory: the engines then call the runtime through a
#                           wrapper that logs every call there (argv, LISTEN_FDS,
#                           NOTIFY_SOCKET, the bundle's config.json, stderr, status)

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
KURA=${KURA:-$REPO/build/kura}
case $KURA in /*) ;; *) KURA=$(cd "$(dirname "$KURA")" && pwd)/$(basename "$KURA") ;; esac
ENGINE_RUNTIME=${KURA_ENGINE_RUNTIME:-$KURA}
# the seccomp profile podman gives every container unless told otherwise
SECCOMP_FILTER=2

# engine_install ENGINE: install its Debian packages, or skip the whole file
engine_install() {
	[ "$(id -u)" -eq 0 ] || skip "the engine suites run real daemons: root only"
	[ -x "$ENGINE_RUNTIME" ] || skip "no runtime at $ENGINE_RUNTIME (make first)"
	if ! "$REPO/scripts/engines-setup.sh" "$1" >&2; then
		skip "$1 could not be installed from Debian's packages (see /tmp/engines-setup.log)"
	fi
}

# engine_runtime DIR: print the runtime path the engine should call; with
# KURA_ENGINE_TRACE set, a logging wrapper (named like the runtime) made under DIR
engine_runtime() {
	if [ -z "${KURA_ENGINE_TRACE:-}" ]; then
		echo "$ENGINE_RUNTIME"
		return
	fi
	local w="$1/trace/$(basename "$ENGINE_RUNTIME")"
	mkdir -p "$1/trace" "$KURA_ENGINE_TRACE"
	cat > "$w" <<WRAP
#!/bin/bash
# one log file per call: argv, the env the engines hand over, the bundle's config
log=\$(mktemp "$KURA_ENGINE_TRACE/call.XXXXXX")
t0=\$(date +%s.%N)
{
	echo "start: \$t0"
	printf 'argv:'; printf ' %q' "\$0" "\$@"; echo
	echo "LISTEN_FDS=\${LISTEN_FDS-<unset>} NOTIFY_SOCKET=\${NOTIFY_SOCKET-<unset>}"
	echo "fds: \$(ls -l /proc/\$\$/fd | awk 'NR>1 {print \$9"->"\$11}' | tr '\n' ' ')"
	bundle=
	logfile=
	verb=
	prev=
	for a in "\$@"; do
		case \$prev in --bundle|-b) bundle=\$a ;; --log) logfile=\$a ;; esac
		case \$a in --bundle=*) bundle=\${a#--bundle=} ;; --log=*) logfile=\${a#--log=} ;; esac
		case \$prev:\$a in
		--root:*|--log:*|--log-format:*|--criu:*|--rootless:*) ;;
		*:-*) ;;
		*) [ -n "\$verb" ] || verb=\$a ;;
		esac
		prev=\$a
	done
	[ -n "\$bundle" ] && [ -f "\$bundle/config.json" ] && { echo "config:"; cat "\$bundle/config.json"; echo; }
} > "\$log" 2>&1
case \$verb in
create|run|exec)
	# the container inherits the runtime's stdio: leave it untouched (a tee
	# would delay the container's stderr past the engine's last read)
	"$ENGINE_RUNTIME" "\$@"
	rc=\$? ;;
*)
	"$ENGINE_RUNTIME" "\$@" 2> >(tee -a "\$log.stderr" >&2)
	rc=\$? ;;
esac
[ -n "\$logfile" ] && [ -s "\$logfile" ] && { echo "log (\$logfile):"; tail -n 20 "\$logfile"; } >> "\$log"
echo "verb: \$verb status: \$rc end: \$(date +%s.%N)" >> "\$log"
exit \$rc
WRAP
	chmod 755 "$w"
	echo "$w"
}

# busybox_tar FILE: a tar of the busybox rootfs scripts/mkbundle.sh makes for
# every other suite (Debian's busybox-static, applets hard-linked, passwd/group)
busybox_tar() {
	local out=$1 d
	d=$(mktemp -d /tmp/kura-eng-rootfs.XXXXXX)
	KURA=$KURA "$REPO/scripts/mkbundle.sh" "$d" >/dev/null
	chmod 755 "$d/rootfs"
	tar -C "$d/rootfs" --numeric-owner --owner=0 --group=0 -cf "$out" .
	rm -rf "$d"
}

# oci_archive TAR NAME: an OCI image layout tarball of one busybox layer, its
# index naming the image NAME (as `ctr image import` reads it)
oci_archive() {
	local out=$1 name=$2 d layer cfg man
	d=$(mktemp -d /tmp/kura-eng-oci.XXXXXX)
	mkdir -p "$d/blobs/sha256"
	busybox_tar "$d/layer.tar"
	layer=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	mv "$d/layer.tar" "$d/blobs/sha256/$layer"
	jq -nc --arg diff "sha256:$layer" '{architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
		rootfs: {type: "layers", diff_ids: [$diff]}}' > "$d/cfg"
	cfg=$(sha256sum "$d/cfg" | cut -d' ' -f1)
	mv "$d/cfg" "$d/blobs/sha256/$cfg"
	jq -nc --arg cfg "sha256:$cfg" --argjson cs "$(stat -c %s "$d/blobs/sha256/$cfg")" \
		--arg layer "sha256:$layer" --argjson ls "$(stat -c %s "$d/blobs/sha256/$layer")" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cfg, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $layer, size: $ls}]}' > "$d/man"
	man=$(sha256sum "$d/man" | cut -d' ' -f1)
	local msize
	msize=$(stat -c %s "$d/man")
	mv "$d/man" "$d/blobs/sha256/$man"
	echo '{"imageLayoutVersion": "1.0.0"}' > "$d/oci-layout"
	jq -nc --arg man "sha256:$man" --argjson ms "$msize" --arg name "$name" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		digest: $man, size: $ms, annotations: {"io.containerd.image.name": $name,
		"org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))}}]}' > "$d/index.json"
	tar -C "$d" -cf "$out" oci-layout index.json blobs
	rm -rf "$d"
}

# pid_stop PIDFILE|PID: SIGTERM one daemon we started, SIGKILL after 10 s
pid_stop() {
	local pid=$1 i
	[ -f "$pid" ] && pid=$(cat "$pid")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	return 0
}

# socket_wait PATH [SECONDS]: wait until a daemon's socket appears
socket_wait() {
	local i
	for i in $(seq $((${2:-20} * 10))); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "socket $1 did not appear" >&2
	return 1
}

# cgroup_remove NAME: remove the cgroup directory NAME (relative to each
# hierarchy's root) bottom-up in every v1 hierarchy and in cgroup2
cgroup_remove() {
	local h
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$h$1" ] || continue
		find "$h$1" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

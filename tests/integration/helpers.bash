# Shared by the integration suites: load with `load helpers`.
# Each test gets its own state root, bundle and container id; teardown removes
# everything it made, so the host is left as found.

KURA=${KURA:-$BATS_TEST_DIRNAME/../../build/kura}
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# setup_bundle [ARG...]: $BUNDLE with a busybox rootfs running ARGS (default: sleep 1000)
setup_bundle() {
	TMP=$(mktemp -d /tmp/kura-test.XXXXXX)
	BUNDLE=$TMP/bundle
	ROOT=$TMP/state
	ID=kt-$(basename "$TMP" | cut -d. -f2)-$BATS_TEST_NUMBER
	if [ $# -eq 0 ]; then set -- sleep 1000; fi
	KURA=$KURA "$REPO/scripts/mkbundle.sh" "$BUNDLE" "$@" >/dev/null
}

# kura ARGS: the binary with this test's --root
kura() {
	"$KURA" --root "$ROOT" "$@"
}

# config_set JQ-EXPR: edit the bundle's config.json in place
config_set() {
	jq "$@" "$BUNDLE/config.json" > "$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# in_container SCRIPT [RUN-FLAG...]: run `sh -c SCRIPT` as the container's
# process; $status and $output are the run's
in_container() {
	config_set --arg c "$1" '.process.args = ["sh", "-c", $c]'
	run kura run "${@:2}" --bundle "$BUNDLE" "$ID"
}

# userns_config: the container gets a user namespace, its root host uid and gid
# 100000 (65536 ids); the rootfs is made theirs and reachable for them
userns_config() {
	config_set '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)
		| .mounts |= map(select(.type != "cgroup"))'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	chmod 755 "$TMP" "$BUNDLE"
}

# gone PID: the process has exited (dead or a zombie) within 2 s
gone() {
	for _ in $(seq 20); do
		state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
		[ -z "$state" ] || [ "$state" = Z ] && return 0
		sleep 0.1
	done
	echo "process $1 still running" >&2
	return 1
}

# unified_subtree_save / unified_subtree_restore: kura enables hugetlb in the
# unified root's subtree_control when a test asks for it; put back what was
# there, retrying while the test's cgroups go away, and fail if it cannot
unified_subtree_save() {
	SUBTREE_BEFORE=$(cat /sys/fs/cgroup/unified/cgroup.subtree_control 2>/dev/null || true)
}

unified_subtree_restore() {
	local f=/sys/fs/cgroup/unified/cgroup.subtree_control
	[ -e "$f" ] && [[ " ${SUBTREE_BEFORE:-} " != *" hugetlb "* ]] || return 0
	for _ in $(seq 50); do
		grep -qw hugetlb "$f" || return 0
		echo -hugetlb > "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "teardown: could not disable hugetlb in $f again" >&2
	return 1
}

# mi_line MOUNTPOINT: that mount's line of the mountinfo the container printed ($output)
mi_line() {
	printf '%s\n' "$output" | awk -v mp="$1" '$5 == mp' | tail -n 1
}

# run_refused TEXT: `kura run` of this test's bundle exits 1 and says TEXT
run_refused() {
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$1"* ]]
}

# no_mount_left: nothing under this test's $TMP is still mounted on the host
no_mount_left() {
	! grep -q " ${TMP:-/nonexistent}" /proc/self/mountinfo
}

# no_cgroup_left: kura made this test's cgroups, kura must have removed them
no_cgroup_left() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 6 -name "*$ID*" 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "left behind: $left" >&2
		return 1
	fi
}

# status_of [ID]: the status `kura state` reports (default: this test's $ID)
status_of() {
	kura state "${1:-$ID}" | jq -r .status
}

# status_line NAME: the value of "NAME:" in $output (as /proc/self/status prints)
status_line() {
	printf '%s\n' "$output" | sed -n "s/^$1:[[:space:]]*//p" | sed 's/[[:space:]]*$//'
}

teardown_bundle() {
	local rc=0
	if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
		for d in "$ROOT"/*; do
			# @seccomp is kura's filter cache, not a container
			[ -d "$d" ] && [ "$(basename "$d")" != @seccomp ] || continue
			"$KURA" --root "$ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1 && continue
			# kura could not clean up: still leave the host as found, and fail the test
			echo "teardown: delete --force $(basename "$d") failed" >&2
			rc=1
			pid=$(jq -r '.pid // 0' "$d/state.json" 2>/dev/null || echo 0)
			[ "${pid:-0}" -gt 0 ] && kill -9 "$pid" 2>/dev/null
			find /sys/fs/cgroup -maxdepth 6 -depth -type d -name "$(basename "$d")" \
				-exec rmdir {} \; 2>/dev/null
		done
	fi
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
	return $rc
}

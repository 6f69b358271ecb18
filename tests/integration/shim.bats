#!/usr/bin/env bats
# kura-shim and the bootstrap blob, seen from inside real containers: new
# namespaces are new, joined ones are the very namespaces named, id maps and
# time offsets are as asked, the init is PID 1, and a bad blob is refused.

load helpers

SHIM=${SHIM:-$(dirname "$KURA")/kura-shim}

setup() {
	setup_bundle
	NETNS=
	HOLDER=
}

teardown() {
	[ -n "$HOLDER" ] && kill -9 "$HOLDER" 2>/dev/null && wait "$HOLDER" 2>/dev/null
	[ -n "$NETNS" ] && umount "$NETNS" 2>/dev/null
	teardown_bundle
}

# ns_of OUTPUT NAME: the "NAME:[ino]" line a container printed for NAME
ns_of() {
	printf '%s\n' "$1" | sed -n "s/^$2 //p"
}

print_ns='for n in user ipc uts net pid cgroup time mnt; do echo $n $(readlink /proc/self/ns/$n); done; echo pid=$$'

@test "shim: every new namespace is new and the init is PID 1" {
	config_set --arg s "$print_ns" '.process.args = ["sh", "-c", $s]
		| .linux.namespaces = [{"type":"pid"},{"type":"network"},{"type":"ipc"},
		  {"type":"uts"},{"type":"mount"},{"type":"cgroup"}]'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"pid=1"* ]]
	for n in pid net ipc uts mnt cgroup; do
		inside=$(ns_of "$output" $n)
		[ -n "$inside" ]
		[ "$inside" != "$(readlink /proc/self/ns/$n)" ]
	done
	# not asked for: shared with the host
	for n in user time; do
		[ "$(ns_of "$output" $n)" = "$(readlink /proc/self/ns/$n)" ]
	done
}

@test "shim: a new user namespace gets the uid and gid maps asked for" {
	config_set '.process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user"]
		| .linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":1000},
					{"containerID":1000,"hostID":300000,"size":10}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]'
	chmod 755 "$TMP" "$BUNDLE"
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | awk 'NR<=3 {print $1, $2, $3}' | tr '\n' ';')" = \
		"0 100000 1000;1000 300000 10;0 200000 65536;" ]
	[ "${lines[3]}" = 0 ]
	[ "${lines[4]}" != "$(readlink /proc/self/ns/user)" ]
}

@test "shim: a new time namespace has the offsets of timeOffsets" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces"
	config_set '.process.args = ["cat", "/proc/self/timens_offsets"]
		| .linux.namespaces += [{"type":"time"}]
		| .linux.timeOffsets = {"monotonic":{"secs":86400,"nanosecs":7},
					"boottime":{"secs":-5,"nanosecs":0}}'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | awk '{print $1, $2, $3}' | tr '\n' ';')" = \
		"monotonic 86400 7;boottime -5 0;" ]
}

@test "shim: process.oomScoreAdj reaches the container" {
	config_set '.process.args = ["cat", "/proc/self/oom_score_adj"] | .process.oomScoreAdj = 432'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 432 ]
}

# The netns is bind-mounted on a file, as `ip netns add` does under /run/netns,
# but in the test's own directory: `ip netns del` would leave /run/netns and
# its self bind mount on the host.
@test "shim: joins a network namespace by path (a bind-mounted netns)" {
	NETNS=$TMP/netns
	touch "$NETNS"
	unshare --net="$NETNS" true
	config_set --arg p "$NETNS" '.process.args = ["readlink", "/proc/self/ns/net"]
		| .linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "net:[$(stat -L -c %i "$NETNS")]" ]
}

@test "shim: joins the uts and ipc namespaces of a running process" {
	unshare --uts --ipc sleep 1000 &
	HOLDER=$!
	for _ in $(seq 50); do
		[ "$(readlink /proc/$HOLDER/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break
		sleep 0.05
	done
	config_set --arg u "/proc/$HOLDER/ns/uts" --arg i "/proc/$HOLDER/ns/ipc" \
		'.process.args = ["sh", "-c", "readlink /proc/self/ns/uts; readlink /proc/self/ns/ipc"]
		| .hostname = null
		| .linux.namespaces |= map(if .type == "uts" then .path = $u
					   elif .type == "ipc" then .path = $i else . end)'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/uts)" ]
	[ "${lines[1]}" = "$(readlink /proc/$HOLDER/ns/ipc)" ]
}

@test "shim: a namespace path that is not there is one clear error, nothing left" {
	config_set '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/net" else . end)'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: .linux.namespaces[1].path: /nonexistent/net: No such file or directory"* ]]
	[ ! -d "$ROOT/$ID" ]
}

@test "shim: a namespace path of another type fails at create, naming the field" {
	config_set '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/mnt" else . end)'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: .linux.namespaces['*'].path: /proc/self/ns/mnt is a mount namespace, not a network one (.type)'* ]]
	[ ! -d "$ROOT/$ID" ]
}

@test "shim: exec joins the namespaces of the container's init" {
	# the container keeps its stdio: bats' `run` would wait for it to close
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	pid=$(kura state "$ID" | jq -r .pid)
	run kura exec "$ID" sh -c 'for n in ipc uts net pid mnt; do readlink /proc/self/ns/$n; done'
	echo "$output"
	[ "$status" -eq 0 ]
	i=0
	for n in ipc uts net pid mnt; do
		[ "${lines[$i]}" = "$(readlink /proc/$pid/ns/$n)" ]
		i=$((i + 1))
	done
}

# Drive the shim directly: a socketpair, a message, its one SYNC_ERROR.
shim_answer() {
	python3 - "$SHIM" "$1" <<'EOF'
import socket, struct, subprocess, sys
shim, payload = sys.argv[1], bytes.fromhex(sys.argv[2])
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
p = subprocess.Popen([shim, str(b.fileno())], pass_fds=[b.fileno()])
b.close()
a.send(payload)
m = a.recv(4096)
typ, val = struct.unpack("=Ii", m[:8])
print(typ, m[8:].rstrip(b"\0").decode(), p.wait())
EOF
}

@test "shim: a bad blob is refused with its message" {
	[ -x "$SHIM" ]
	run shim_answer "$(printf 'garbage!' | od -An -tx1 | tr -d ' \n')"
	[ "$status" -eq 0 ]
	# SYNC_ERROR is 9; the shim exits 1
	[ "$output" = "9 bootstrap: message of 8 bytes: truncated header 1" ]
	# a well-framed message of another netlink type
	run shim_answer 1400000010000000000000000000000008000100010000000000000000000000
	[ "$output" = "9 bootstrap: header length 20 but 32 bytes received 1" ]
	# mode 3 does not exist
	run shim_answer 20000000424b0000000000000000000008000100030000000800070005000000
	[ "$output" = "9 bootstrap: mode 3: neither create (1) nor exec (2) 1" ]
}

#!/usr/bin/env bats
# The lifecycle with runc's command line: create, start, run, state, kill,
# delete, list, ps, exec, features — real containers, as root.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "run: a container runs its process and exits with its status" {
	config_set '.process.args = ["sh", "-c", "echo hello from $(hostname); exit 7"]'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 7 ]
	[[ "$output" == *"hello from kura"* ]]
	# run deletes the container afterwards unless --keep
	[ ! -d "$ROOT/$ID" ]
}

@test "run: killed by a signal exits 128+N" {
	# pid 1 of a pid namespace ignores its own signals: kill it from outside
	kura run --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 &
	runpid=$!
	for _ in $(seq 50); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.1; done
	kura kill "$ID" KILL
	rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 137 ]
}

@test "run: signals reach the container's process" {
	config_set '.process.args = ["sh", "-c", "trap \"exit 42\" TERM; while true; do sleep 0.1; done"]'
	"$KURA" --root "$ROOT" run --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 &
	runpid=$!
	for _ in $(seq 50); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.1; done
	sleep 0.2
	kill -TERM "$runpid"
	rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 42 ]
}

@test "run --keep: the stopped container stays until delete" {
	# poststop hooks belong to the delete, not to the process's exit
	config_set --arg log "$TMP/poststop" '.process.args = ["sh", "-c", "exit 3"]
		| .hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", "echo ran >> \"$0\"", $log]}]'
	run kura run --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 3 ]
	[ -d "$ROOT/$ID" ]
	[ "$(status_of "$ID")" = stopped ]
	[ "$(kura list -q)" = "$ID" ]
	[ -n "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$ID" 2>/dev/null)" ]
	[ ! -e "$TMP/poststop" ]
	# the id stays taken until the delete
	run kura run --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	kura delete "$ID"
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$ID" 2>/dev/null)" ]
	[ "$(cat "$TMP/poststop")" = ran ]
	# create has no --keep
	run kura create --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown flag "--keep"'* ]]
	[ ! -d "$ROOT/$ID" ]
}

@test "run -d: returns once started, container running" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	[ "$(status_of "$ID")" = running ]
	kura delete --force "$ID"
}

@test "create + start + state + kill + delete" {
	kura create --bundle "$BUNDLE" --pid-file "$TMP/pid" "$ID" >/dev/null 2>&1
	[ "$(status_of "$ID")" = created ]
	pid=$(cat "$TMP/pid")
	# digits only, no newline (go-runc parses it whole)
	[[ "$(cat "$TMP/pid"; echo x)" =~ ^[0-9]+x$ ]]
	[ "$(kura state "$ID" | jq .pid)" = "$pid" ]
	# the init is blocked on the exec fifo, in a new pid namespace
	[ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
	kura start "$ID"
	[ "$(status_of "$ID")" = running ]
	state=$(kura state "$ID")
	[ "$(echo "$state" | jq -r .id)" = "$ID" ]
	[ "$(echo "$state" | jq -r .bundle)" = "$BUNDLE" ]
	[ "$(echo "$state" | jq -r .rootfs)" = "$BUNDLE/rootfs" ]
	[ "$(echo "$state" | jq -r .ociVersion)" != null ]
	[ "$(echo "$state" | jq -r .created)" != null ]
	kura kill "$ID" KILL
	for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
	[ "$(status_of "$ID")" = stopped ]
	[ "$(kura state "$ID" | jq .pid)" = 0 ]
	kura delete "$ID"
	run kura state "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "start: refused unless created" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	run kura start "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start an already running container"* ]]
}

@test "create: duplicate id refused, the first container untouched" {
	kura create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	run kura create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	[ "$status" -eq 1 ]
	[[ "$output" == *"container with id exists"* ]]
	[ "$(status_of "$ID")" = created ]
}

@test "create: bad ids refused" {
	for bad in "a/b" ".." "a b" "-x"; do
		run kura create --bundle "$BUNDLE" "$bad"
		[ "$status" -eq 1 ]
	done
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "ids: runc's rule, at most 255 bytes and no leading '-', said up front" {
	long=$(printf 'a%.0s' $(seq 256))
	run kura create --bundle "$BUNDLE" "$long"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid id format: aaaa"*"256 bytes long (an id is 1 to 255 characters of A-Z a-z 0-9 _ + - ."* ]]
	[[ "$output" != *"too long"* ]]
	run kura state "$long"
	[ "$status" -eq 1 ]
	[[ "$output" == *"256 bytes long"* ]]
	run kura create --bundle "$BUNDLE" -- -x
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid id format: -x: starts with '-'"* ]]
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
	# 255 bytes is a whole container
	ok=${long:1}
	kura create --bundle "$BUNDLE" "$ok"
	[ "$(status_of "$ok")" = created ]
	[ "$(kura list -q)" = "$ok" ]
	kura delete --force "$ok"
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "--root: a file, empty or / is an error for every verb; relative is made absolute" {
	touch "$TMP/file"
	for verb in list "state $ID" "delete $ID" "kill $ID"; do
		# shellcheck disable=SC2086
		run "$KURA" --root "$TMP/file" $verb
		[ "$status" -eq 1 ]
		[[ "$output" == *"--root $TMP/file: not a directory"* ]]
		# shellcheck disable=SC2086
		run "$KURA" --root "" $verb
		[ "$status" -eq 1 ]
		[[ "$output" == *"--root: must not be empty"* ]]
		# shellcheck disable=SC2086
		run "$KURA" --root /tmp/.. $verb
		[ "$status" -eq 1 ]
		[[ "$output" == *"must not be /"* ]]
	done
	# a missing root is an empty one (create makes it)
	run "$KURA" --root "$TMP/none" list -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# relative to the cwd, as runc: the state lands there and the bundle still resolves
	cd "$TMP"
	"$KURA" --root state/../rel create --bundle bundle "$ID"
	[ -f "$TMP/rel/$ID/state.json" ]
	[ "$("$KURA" --root rel list -q)" = "$ID" ]
	[ "$("$KURA" --root "$TMP/rel" state "$ID" | jq -r .status)" = created ]
	"$KURA" --root ./rel delete --force "$ID"
	[ -z "$(ls -A "$TMP/rel")" ]
}

@test "list and state agree on the owner, also for a creating container" {
	kura create --bundle "$BUNDLE" "$ID"
	[ "$(kura state "$ID" | jq -r .owner)" = root ]
	[ "$(kura list --format json | jq -r '.[0].owner')" = root ]
	[[ "$(kura list | sed -n 2p)" == *" root" ]]
	kura delete --force "$ID"
	# what a create killed before its state.json leaves: the state dir alone
	mkdir -p "$ROOT/$ID"
	[ "$(kura state "$ID" | jq -r .status)" = creating ]
	[ "$(kura state "$ID" | jq -r .owner)" = root ]
	[ "$(kura list --format json | jq -r '.[0].owner')" = root ]
	[[ "$(kura list | sed -n 2p)" == "$ID"*creating*" root" ]]
	rmdir "$ROOT/$ID"
}

@test "create: missing bundle is an error naming it" {
	run kura create --bundle "$TMP/nope" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$TMP/nope"* ]]
	[ ! -d "$ROOT/$ID" ]
}

@test "create: a bad config leaves nothing behind" {
	config_set '.process.args = []'
	before=$(wc -l < /proc/self/mountinfo)
	run kura create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: .process.args"* ]]
	[ ! -d "$ROOT/$ID" ]
	[ "$(wc -l < /proc/self/mountinfo)" -eq "$before" ]
}

@test "create: a failure inside the init half: one message, nothing left behind" {
	config_set '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]'
	before=$(wc -l < /proc/self/mountinfo)
	run kura --log "$TMP/log.json" --log-format json create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/x"* ]]
	[ ! -d "$ROOT/$ID" ]
	[ "$(wc -l < /proc/self/mountinfo)" -eq "$before" ]
	# no cgroup left behind in any hierarchy
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$ID" 2>/dev/null)" ]
	# the log ends with exactly one error line, valid JSON
	[ "$(tail -n1 "$TMP/log.json" | jq -r .level)" = error ]
	[[ "$(tail -n1 "$TMP/log.json" | jq -r .msg)" == *"/x"* ]]
	[ "$(grep -c '"level":"error"' "$TMP/log.json")" -eq 1 ]
}

@test "delete: refused on a running container, --force kills it" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	pid=$(kura state "$ID" | jq .pid)
	run kura delete "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not stopped"* ]]
	kura delete --force "$ID"
	[ ! -d "$ROOT/$ID" ]
	gone "$pid"
	[ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$ID" 2>/dev/null)" ]
}

@test "delete: a created container is removed without --force" {
	kura create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	kura delete "$ID"
	[ ! -d "$ROOT/$ID" ]
}

@test "unknown id: state, start, kill, delete, exec say it does not exist" {
	for cmd in state start kill delete exec; do
		run kura $cmd nosuch-$ID
		[ "$status" -eq 1 ]
		[[ "$output" == *"does not exist"* ]] || { echo "$cmd: $output"; false; }
	done
	run kura delete --force "nosuch-$ID"
	[ "$status" -eq 0 ]
}

@test "kill: signal names and numbers, bad signals refused" {
	config_set '.process.args = ["sh", "-c", "trap \"echo got USR1 > /dev/shm/sig\" USR1; while true; do sleep 0.1; done"]'
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	sleep 0.3
	kura kill "$ID" usr1
	sleep 0.5
	kura exec "$ID" cat /dev/shm/sig | grep -q "got USR1"
	run kura kill "$ID" SIGNOPE
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid signal"* ]]
	kura kill "$ID" 9
	for _ in $(seq 50); do [ "$(status_of "$ID")" = stopped ] && break; sleep 0.1; done
	[ "$(status_of "$ID")" = stopped ]
	run kura kill "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container not running"* ]]
}

@test "kill --all: every process of the container" {
	config_set '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & wait"]'
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	sleep 0.3
	pids=$(kura ps --format json "$ID" | jq -r '.[]')
	[ "$(echo "$pids" | wc -w)" -ge 3 ]
	kura kill --all "$ID" KILL
	sleep 0.5
	for p in $pids; do ! kill -0 "$p" 2>/dev/null; done
}

@test "list: table, json and quiet" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	run kura list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == ID*PID*STATUS*BUNDLE*CREATED*OWNER ]]
	[[ "$output" == *"$ID"*running* ]]
	[ "$(kura list --format json | jq -r '.[0].id')" = "$ID" ]
	[ "$(kura list -q)" = "$ID" ]
}

@test "ps: json pids and the ps table of the container" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	pid=$(kura state "$ID" | jq .pid)
	[ "$(kura ps --format json "$ID" | jq '.[0]')" = "$pid" ]
	run kura ps "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[[ "$output" == *"sleep 1000"* ]]
}

@test "exec: runs in the container's namespaces and returns the exit code" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	pid=$(kura state "$ID" | jq .pid)
	run kura exec "$ID" sh -c 'echo $(hostname) $(cat /proc/1/cmdline | tr "\0" " "); exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "kura sleep 1000" ]
	# the process joined every namespace of the init
	run kura exec "$ID" sh -c "readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; readlink /proc/self/ns/uts"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$pid/ns/pid)" ]
	[ "${lines[1]}" = "$(readlink /proc/$pid/ns/mnt)" ]
	[ "${lines[2]}" = "$(readlink /proc/$pid/ns/uts)" ]
}

@test "exec: --env, --cwd, --user, --process" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	run kura exec -e FOO=bar --cwd /tmp --user 1000:1000 "$ID" sh -c 'echo $FOO $(pwd) $(id -u):$(id -g)'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /tmp 1000:1000" ]
	cat > "$TMP/p.json" <<-'EOF'
	{"args": ["sh", "-c", "echo from-process-file $X"], "env": ["X=1", "PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}
	EOF
	run kura exec --process "$TMP/p.json" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "from-process-file 1" ]
}

@test "exec: a config.json with RLIM_INFINITY (2^64-1, as engines send it) is read exactly" {
	# jq would round the literal: it goes in as text
	config_set '.process.rlimits = [{"type": "RLIMIT_CORE", "hard": 424242, "soft": 2048}]'
	sed -i 's/424242/18446744073709551615/' "$BUNDLE/config.json"
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura exec "$ID" sh -c 'ulimit -Hc; ulimit -Sc'
	[ "$status" -eq 0 ]
	[ "$output" = "unlimited
4" ]
	run kura exec --env A=1 "$ID" sh -c 'echo $A; ulimit -Hc'
	[ "$output" = "1
unlimited" ]
}

@test "exec: a --cwd that cannot be entered is blamed on exec, config.json's on config.json" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	run kura exec --cwd /bin/sh/x "$ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *'cwd ("/bin/sh/x") given to exec (--cwd or --process)'* ]]
	[[ "$output" != *"config.json"* ]]
	kura delete --force "$ID"
	# an exec without --cwd inherits config.json's, and is told so
	config_set '.process.cwd = "/cw" | .root.readonly = false'
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	kura exec --cwd / "$ID" sh -c 'rmdir /cw && touch /cw'
	run kura exec "$ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *'cwd ("/cw") set in config.json'* ]]
}

@test "exec -d --pid-file: detached, pid written" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	kura exec -d --pid-file "$TMP/epid" "$ID" sleep 77 >/dev/null 2>&1
	epid=$(cat "$TMP/epid")
	grep -q "sleep" /proc/$epid/cmdline
	kill -9 "$epid"
}

@test "exec: a stopped container gets a clear error" {
	config_set '.process.args = ["true"]'
	kura run --keep --bundle "$BUNDLE" "$ID"
	run kura exec "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *"stopped"* ]]
}

@test "exec: a missing command fails with runc's words" {
	kura run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
	run kura exec "$ID" no-such-command
	[ "$status" -ne 0 ]
	[[ "$output" == *"no-such-command"* ]]
	[[ "$output" == *"not found"* ]]
}

@test "preserve-fds: fd 3 reaches the container, nothing else does" {
	config_set '.process.args = ["sh", "-c", "test -e /proc/self/fd/4 && echo LEAK; cat <&3"]'
	echo "through fd 3" > "$TMP/in"
	run kura run --preserve-fds 1 --bundle "$BUNDLE" "$ID" 3<"$TMP/in" 4<"$TMP/in"
	[ "$status" -eq 0 ]
	[[ "$output" == *"through fd 3"* ]]
	[[ "$output" != *LEAK* ]]
}

@test "features: the runtime-spec features JSON" {
	run "$KURA" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersionMax and (.hooks | length == 6) and (.linux.namespaces | index("user"))'
}

@test "version and help" {
	run "$KURA" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "kura version "* ]]
	[[ "$output" == *"+SECCOMP"* ]]
	run "$KURA" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"create"* ]]
	run "$KURA" help exec
	[ "$status" -eq 0 ]
	[[ "$output" == *"--process"* ]]
	run "$KURA" nosuchcmd
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown command"* ]]
	run "$KURA" create --nosuchflag x
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown flag"* ]]
	run "$KURA" --nosuchflag list
	[ "$status" -eq 1 ]
}

@test "log-format json: errors are one JSON line" {
	run "$KURA" --root "$ROOT" --log "$TMP/log" --log-format json state nosuch
	[ "$status" -eq 1 ]
	[ "$(jq -r .level "$TMP/log")" = error ]
	[ "$(jq -r .msg "$TMP/log")" = "container does not exist" ]
	jq -e .time "$TMP/log"
}

@test "no mount namespace: the caller's / is not pivoted and delete detaches the mounts" {
	config_set '.process.args = ["sh", "-c", "test -e /proc/self/status && echo proc-ok"]
		| .linux.namespaces = [] | del(.hostname)'
	# a private namespace of our own stands in for the host, should kura misbehave
	run unshare -m --propagation unchanged sh -c '
		before=$(wc -l < /proc/self/mountinfo)
		"$0" --root "$1" run --bundle "$2" "$3" || exit 9
		test -e /etc/debian_version || { echo "caller root changed"; exit 8; }
		echo "mounts $before $(wc -l < /proc/self/mountinfo)"' "$KURA" "$ROOT" "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *proc-ok* ]]
	set -- $(echo "$output" | grep ^mounts)
	[ "$2" -eq "$3" ]
}

# socket activation: LISTEN_FDS fds pass through as 3.., the container's pid 1 owns them
@test "run: LISTEN_FDS passes the fds through and names pid 1" {
	echo from-fd-3 > "$TMP/in"
	config_set '.process.args = ["sh", "-c", "echo $LISTEN_FDS $LISTEN_PID; cat <&3"]'
	run env LISTEN_FDS=1 "$KURA" --root "$ROOT" run --bundle "$BUNDLE" "$ID" 3<"$TMP/in"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1 1" ]
	[ "${lines[1]}" = from-fd-3 ]
}

#!/usr/bin/env bats
# OCI hooks on real containers: order, the state each sees, failures, timeouts.

setup() {
	: "${KURA:?KURA must be the absolute path of build/kura}"
	here=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	tmp=$(mktemp -d /tmp/kura-hooks.XXXXXX)
	root=$tmp/state
	bundle=$tmp/bundle
	logdir=$tmp/log
	log=$logdir/hooks.log
	id=kura-hooks-$$-$BATS_TEST_NUMBER
	mkdir -p "$root" "$logdir"
	KURA=$KURA "$here/scripts/mkbundle.sh" "$bundle" /bin/true >/dev/null
	: >"$log"
	# startContainer runs inside the container: it writes the log through this bind.
	mkdir -p "$bundle/rootfs/hooklog"
	bundle_edit --arg id "$id" --arg log "$logdir" \
		'.linux.cgroupsPath = "/" + $id
		 | .mounts += [{destination: "/hooklog", type: "bind", source: $log, options: ["rbind", "rw"]}]'
}

teardown() {
	"$KURA" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}

bundle_edit() {
	jq "$@" "$bundle/config.json" >"$bundle/config.json.new"
	mv "$bundle/config.json.new" "$bundle/config.json"
}

# A hook that appends "NAME STATUS" to LOGFILE; STATUS is read from the state on stdin.
hook_logger() { # NAME LOGFILE
	jq -n --arg name "$1" --arg log "$2" '{
		path: "/bin/sh",
		args: ["sh", "-c",
		       "s=$(sed -n \"s/.*\\\"status\\\": *\\\"\\([a-z]*\\)\\\".*/\\1/p\"); echo \"$0 $s\" >> \"$1\"",
		       $name, $log]
	}'
}

kura() {
	"$KURA" --root "$root" "$@"
}

# Detached commands keep the container's stdio: never let it be bats' pipe.
kura_bg() {
	"$KURA" --root "$root" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
}

# kura_bg, killed after 20s (a foreground run that should have failed)
kura_bg_timeout() {
	timeout -k 5 20 "$KURA" --root "$root" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
}

wait_status() { # STATUS
	local i
	for i in $(seq 100); do
		[ "$(kura state "$id" | jq -r .status)" = "$1" ] && return 0
		sleep 0.05
	done
	echo "container $id never became $1" >&2
	return 1
}

@test "hooks run in order, each seeing the state of its point" {
	bundle_edit \
		--argjson pre "$(hook_logger prestart "$log")" \
		--argjson cr "$(hook_logger createRuntime "$log")" \
		--argjson cc "$(hook_logger createContainer "$log")" \
		--argjson sc "$(hook_logger startContainer /hooklog/hooks.log)" \
		--argjson ps "$(hook_logger poststart "$log")" \
		--argjson pst "$(hook_logger poststop "$log")" \
		'.hooks = {prestart: [$pre], createRuntime: [$cr], createContainer: [$cc],
		           startContainer: [$sc], poststart: [$ps], poststop: [$pst]}'

	kura_bg create --bundle "$bundle" "$id" || { cat "$tmp/err"; false; }
	run cat "$log"
	echo "$output"
	[ "$output" = "$(printf 'prestart creating\ncreateRuntime creating\ncreateContainer creating')" ]

	kura_bg start "$id" || { cat "$tmp/err"; false; }
	wait_status stopped
	kura delete "$id"

	run cat "$log"
	echo "$output"
	[ "${lines[0]}" = "prestart creating" ]
	[ "${lines[1]}" = "createRuntime creating" ]
	[ "${lines[2]}" = "createContainer creating" ]
	[ "${lines[3]}" = "startContainer created" ]
	[ "${lines[4]%% *}" = "poststart" ]
	[ "${lines[5]}" = "poststop stopped" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "hooks of one kind run in the order listed" {
	bundle_edit \
		--argjson a "$(hook_logger first "$log")" \
		--argjson b "$(hook_logger second "$log")" \
		--argjson c "$(hook_logger third "$log")" \
		'.hooks.prestart = [$a, $b, $c]'
	kura_bg run --bundle "$bundle" "$id" || { cat "$tmp/err"; false; }
	run cat "$log"
	[ "$output" = "$(printf 'first creating\nsecond creating\nthird creating')" ]
}

@test "hook args and env reach the hook; env is not inherited" {
	bundle_edit --arg log "$log" '.hooks.prestart = [{
		path: "/bin/sh",
		args: ["sh", "-c", "echo \"$0|$1|$FOO|$KURA\" > \"$1\"", "zero", $log],
		env: ["FOO=bar"]
	}]'
	kura_bg run --bundle "$bundle" "$id" || { cat "$tmp/err"; false; }
	run cat "$log"
	[ "$output" = "zero|$log|bar|" ]
}

@test "a failing prestart hook fails create, names the hook and leaves nothing behind" {
	bundle_edit --argjson cr "$(hook_logger createRuntime "$log")" \
		'.hooks.prestart = [{path: "/bin/true"}, {path: "/bin/false"}] | .hooks.createRuntime = [$cr]'
	run kura_bg create --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	cat "$tmp/err"
	grep -q 'prestart hook #1 /bin/false: exit status 1' "$tmp/err"
	# Stopped at the failure: later hooks never ran.
	[ ! -s "$log" ]
	[ ! -e "$root/$id" ]
	run kura state "$id"
	[ "$status" -ne 0 ]
	local c
	for c in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/"$id"; do
		[ ! -e "$c" ]
	done
}

@test "a hook that does not exist fails create with the path named" {
	bundle_edit '.hooks.createRuntime = [{path: "/nonexistent/kura-hook"}]'
	run kura_bg create --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	grep -q 'createRuntime hook #0 /nonexistent/kura-hook: exec: No such file or directory' "$tmp/err"
	[ ! -e "$root/$id" ]
}

# Nothing of $id left: no state dir, no cgroup, no process of pid file PIDFILE.
assert_removed() { # PIDFILE
	local c pid i
	[ ! -d "$root/$id" ]
	run kura state "$id"
	[ "$status" -ne 0 ]
	for c in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/"$id"; do
		[ ! -e "$c" ]
	done
	pid=$(cat "$1")
	[ -n "$pid" ]
	# gone, or at most a zombie its new parent has yet to reap
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.02
	done
	echo "process $pid of $id still runs" >&2
	false
}

# runtime-spec 1.3: a failing poststart hook fails start; the container is
# stopped and deleted (poststop hooks run), the poststart hooks after it do not
@test "a failing poststart hook fails start, names the hook, and nothing is left" {
	bundle_edit --argjson ps "$(hook_logger poststart "$log")" \
		--argjson pst "$(hook_logger poststop "$log")" \
		'.process.args = ["/bin/sleep", "1000"]
		 | .hooks.poststart = [{path: "/bin/true"}, {path: "/bin/false"}, $ps]
		 | .hooks.poststop = [$pst]'
	kura_bg create --pid-file "$tmp/pid" --bundle "$bundle" "$id" || { cat "$tmp/err"; false; }
	run kura_bg start "$id"
	cat "$tmp/err"
	[ "$status" -eq 1 ]
	grep -q 'poststart hook #1 /bin/false: exit status 1' "$tmp/err"
	[ "$(cat "$log")" = "poststop stopped" ]
	assert_removed "$tmp/pid"
}

@test "a failing poststart hook fails run (foreground and -d), and nothing is left" {
	bundle_edit --argjson pst "$(hook_logger poststop "$log")" \
		'.process.args = ["/bin/sleep", "1000"]
		 | .hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]
		 | .hooks.poststop = [$pst]'
	# bounded: a run that ignored the hook would wait on the sleep
	run kura_bg_timeout run --pid-file "$tmp/pid" --bundle "$bundle" "$id"
	cat "$tmp/err"
	[ "$status" -eq 1 ]
	grep -q 'poststart hook #0 /bin/sh: exit status 3' "$tmp/err"
	[ "$(cat "$log")" = "poststop stopped" ]
	assert_removed "$tmp/pid"

	: >"$log"
	run kura_bg run -d --pid-file "$tmp/pid" --bundle "$bundle" "$id"
	cat "$tmp/err"
	[ "$status" -eq 1 ]
	grep -q 'poststart hook #0 /bin/sh: exit status 3' "$tmp/err"
	[ "$(cat "$log")" = "poststop stopped" ]
	assert_removed "$tmp/pid"
}

@test "a hook past its timeout is killed and fails create" {
	bundle_edit --arg pidf "$tmp/hook.pid" '.hooks.prestart = [{
		path: "/bin/sh",
		args: ["sh", "-c", "echo $$ > \"$0\"; exec sleep 30", $pidf],
		timeout: 1
	}]'
	SECONDS=0
	run kura_bg create --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	[ "$SECONDS" -lt 10 ]
	cat "$tmp/err"
	grep -q 'prestart hook #0 /bin/sh: timed out after 1s' "$tmp/err"
	pid=$(cat "$tmp/hook.pid")
	[ -n "$pid" ]
	# The hook was killed and reaped, not left behind (`!` alone never fails a bats test).
	! kill -0 "$pid" 2>/dev/null || false
	[ ! -e "$root/$id" ]
}

@test "poststop hooks run on delete --force of a running container" {
	bundle_edit --argjson pst "$(hook_logger poststop "$log")" \
		'.process.args = ["/bin/sleep", "1000"] | .hooks.poststop = [$pst]'
	kura_bg run -d --bundle "$bundle" "$id" || { cat "$tmp/err"; false; }
	[ ! -s "$log" ]
	kura delete --force "$id"
	run cat "$log"
	[ "$output" = "poststop stopped" ]
	[ ! -e "$root/$id" ]
}

@test "poststop: a failing hook is a warning, the next hooks still run, delete succeeds" {
	bundle_edit --argjson pst "$(hook_logger poststop "$log")" \
		'.process.args = ["/bin/true"] |
		 .hooks.poststop = [{path: "/bin/false"}, $pst, {path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]'
	kura create --bundle "$bundle" "$id"
	kura start "$id"
	for _ in $(seq 50); do
		[ "$(kura state "$id" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	run kura delete "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 poststop hooks failed, the first: poststop hook #0 /bin/false: exit status 1"* ]]
	[ "$(cat "$log")" = "poststop stopped" ]
	[ ! -e "$root/$id" ]
}

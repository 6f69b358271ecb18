#!/usr/bin/env bats
# Rootless: kura run by an unprivileged user (nobody) with `kura spec
# --rootless`'s config.  Such a user may not make cgroups here; with nothing
# to limit kura runs the container without one, as runc does, and with a
# limit it refuses with a clear error and leaves nothing behind.

load helpers

NOBODY=65534

setup() {
	setup_bundle
	# the user must reach kura, its shim, the bundle and the state dir
	mkdir -p "$TMP/bin" "$ROOT"
	cp "$KURA" "$(dirname "$KURA")/kura-shim" "$TMP/bin/"
	rm -f "$BUNDLE/config.json"
	chown -R "$NOBODY:$NOBODY" "$TMP"
	chmod 755 "$TMP"
	as_nobody "$TMP/bin/kura" spec --rootless --bundle "$BUNDLE"
	config_set '.process.terminal = false | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]'
	chown "$NOBODY:$NOBODY" "$BUNDLE/config.json"
}

teardown() {
	teardown_bundle
	no_cgroup_left
}

as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- "$@"
}

kura_nobody() {
	as_nobody "$TMP/bin/kura" --root "$ROOT" "$@"
}

@test "rootless: nobody runs a container as root of its own user namespace, without a cgroup" {
	run kura_nobody run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	# container uid 0 is nobody on the host, one id mapped
	[[ "${lines[1]}" =~ ^[[:space:]]*0[[:space:]]+$NOBODY[[:space:]]+1$ ]]
	[ ! -e "$ROOT/$ID" ]
}

@test "rootless: create, start, state and delete" {
	config_set '.process.args = ["sleep", "100"]'
	chown "$NOBODY:$NOBODY" "$BUNDLE/config.json"
	kura_nobody create --bundle "$BUNDLE" "$ID"
	[ "$(kura_nobody state "$ID" | jq -r .status)" = created ]
	kura_nobody start "$ID"
	[ "$(kura_nobody state "$ID" | jq -r .status)" = running ]
	pid=$(kura_nobody state "$ID" | jq -r .pid)
	[ "$(stat -c %u "/proc/$pid")" = "$NOBODY" ]
	kura_nobody delete --force "$ID"
	[ ! -e "$ROOT/$ID" ]
	# killed: gone, or a zombie until the host's init reaps it
	gone "$pid"
}

@test "rootless: a limit without a cgroup to put it in is a clear error" {
	config_set '.linux.resources = {"pids": {"limit": 10}}'
	chown "$NOBODY:$NOBODY" "$BUNDLE/config.json"
	run kura_nobody run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroup: mkdir /sys/fs/cgroup/"*"Permission denied"* ]]
	[ ! -e "$ROOT/$ID" ]
}

@test "rootless: a cgroupsPath asked for must be made" {
	config_set --arg p "/kura-test-$ID" '.linux.cgroupsPath = $p'
	chown "$NOBODY:$NOBODY" "$BUNDLE/config.json"
	run kura_nobody run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Permission denied"* ]]
	[ ! -e "$ROOT/$ID" ]
}

@test "rootless: a root config run by a user says a rootless config is needed" {
	rm -f "$BUNDLE/config.json"
	"$KURA" spec --bundle "$BUNDLE"
	config_set '.process.terminal = false | .process.args = ["true"]'
	chown "$NOBODY:$NOBODY" "$BUNDLE/config.json"
	run kura_nobody check --bundle "$BUNDLE"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: .linux.namespaces: no user namespace, and kura runs as uid $NOBODY, not root: an unprivileged user needs a rootless config (kura spec --rootless)"* ]]
	run kura_nobody run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "kura: config.json: .linux.namespaces: no user namespace, and kura runs as uid $NOBODY, not root: an unprivileged user needs a rootless config (kura spec --rootless)" ]
	[ ! -e "$ROOT/$ID" ]
}

@test "rootless: no writable state root names --root and XDG_RUNTIME_DIR" {
	# no --root, no XDG_RUNTIME_DIR: the default /run/kura, root's
	run as_nobody env -u XDG_RUNTIME_DIR "$TMP/bin/kura" run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"state root /run/kura is not writable (choose one with --root DIR, or set XDG_RUNTIME_DIR: a user's default is \$XDG_RUNTIME_DIR/kura)"* ]]
	# XDG_RUNTIME_DIR of the user's own: its kura/ is the state root
	mkdir "$TMP/xdg"
	chown "$NOBODY:$NOBODY" "$TMP/xdg"
	run as_nobody env XDG_RUNTIME_DIR="$TMP/xdg" "$TMP/bin/kura" run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -d "$TMP/xdg/kura" ]
}

@test "rootless: list and state show the user as the owner, as runc's list does" {
	config_set '.process.args = ["sleep", "100"]'
	chown "$NOBODY:$NOBODY" "$BUNDLE/config.json"
	kura_nobody create --bundle "$BUNDLE" "$ID"
	run kura_nobody list
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[1]}" | awk '{print $NF}')" = nobody ]
	[ "$(kura_nobody state "$ID" | jq -r .owner)" = nobody ]
	kura_nobody delete --force "$ID"
}

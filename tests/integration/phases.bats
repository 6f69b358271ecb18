#!/usr/bin/env bats
# `kura --debug`: each step of a start and how long it took (issue 16).

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# the phase names of a --debug run, in the order printed
phase_names() {
	sed -n 's/^kura: debug: phase \(.*[^ ]\)  *[0-9][0-9]*\.[0-9]* ms$/\1/p'
}

@test "debug: run prints every start phase once, in order, with a total" {
	config_set '.process.args = ["true"]'
	run "$KURA" --debug --root "$ROOT" run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	names=$(echo "$output" | phase_names)
	echo "$names"
	expected="read config.json
state dir, lock
cgroups
fifo, console, seccomp
spawn: seal, blob
exec kura-shim
shim: namespaces
exec kura init
init: rootfs mounts
init: pivot_root, masks
init: process setup
state.json: created
start: fifo released
init: execve of the process
the process ran
delete
total (from main)"
	[ "$names" = "$expected" ]
	# the steps add up to the total (each printed to the microsecond)
	echo "$output" | awk '/debug: phase / { v = $(NF - 1); if ($0 ~ /total/) t = v; else s += v }
		END { d = s - t; if (d < 0) d = -d; exit !(t > 0 && d < 0.02) }'
}

@test "debug: exec prints its phases; without --debug nothing is printed" {
	config_set '.process.args = ["sleep", "1000"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	run "$KURA" --debug --root "$ROOT" exec "$ID" true
	[ "$status" -eq 0 ]
	names=$(echo "$output" | phase_names | tr '\n' '|')
	[ "$names" = "read state, config, process|spawn: seal, blob|exec kura-shim|shim: namespaces|init: join, setup, execve|total (from main)|" ]
	run "$KURA" --root "$ROOT" exec "$ID" true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# with --log the phases go to the log, not to stderr
	run "$KURA" --debug --root "$ROOT" --log "$TMP/log" exec "$ID" true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -q 'phase init: join, setup, execve' "$TMP/log"
}

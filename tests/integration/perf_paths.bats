#!/usr/bin/env bats
# The paths issue 16 made faster, held to what they did before: delete
# --force and kill --all wait on the processes and cgroups themselves (not a
# fixed sleep) and still leave no cgroup behind; the v1 device rules, written
# on one fd per file, give the same devices.list.  No timing is asserted.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
	no_cgroup_left
}

# cg_dirs: every cgroup directory of the container, from its state.json
cg_dirs() {
	jq -r '.cgroup.hierarchies[].path' "$ROOT/$ID/state.json"
}

# all_gone DIR...: none of the directories exists
all_gone() {
	for d in "$@"; do
		if [ -e "$d" ]; then
			echo "still there: $d" >&2
			return 1
		fi
	done
}


# devices.list of the default config: runc's default rules, in their order
DEFAULT_DEVICES='c *:* m
b *:* m
c 1:3 rwm
c 1:8 rwm
c 1:7 rwm
c 5:0 rwm
c 1:5 rwm
c 1:9 rwm
c 136:* rwm
c 5:2 rwm
c 10:200 rwm'

@test "perf paths: delete --force of a running container with children removes every cgroup" {
	config_set '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & exec sleep 1000"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	pid=$(kura state "$ID" | jq .pid)
	mapfile -t dirs < <(cg_dirs)
	[ "${#dirs[@]}" -gt 0 ]
	for d in "${dirs[@]}"; do [ -d "$d" ]; done
	run kura delete --force "$ID"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	all_gone "${dirs[@]}"
	gone "$pid"
	[ ! -e "$ROOT/$ID" ]
}

@test "perf paths: kill --all KILL empties the cgroup, then delete removes it" {
	config_set '.process.args = ["sh", "-c", "sleep 1000 & sleep 1000 & exec sleep 1000"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	pid=$(kura state "$ID" | jq .pid)
	mapfile -t dirs < <(cg_dirs)
	procs=$(jq -r '.cgroup.hierarchies[] | select(.controllers == "pids") | .path' \
		"$ROOT/$ID/state.json")/cgroup.procs
	kura kill --all "$ID" KILL
	# kill --all SIGKILL returns once the cgroup is empty
	[ -z "$(cat "$procs")" ]
	gone "$pid"
	[ "$(status_of)" = stopped ]
	kura delete "$ID"
	all_gone "${dirs[@]}"
}

@test "perf paths: delete --force of a paused container thaws it and removes every cgroup" {
	kura run -d --bundle "$BUNDLE" "$ID"
	mapfile -t dirs < <(cg_dirs)
	kura pause "$ID"
	[ "$(status_of)" = paused ]
	kura resume "$ID"
	[ "$(status_of)" = running ]
	kura pause "$ID"
	kura delete --force "$ID"
	all_gone "${dirs[@]}"
}

@test "perf paths: v1 devices.list is the rules in order, deny-all first" {
	config_set '.linux.resources.devices = [
		{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 4, "access": "rwm"},
		{"allow": false, "type": "c", "major": 4, "minor": 1, "access": "w"},
		{"allow": false, "access": "rwm"},
		{"allow": true, "type": "b", "major": 7, "access": "r"}]'
	kura create --bundle "$BUNDLE" "$ID"
	dev=$(jq -r '.cgroup.hierarchies[] | select(.controllers == "devices") | .path' \
		"$ROOT/$ID/state.json")
	# the second deny-all dropped c 4:*; then runc's defaults, in their order
	want="b 7:* r
$DEFAULT_DEVICES"
	[ "$(cat "$dev/devices.list")" = "$want" ]
	kura delete --force "$ID"
}

@test "perf paths: v1 devices.list of the default config" {
	kura create --bundle "$BUNDLE" "$ID"
	dev=$(jq -r '.cgroup.hierarchies[] | select(.controllers == "devices") | .path' \
		"$ROOT/$ID/state.json")
	want=$DEFAULT_DEVICES
	[ "$(cat "$dev/devices.list")" = "$want" ]
	kura delete --force "$ID"
}

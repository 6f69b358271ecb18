#!/usr/bin/env bats
# --systemd-cgroup against a mock systemd: tests/systemd/mock_systemd.py owns
# org.freedesktop.systemd1 on a private system bus, in a mount namespace where
# /run/systemd/system exists (tests/systemd/with-mock-systemd.sh).  As systemd
# does, the mock makes the scope's cgroup, moves the PIDs into it, removes it
# at StopUnit and drops a scope whose processes are gone; it logs each D-Bus
# call kura makes as a JSON line.  So the tests check what kura asked systemd
# for and what ended up in /sys/fs/cgroup.  Most run twice: on this hybrid
# host and in pure cgroup v2 (the unified hierarchy bound over /sys/fs/cgroup
# in that namespace).  After every test no directory named after the test's
# container and no slice the test made is left in /sys/fs/cgroup.

load helpers

UNIFIED=/sys/fs/cgroup/unified

setup_file() {
	# the mock runs on Debian's python (python3-dbusmock, -dbus, -gi) and dbus
	if /usr/bin/python3 -c 'import dbusmock, dbus, gi' 2>/dev/null &&
		command -v dbus-daemon >/dev/null && command -v dbus-send >/dev/null; then
		export SYSTEMD_MOCK=ok
	fi
}

setup() {
	[ "${SYSTEMD_MOCK:-}" = ok ] ||
		skip "needs dbus-daemon, dbus-send and python3-dbusmock (scripts/install-deps.sh)"
	# kura enables hugetlb in the unified root when a test asks for it: undo after
	unified_subtree_save
	SLICES_BEFORE=$(slices)
	setup_bundle
	MOCKLOG=$TMP/systemd.log
}

teardown() {
	# containers a test left: deleted where systemd runs, then by hand
	if [ -n "${SD_PID:-}" ] && [ -d "${ROOT:-}" ]; then
		for d in "$ROOT"/*; do
			[ -d "$d" ] || continue
			skura delete --force "$(basename "$d")" >/dev/null 2>&1 || true
		done
	fi
	systemd_down
	teardown_bundle
	unified_subtree_restore
	# skipped before setup_bundle: nothing of ours to look for (and "*$ID*"
	# would be every cgroup)
	[ -n "${ID:-}" ] || return 0
	# the scope is named after $ID; the mock removes the slices it made when it
	# stops: what is left is kura's (or the mock's) bug, cleaned up and reported
	left=$(find /sys/fs/cgroup -depth -type d -name "*$ID*" 2>/dev/null || true)
	new_slices=$(comm -13 <(echo "$SLICES_BEFORE") <(slices))
	for d in $left; do
		xargs -r kill -9 < "$d/cgroup.procs" 2>/dev/null || true
	done
	for d in $left $(echo "$new_slices" | sort -r); do
		rmdir "$d" 2>/dev/null || { sleep 0.1; rmdir "$d" 2>/dev/null; } || true
	done
	if [ -n "$left$new_slices" ]; then
		echo "left behind: $left $new_slices" >&2
		return 1
	fi
}

slices() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name '*.slice' 2>/dev/null | sort
}

# systemd_up [--v2]: start this test's mock systemd; its namespace is kept by
# a sleeping process, $SD_PID, until systemd_down.  Exports the bus address.
systemd_up() {
	mkdir "$TMP/sd"
	KURA_MOCK_LOG=$MOCKLOG "$REPO/tests/systemd/with-mock-systemd.sh" "$@" sh -c \
		'printf "%s %s\n" $$ "$DBUS_SYSTEM_BUS_ADDRESS" > "$1/up.new" && mv "$1/up.new" "$1/up" &&
		exec sleep 100000' sh "$TMP/sd" </dev/null >"$TMP/sd/out" 2>&1 3>&- &
	SD_WRAPPER=$!
	for _ in $(seq 500); do
		[ -s "$TMP/sd/up" ] && break
		kill -0 "$SD_WRAPPER" 2>/dev/null || break
		sleep 0.01
	done
	if [ ! -s "$TMP/sd/up" ]; then
		cat "$TMP/sd/out" >&2
		return 1
	fi
	read -r SD_PID DBUS_SYSTEM_BUS_ADDRESS < "$TMP/sd/up"
	export DBUS_SYSTEM_BUS_ADDRESS
}

systemd_down() {
	[ -n "${SD_PID:-}" ] || return 0
	kill "$SD_PID" 2>/dev/null || true
	wait "$SD_WRAPPER" 2>/dev/null || true
	SD_PID=
}

# sd COMMAND: run it in the mock systemd's mount namespace
sd() {
	nsenter -t "$SD_PID" -m -- "$@"
}

# skura ARGS: kura with this test's --root, where systemd runs
skura() {
	sd "$KURA" --root "$ROOT" "$@"
}

# calls METHOD: the mock's log lines of that D-Bus method, one JSON each
calls() {
	[ -e "$MOCKLOG" ] || return 0
	jq -c --arg m "$1" 'select(.method == $m)' "$MOCKLOG"
}

# set_fail MODE: make the mock's next StartTransientUnit calls fail ("call",
# "job") or not ("")
set_fail() {
	sd dbus-send --system --print-reply --dest=org.freedesktop.systemd1 \
		/org/freedesktop/systemd1 org.freedesktop.DBus.Mock.SetFail "string:$1" >/dev/null
}

# wait_status STATUS: until kura state reports it (5 s at most)
wait_status() {
	for _ in $(seq 50); do
		[ "$(skura state "$ID" | jq -r .status)" = "$1" ] && return 0
		sleep 0.1
	done
	skura state "$ID" >&2
	return 1
}

# no_cgroup_left (over the helper's): none named after $ID in systemd's /sys/fs/cgroup
no_cgroup_left() {
	left=$(sd find /sys/fs/cgroup -name "*$ID*" 2>/dev/null || true)
	[ -z "$left" ] || { echo "left: $left" >&2; return 1; }
}

# ---- a. the scope, its limit, what kura asked for, delete ----

scope_with_limit() {
	config_set --arg p "system.slice:kura:$ID" '.linux.cgroupsPath = $p'
	if [ "${1:-}" = --v2 ]; then
		# only hugetlb exists in this host's unified hierarchy
		config_set '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	else
		config_set '.linux.resources.memory = {"limit": 67108864}'
	fi
	systemd_up "$@"
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	pid=$(skura state "$ID" | jq .pid)
	scope=system.slice/kura-$ID.scope
	# systemd put the init into the scope
	sd grep -qx "0::/$scope" "/proc/$pid/cgroup"
	if [ "${1:-}" = --v2 ]; then
		# kura wrote the limit itself, into systemd's directory
		[ "$(sd cat "/sys/fs/cgroup/$scope/hugetlb.2MB.max")" = 4194304 ]
	else
		sd grep -qx "[0-9]*:memory:/$scope" "/proc/$pid/cgroup"
		sd grep -qx "[0-9]*:name=systemd:/$scope" "/proc/$pid/cgroup"
		[ "$(sd cat "/sys/fs/cgroup/memory/$scope/memory.limit_in_bytes")" = 67108864 ]
	fi
	# one StartTransientUnit, with the properties systemd needs
	[ "$(calls StartTransientUnit | wc -l)" -eq 1 ]
	calls StartTransientUnit | jq -e --arg u "kura-$ID.scope" '
		.unit == $u and .mode == "replace" and .aux == [] and (has("error") | not) and
		(.props.PIDs | length) == 1 and .props.Slice == "system.slice" and
		.props.Delegate == true and .props.DefaultDependencies == false and
		.props.MemoryAccounting == true and .props.CPUAccounting == true and
		.props.TasksAccounting == true and (.props.Description | type == "string")'
	if [ "${1:-}" = --v2 ]; then
		calls StartTransientUnit | jq -e '.props.IOAccounting == true and
			(.props | has("BlockIOAccounting") or has("MemoryLimit") | not)'
	else
		calls StartTransientUnit | jq -e '.props.BlockIOAccounting == true and
			.props.MemoryLimit == 67108864 and (.props | has("IOAccounting") or has("MemoryMax") | not)'
	fi
	# the device rules, so systemd applying the unit again keeps them (v1: it
	# would write "a" to devices.allow otherwise)
	calls StartTransientUnit | jq -e '.props.DevicePolicy == "strict" and
		any(.props.DeviceAllow[]; . == ["/dev/char/1:3", "rwm"]) and
		any(.props.DeviceAllow[]; . == ["char-pts", "rwm"]) and
		(any(.props.DeviceAllow[]; .[0] == "/dev/char/10:229") | not)'
	jq -e --arg u "kura-$ID.scope" 'select(.event == "job" and .unit == $u) | .result == "done"' "$MOCKLOG"
	skura delete --force "$ID"
	[ ! -d "$ROOT/$ID" ]
	calls StopUnit | jq -e --arg u "kura-$ID.scope" '.unit == $u and .mode == "replace"'
	no_cgroup_left
	gone "$pid"
	# the PID systemd was given is kura-shim, the init's parent, caught before
	# it forked the init: so the init is born in the scope
	calls StartTransientUnit | jq -e '.pid_info | to_entries[0].value | startswith("kura-shim")'
}

@test "systemd: run -d makes a scope in system.slice, the init in it, the memory limit in it; delete stops it" {
	scope_with_limit
}

@test "systemd v2: run -d makes a scope in system.slice, the init and hugetlb limit in it; delete stops it" {
	scope_with_limit --v2
}

# ---- b, c. where the scope goes ----

# in_scope CGROUPSPATH UNIT SLICE CGROUP [--v2]: run -d with that cgroupsPath;
# systemd was asked for UNIT in SLICE and the init is in CGROUP
in_scope() {
	config_set --arg p "$1" '.linux.cgroupsPath = $p'
	systemd_up "${@:5}"
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	pid=$(skura state "$ID" | jq .pid)
	calls StartTransientUnit | jq -e --arg u "$2" --arg s "$3" '.unit == $u and .props.Slice == $s'
	sd grep -qx "0::$4" "/proc/$pid/cgroup"
	unified=/sys/fs/cgroup/unified
	[ "${5:-}" = --v2 ] && unified=/sys/fs/cgroup
	grep -qx "$pid" <(sd cat "$unified$4/cgroup.procs")
	skura delete --force "$ID"
	no_cgroup_left
}

# each dash of a slice's name is a level of the tree, as systemd makes it
@test "systemd: a nested slice a-b.slice:pfx:ID is /a.slice/a-b.slice/pfx-ID.scope" {
	in_scope "a-b.slice:pfx:$ID" "pfx-$ID.scope" a-b.slice "/a.slice/a-b.slice/pfx-$ID.scope"
}

@test "systemd v2: a nested slice a-b.slice:pfx:ID is /a.slice/a-b.slice/pfx-ID.scope" {
	in_scope "a-b.slice:pfx:$ID" "pfx-$ID.scope" a-b.slice "/a.slice/a-b.slice/pfx-$ID.scope" --v2
}

# the defaults, as runc's: slice system.slice, prefix kura, name the id
@test "systemd: an empty cgroupsPath is system.slice/kura-ID.scope" {
	in_scope "" "kura-$ID.scope" system.slice "/system.slice/kura-$ID.scope"
}

@test "systemd: an empty slice and prefix: system.slice/ID.scope" {
	in_scope "::$ID" "$ID.scope" system.slice "/system.slice/$ID.scope"
}

@test "systemd: a name ending in .slice makes a slice unit, the container in it" {
	# systemd derives a slice's place from its name: system-NAME.slice is
	# /system.slice/system-NAME.slice (NAME without dashes: no more levels)
	unit=system-${ID//-/_}.slice
	config_set --arg p "system.slice::$unit" '.linux.cgroupsPath = $p'
	systemd_up
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	pid=$(skura state "$ID" | jq .pid)
	# a slice takes no Slice, Delegate or PIDs (systemd refuses them); its parent is a Wants=
	calls StartTransientUnit | jq -e --arg u "$unit" '.unit == $u and (has("error") | not) and
		.props.Wants == ["system.slice"] and (.props | has("Slice") or has("Delegate") or has("PIDs") | not)'
	sd grep -qx "0::/system.slice/$unit" "/proc/$pid/cgroup"
	skura delete --force "$ID"
	calls StopUnit | jq -e --arg u "$unit" '.unit == $u'
	[ -z "$(find /sys/fs/cgroup -name "$unit")" ]
}

# ---- d. a cgroupsPath the driver cannot use ----

@test "systemd: a cgroupsPath that is not slice:prefix:name is refused before systemd is asked" {
	config_set '.linux.cgroupsPath = "not-a-triple"'
	systemd_up
	run skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.cgroupsPath"* ]]
	[[ "$output" == *"slice:prefix:name"* ]]
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(calls StartTransientUnit)" ]
	no_cgroup_left
}

# ---- e. systemd says no ----

# refused CGROUPSPATH WORDS [--v2]: the run fails with exit 1 naming WORDS,
# and no container, cgroup or process is left
refused() {
	config_set --arg p "$1" '.linux.cgroupsPath = $p'
	systemd_up "${@:3}"
	run skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$2"* ]]
	[ ! -d "$ROOT/$ID" ]
	pid=$(calls StartTransientUnit | jq '.props.PIDs[0]')
	[ "$pid" -gt 0 ]
	# the init kura had made for it is gone
	gone "$pid"
	no_cgroup_left
}

@test "systemd: StartTransientUnit refused: systemd's error, nothing left" {
	refused "system.slice:fail:$ID" "mock systemd refuses to start fail-$ID.scope"
}

@test "systemd v2: StartTransientUnit refused: systemd's error, nothing left" {
	refused "system.slice:fail:$ID" "mock systemd refuses to start fail-$ID.scope" --v2
}

@test "systemd: the start job fails: an error naming the unit and result, nothing left" {
	refused "system.slice:jobfail:$ID" "jobfail-$ID.scope"
	[[ "$output" == *failed* ]]
}

@test "systemd: after a failed start job the same container can be created again" {
	# systemd keeps a failed transient unit loaded until ResetFailedUnit: a
	# second StartTransientUnit of its name would be UnitExists
	systemd_up
	set_fail job
	run skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	set_fail ""
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	[ "$(skura state "$ID" | jq -r .status)" = running ]
	skura delete --force "$ID"
	no_cgroup_left
}

# ---- f, g. update and annotations ----

# systemd is told first (or it would put its own values back), then the files
@test "systemd: update tells systemd (SetUnitProperties) and writes the files" {
	config_set '.linux.resources.memory = {"limit": 67108864}'
	systemd_up
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	skura update --memory 100m --pids-limit 42 "$ID"
	calls SetUnitProperties | jq -e --arg u "kura-$ID.scope" '
		.unit == $u and .runtime == true and (has("error") | not) and
		.props.MemoryLimit == 104857600 and .props.TasksMax == 42'
	scope=system.slice/kura-$ID.scope
	[ "$(sd cat "/sys/fs/cgroup/memory/$scope/memory.limit_in_bytes")" = 104857600 ]
	[ "$(sd cat "/sys/fs/cgroup/pids/$scope/pids.max")" = 42 ]
}

# runc's annotations: GVariant text, "uint64 N" a t, a quoted text an s
@test "systemd: org.systemd.property.* annotations reach StartTransientUnit, typed" {
	config_set '.annotations["org.systemd.property.TimeoutStopUSec"] = "uint64 123"'
	config_set '.annotations["org.systemd.property.CollectMode"] = "'"'inactive-or-failed'"'"'
	systemd_up
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	# the mock refuses a property of the wrong D-Bus type, as systemd does
	calls StartTransientUnit | jq -e '(has("error") | not) and
		.props.TimeoutStopUSec == 123 and .props.CollectMode == "inactive-or-failed"'
}

# ---- h. the other verbs on a systemd-placed container ----

verbs() {
	systemd_up "$@"
	# --systemd-cgroup on every command, as engines pass it
	k() { skura --systemd-cgroup "$@"; }
	k run -d --bundle "$BUNDLE" "$ID"
	k exec -d "$ID" sleep 999
	scope=/sys/fs/cgroup/unified/system.slice/kura-$ID.scope
	[ "${1:-}" = --v2 ] && scope=/sys/fs/cgroup/system.slice/kura-$ID.scope
	# the exec'd process joined the scope
	[ "$(sd cat "$scope/cgroup.procs" | wc -l)" -eq 2 ]
	run k ps "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 1000"* ]]
	[[ "$output" == *"sleep 999"* ]]
	k pause "$ID"
	[ "$(skura state "$ID" | jq -r .status)" = paused ]
	if [ "${1:-}" = --v2 ]; then
		[ "$(sd cat "$scope/cgroup.freeze")" = 1 ]
	else
		[ "$(sd cat "/sys/fs/cgroup/freezer/system.slice/kura-$ID.scope/freezer.state")" = FROZEN ]
	fi
	k resume "$ID"
	[ "$(skura state "$ID" | jq -r .status)" = running ]
	k kill --all "$ID" KILL
	wait_status stopped
	k delete "$ID"
	[ ! -d "$ROOT/$ID" ]
	no_cgroup_left
}

@test "systemd: exec, ps, pause, resume, kill --all and delete on a container in a scope" {
	verbs
}

@test "systemd v2: exec, ps, pause, resume, kill --all and delete on a container in a scope" {
	verbs --v2
}

# frozen (v1 freezer) processes do not die of SIGKILL until thawed
@test "systemd: delete --force of a paused container leaves nothing" {
	systemd_up
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	skura pause "$ID"
	skura delete --force "$ID"
	[ ! -d "$ROOT/$ID" ]
	no_cgroup_left
}

# ---- the scope going away by itself; what systemd does not manage ----

# systemd stops an empty scope and forgets it: kura's StopUnit gets NoSuchUnit
@test "systemd: a container that exited: systemd dropped its scope, delete still works" {
	config_set '.process.args = ["true"]'
	systemd_up
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	wait_status stopped
	for _ in $(seq 30); do
		jq -e 'select(.event == "unit-gone")' "$MOCKLOG" >/dev/null && break
		sleep 0.1
	done
	jq -e --arg u "kura-$ID.scope" 'select(.event == "unit-gone") | .unit == $u' "$MOCKLOG"
	# StopUnit now gets NoSuchUnit: that is not an error for delete
	skura delete "$ID"
	[ ! -d "$ROOT/$ID" ]
	no_cgroup_left
	# and a foreground run, where the scope may go before or after kura's StopUnit
	run skura --systemd-cgroup run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ ! -d "$ROOT/$ID" ]
	no_cgroup_left
}

# the mock as systemd 252 in hybrid: the scope only where systemd manages
@test "systemd: hierarchies systemd does not manage (cpuset, freezer) are kura's to make and remove" {
	config_set '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	KURA_MOCK_MANAGED=systemd systemd_up
	skura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	scope=system.slice/kura-$ID.scope
	# systemd 252 made the scope only in its hierarchies...
	jq -e 'select(.event == "job") | .dirs | map(test("/(cpuset|freezer)/")) | any | not' "$MOCKLOG"
	# ...kura made the others
	[ "$(sd cat "/sys/fs/cgroup/cpuset/$scope/cpuset.cpus")" = 0 ]
	pid=$(skura state "$ID" | jq .pid)
	grep -qx "$pid" <(sd cat "/sys/fs/cgroup/freezer/$scope/cgroup.procs")
	skura pause "$ID"
	[ "$(sd cat "/sys/fs/cgroup/freezer/$scope/freezer.state")" = FROZEN ]
	skura resume "$ID"
	skura delete --force "$ID"
	# and removed them (the slices too, where kura made them)
	no_cgroup_left
	[ ! -d /sys/fs/cgroup/cpuset/system.slice ] || [[ "$SLICES_BEFORE" == *cpuset/system.slice* ]]
	[ ! -d /sys/fs/cgroup/freezer/system.slice ] || [[ "$SLICES_BEFORE" == *freezer/system.slice* ]]
}

#!/usr/bin/env bats
# Cgroups with real containers: limits land in the host's hierarchies, are
# enforced inside, change with update, freeze with pause; events reports
# them; the pure-v2 paths run in a mount namespace where the unified
# hierarchy is bound over /sys/fs/cgroup.  After every test no directory
# named after the test's container is left in /sys/fs/cgroup.

load helpers

UNIFIED=/sys/fs/cgroup/unified

setup() {
	# kura enables hugetlb in the unified root when a test asks for it: undo after
	unified_subtree_save
	setup_bundle
	# the tests write into the rootfs (a counter, device nodes)
	config_set '.root.readonly = false'
}

teardown() {
	teardown_bundle
	# a parent the test made itself
	if [ -n "${PRE:-}" ]; then rmdir "$PRE" 2>/dev/null || true; fi
	unified_subtree_restore
	no_cgroup_left
}

# cg_path CONTROLLERS: the container's directory in that hierarchy ("" = cgroup2)
cg_path() {
	jq -r --arg c "$1" '.cgroup.hierarchies[] | select(.controllers == $c) | .path' \
		"$ROOT/$ID/state.json"
}

@test "cgroups: memory limit and swap land in the v1 memory hierarchy" {
	config_set '.linux.resources.memory = {"limit": 67108864, "swap": 134217728, "reservation": 33554432}'
	kura run -d --bundle "$BUNDLE" "$ID"
	mem=$(cg_path memory)
	[[ "$mem" == /sys/fs/cgroup/memory/* ]]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 134217728 ]
	[ "$(cat "$mem/memory.soft_limit_in_bytes")" = 33554432 ]
	# the init is in it
	grep -qx "$(kura state "$ID" | jq .pid)" "$mem/cgroup.procs"
}

@test "cgroups: pids.limit stops forks inside the container" {
	config_set '.linux.resources.pids = {"limit": 10}'
	kura run -d --bundle "$BUNDLE" "$ID"
	[ "$(cat "$(cg_path pids)/pids.max")" = 10 ]
	run kura exec "$ID" sh -c 'i=0; while [ $i -lt 30 ]; do sleep 100 >/dev/null 2>&1 & i=$((i+1)); done; echo done'
	[[ "$output" == *"fork"* || "$output" == *"Resource temporarily unavailable"* ]]
	[ "$(cat "$(cg_path pids)/pids.current")" -le 10 ]
}

@test "cgroups: cpu shares, quota and period; cpuset cpus seen inside" {
	config_set '.linux.resources.cpu = {"shares": 512, "quota": 20000, "period": 50000, "cpus": "0", "mems": "0"}'
	kura run -d --bundle "$BUNDLE" "$ID"
	cpu=$(cg_path cpu)
	[ "$(cat "$cpu/cpu.shares")" = 512 ]
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 20000 ]
	[ "$(cat "$cpu/cpu.cfs_period_us")" = 50000 ]
	[ "$(cat "$(cg_path cpuset)/cpuset.cpus")" = 0 ]
	run kura exec "$ID" grep Cpus_allowed_list /proc/self/status
	[[ "$output" == *"Cpus_allowed_list:"*"0" ]]
}

@test "cgroups: a denied device cannot be opened, an allowed one can" {
	config_set '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	grep -qx 'c 1:3 rwm' "$(cg_path devices)/devices.list"
	# mknod is allowed for any device (as runc): only opening is refused
	run kura exec "$ID" sh -c 'mknod /tmp/nul c 1 3 && echo ok > /tmp/nul && echo null-ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *null-ok* ]]
	run kura exec "$ID" sh -c 'mknod /tmp/lc c 10 237 && cat /tmp/lc'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "cgroups: pause freezes every process, resume thaws them" {
	config_set '.process.args = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	kura pause "$ID"
	[ "$(status_of)" = paused ]
	[ "$(cat "$(cg_path freezer)/freezer.state")" = FROZEN ]
	a=$(cat "$BUNDLE/rootfs/tmp/count")
	sleep 0.4
	[ "$(cat "$BUNDLE/rootfs/tmp/count")" = "$a" ]
	run kura pause "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	kura resume "$ID"
	[ "$(status_of)" = running ]
	sleep 0.4
	[ "$(cat "$BUNDLE/rootfs/tmp/count")" -gt "$a" ]
	run kura resume "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not paused"* ]]
}

@test "cgroups: delete --force of a paused container leaves nothing" {
	kura run -d --bundle "$BUNDLE" "$ID"
	kura pause "$ID"
	kura delete --force "$ID"
	[ ! -d "$ROOT/$ID" ]
}

@test "cgroups: kill --all reaches every process, even in a paused container" {
	kura run -d --bundle "$BUNDLE" "$ID"
	kura exec -d "$ID" sleep 1000
	kura exec -d "$ID" sleep 1000
	[ "$(cat "$(cg_path pids)/cgroup.procs" | wc -l)" -eq 3 ]
	kura pause "$ID"
	kura kill --all "$ID" KILL
	for _ in $(seq 50); do
		[ "$(status_of)" = stopped ] && break
		sleep 0.1
	done
	[ "$(status_of)" = stopped ]
	[ -z "$(cat "$(cg_path pids)/cgroup.procs")" ]
}

@test "cgroups: update changes limits, from flags and from a resources JSON" {
	config_set '.linux.resources.memory = {"limit": 67108864, "swap": 67108864}'
	kura run -d --bundle "$BUNDLE" "$ID"
	kura update --memory 100m --memory-swap 200m --pids-limit 42 --cpu-shares 256 \
		--cpu-quota 30000 --cpu-period 100000 --cpuset-cpus 0 "$ID"
	[ "$(cat "$(cg_path memory)/memory.limit_in_bytes")" = 104857600 ]
	[ "$(cat "$(cg_path memory)/memory.memsw.limit_in_bytes")" = 209715200 ]
	[ "$(cat "$(cg_path pids)/pids.max")" = 42 ]
	[ "$(cat "$(cg_path cpu)/cpu.shares")" = 256 ]
	[ "$(cat "$(cg_path cpu)/cpu.cfs_quota_us")" = 30000 ]
	echo '{"memory": {"limit": 52428800, "swap": 52428800}, "pids": {"limit": 7}}' |
		kura update --resources - "$ID"
	[ "$(cat "$(cg_path memory)/memory.limit_in_bytes")" = 52428800 ]
	[ "$(cat "$(cg_path pids)/pids.max")" = 7 ]
	run kura update --memory lots "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *'--memory: invalid value "lots"'* ]]
	run sh -c "echo '{\"pids\": {\"limit\": \"x\"}}' | '$KURA' --root '$ROOT' update -r - '$ID'"
	[ "$status" -ne 0 ]
	[[ "$output" == *".pids.limit"* ]]
	# -1 is no limit; no other negative means anything (issue 12)
	run kura update --pids-limit -2 "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--pids-limit: must be -1 (no limit) or at least 0, not -2"* ]]
	run kura update --cpu-quota -5 "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--cpu-quota: must be -1 (no limit) or at least 0, not -5"* ]]
	run sh -c "echo '{\"cpu\": {\"quota\": -5}}' | '$KURA' --root '$ROOT' update -r - '$ID'"
	[ "$status" -ne 0 ]
	[[ "$output" == *".cpu.quota: must be between -1 and 9223372036854775807, not -5"* ]]
	[ "$(cat "$(cg_path pids)/pids.max")" = 7 ]
	[ "$(cat "$(cg_path cpu)/cpu.cfs_quota_us")" = 30000 ]
	kura update --pids-limit -1 --cpu-quota -1 "$ID"
	[ "$(cat "$(cg_path pids)/pids.max")" = max ]
	[ "$(cat "$(cg_path cpu)/cpu.cfs_quota_us")" = -1 ]
	# Intel RDT lines, as runc's flags: checked, and only for a container with intelRdt
	run kura update --mem-bw-schema L3:0=f "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'--mem-bw-schema: must start with "MB:" and hold no newline'* ]]
	run kura update --l3-cache-schema L3:0=f --pids-limit 9 "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--l3-cache-schema: the container has no linux.intelRdt"* ]]
}

@test "cgroups: events --stats prints runc's stats event" {
	config_set '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura events --stats "$ID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --arg id "$ID" '
		.type == "stats" and .id == $id and
		(.data.cpu.usage.total | type == "number") and
		(.data.cpu.usage.percpu | type == "array") and
		(.data.cpu.throttling.periods | type == "number") and
		.data.memory.usage.limit == 67108864 and
		(.data.memory.usage.usage > 0) and
		(.data.memory.raw | type == "object") and
		.data.pids.limit == 50 and .data.pids.current >= 1 and
		(.data.hugetlb["2MB"].usage | type == "number")'
}

@test "cgroups: events streams stats and reports an OOM kill" {
	config_set '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	config_set '.process.args = ["sh", "-c", "sleep 1; tail /dev/zero; sleep 1000"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	run timeout 4 "$KURA" --root "$ROOT" events --interval 1s "$ID"
	echo "$output" | grep -q '"type":"oom"'
	# the last stats event comes after the kill: the limit was hit
	echo "$output" | grep '"type":"stats"' | tail -1 |
		jq -e '.data.memory.usage.max == 16777216 and .data.memory.usage.limit == 16777216'
}

@test "cgroups: a nested absolute cgroupsPath; only the dirs kura made are removed" {
	PRE=/sys/fs/cgroup/pids/pre-$ID
	mkdir "$PRE"
	config_set --arg p "/pre-$ID/kura/$ID" '.linux.cgroupsPath = $p'
	kura run -d --bundle "$BUNDLE" "$ID"
	[ "$(cg_path pids)" = "$PRE/kura/$ID" ]
	[ "$(cg_path memory)" = "/sys/fs/cgroup/memory/pre-$ID/kura/$ID" ]
	kura delete --force "$ID"
	# kura made pre-$ID in memory (so it went) but not in pids (so it stays)
	[ ! -d "/sys/fs/cgroup/memory/pre-$ID" ]
	[ -d "$PRE" ]
	[ ! -d "$PRE/kura" ]
}

@test "cgroups: a resource this host lacks fails clearly and leaves nothing" {
	config_set '.linux.resources.network = {"classID": 1048577}'
	run kura run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.network.classID: net_cls controller not available (no /sys/fs/cgroup/net_cls)"* ]]
	[ ! -d "$ROOT/$ID" ]
}

@test "cgroups: a memory limit too small to start the container is reported as an OOM kill" {
	config_set '.linux.resources.memory = {"limit": 1}'
	run kura run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	# killed by the OOM killer, or its first exec refused the memory
	[[ "$output" == *"the container "*" during create: .linux.resources.memory.limit (1 bytes) is too small to start it"* ]]
	[ ! -d "$ROOT/$ID" ]
	# negative limits other than -1 never reach a cgroup
	config_set '.linux.resources.memory = {} | .linux.resources.pids = {"limit": -2} | .linux.resources.cpu = {"quota": -2}'
	run kura run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *".linux.resources.cpu.quota: must be between -1 and"*"1 more"* ]]
	[ ! -d "$ROOT/$ID" ]
	run "$KURA" check --bundle "$BUNDLE"
	[[ "$output" == *".linux.resources.pids.limit: must be between -1 and"* ]]
}

@test "cgroups: unified keys go to the unified hierarchy in hybrid mode" {
	config_set '.linux.resources.unified = {"hugetlb.2MB.max": "4194304"}'
	kura run -d --bundle "$BUNDLE" "$ID"
	[ "$(cat "$(cg_path "")/hugetlb.2MB.max")" = 4194304 ]
}

@test "cgroups: hugepageLimits go to the unified hierarchy in hybrid mode" {
	config_set '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 8388608}]'
	kura run -d --bundle "$BUNDLE" "$ID"
	[ "$(cat "$(cg_path "")/hugetlb.2MB.max")" = 8388608 ]
	run kura events --stats "$ID"
	echo "$output" | jq -e '.data.hugetlb["2MB"].max == 8388608'
}

@test "cgroups: --systemd-cgroup without systemd is a clear error" {
	[ ! -d /run/systemd/system ] || skip "systemd is running here"
	run kura --systemd-cgroup run -d --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"systemd cgroup driver requested but systemd is not running (no /run/systemd/system)"* ]]
	[ ! -d "$ROOT/$ID" ]
}

# Pure cgroup v2: the unified hierarchy bound over /sys/fs/cgroup in a private
# mount namespace (only hugetlb, freeze and kill exist there on this host).
v2() {
	unshare -m sh -euc 'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup; '"$1"
}

@test "cgroups v2: hugetlb limit, device filter, freeze, kill, cleanup" {
	config_set '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	config_set '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
	export KURA ROOT BUNDLE ID
	run v2 '
		k() { "$KURA" --root "$ROOT" "$@"; }
		k run -d --bundle "$BUNDLE" "$ID"
		p=$(jq -r ".cgroup.hierarchies[0].path" "$ROOT/$ID/state.json")
		echo "mode=$(jq -r .cgroup.mode "$ROOT/$ID/state.json") path=$p"
		echo "hugetlb=$(cat "$p/hugetlb.2MB.max")"
		k exec "$ID" sh -c "mknod /tmp/nul c 1 3 && echo x > /tmp/nul && echo null-ok" || true
		k exec "$ID" sh -c "mknod /tmp/lc c 10 237 && cat /tmp/lc" 2>&1 || echo lc-denied
		echo "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 2097152}]}" | k update -r - "$ID"
		echo "updated=$(cat "$p/hugetlb.2MB.max")"
		k events --stats "$ID" | jq -c "[.type, .data.hugetlb[\"2MB\"].max, (.data.cpu.usage.total > 0)]"
		k pause "$ID"
		echo "paused=$(k state "$ID" | jq -r .status) freeze=$(cat "$p/cgroup.freeze")"
		k resume "$ID"
		echo "resumed=$(k state "$ID" | jq -r .status)"
		k kill --all "$ID" KILL
		sleep 0.3
		echo "after-kill=$(k state "$ID" | jq -r .status)"
		k delete "$ID"
		[ -d "$p" ] && echo "left $p" || echo cleaned
	'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"mode=v2 path=/sys/fs/cgroup/"* ]]
	[[ "$output" == *"hugetlb=4194304"* ]]
	[[ "$output" == *"null-ok"* ]]
	[[ "$output" == *"Operation not permitted"*"lc-denied"* ]]
	[[ "$output" == *"updated=2097152"* ]]
	[[ "$output" == *'["stats",2097152,true]'* ]]
	[[ "$output" == *"paused=paused freeze=1"* ]]
	[[ "$output" == *"resumed=running"* ]]
	[[ "$output" == *"after-kill=stopped"* ]]
	[[ "$output" == *"cleaned"* ]]
}

@test "cgroups v2: a v1-only resource is refused with the field and file named" {
	config_set '.linux.resources.pids = {"limit": 5}'
	export KURA ROOT BUNDLE ID
	run v2 '"$KURA" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID"'
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.pids.limit: pids controller not available (no /sys/fs/cgroup/"*"/pids.max)"* ]]
	[ ! -d "$ROOT/$ID" ]
}

@test "cgroups: delete removes sub-cgroups made inside the container's cgroup" {
	config_set '.process.args = ["sleep", "1000"]'
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	pids=$(cg_path pids)
	mkdir -p "$pids/sub/deeper"
	kura delete --force "$ID"
	[ ! -e "$pids" ]
}

# sub_line CONTROLLERS: the line of /proc/self/cgroup ($output) for that hierarchy
sub_line() {
	printf '%s\n' "$output" | awk -F: -v c="$1" '$2 == c' | head -n 1
}

@test "cgroups: exec --cgroup runs the process in an existing sub-cgroup" {
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	mem=$(cg_path memory)
	uni=$(cg_path "")
	# a PATH alone: the same sub-cgroup in every hierarchy
	for c in $(jq -r '.cgroup.hierarchies[].controllers' "$ROOT/$ID/state.json"); do
		mkdir "$(cg_path "$c")/xsub"
	done
	[ -n "$uni" ]
	mkdir "$uni/xsub"
	# a new v1 cpuset has no cpus or mems of its own: give it the container's
	cs=$(cg_path cpuset)
	cat "$cs/cpuset.cpus" > "$cs/xsub/cpuset.cpus"
	cat "$cs/cpuset.mems" > "$cs/xsub/cpuset.mems"
	run kura exec --cgroup xsub "$ID" cat /proc/self/cgroup
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(sub_line memory)" == */xsub ]]
	[[ "$(sub_line pids)" == */xsub ]]
	[[ "$(sub_line "")" == */xsub ]]
	# CONTROLLER:PATH: only those hierarchies; "/" is the container's own
	mkdir "$mem/msub"
	run kura exec --cgroup memory:/msub/ --cgroup / "$ID" cat /proc/self/cgroup
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(sub_line memory)" == */msub ]]
	[[ "$(sub_line pids)" != */xsub && "$(sub_line pids)" != */msub ]]
	[[ "$(sub_line "")" != */xsub ]]
	# a detached process stays there, as the host sees it
	kura exec -d --pid-file "$TMP/exec.pid" --cgroup memory,pids:xsub "$ID" sleep 1000
	grep -qx "$(cat "$TMP/exec.pid")" "$mem/xsub/cgroup.procs"
	grep -qx "$(cat "$TMP/exec.pid")" "$(cg_path pids)/xsub/cgroup.procs"
	kura delete --force "$ID"
}

@test "cgroups: exec --cgroup refuses a missing sub-cgroup and bad values, naming the flag" {
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	mem=$(cg_path memory)
	run kura exec --cgroup nope "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup: sub-cgroup "nope" does not exist ('*'/nope)'* ]]
	run kura exec --cgroup memory:nope "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *"--cgroup: sub-cgroup \"nope\" does not exist ($mem/nope)"* ]]
	run kura exec --cgroup ../.. "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup "../..": ".." would leave the container'"'"'s cgroup'* ]]
	run kura exec --cgroup nosuch:x "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup "nosuch:x": no cgroup v1 hierarchy has the controller "nosuch"'* ]]
	run kura exec --cgroup a --cgroup b "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup: "a" and "b": only one PATH without a controller'* ]]
	run kura exec --cgroup "" "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup: empty'* ]]
	# nothing ran: the container's cgroup holds only its init
	[ "$(wc -l < "$mem/cgroup.procs")" -eq 1 ]
}

@test "cgroups v2: exec --cgroup PATH, and CONTROLLER:PATH refused" {
	export KURA ROOT BUNDLE ID
	run v2 '
		k() { "$KURA" --root "$ROOT" "$@"; }
		k run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
		p=$(jq -r ".cgroup.hierarchies[0].path" "$ROOT/$ID/state.json")
		mkdir "$p/xsub"
		k exec --cgroup xsub "$ID" cat /proc/self/cgroup
		k exec --cgroup memory:xsub "$ID" true 2>&1 || echo "rc=$?"
		k exec --cgroup nope "$ID" true 2>&1 || echo "rc=$?"
		k delete --force "$ID"
		[ -d "$p" ] && echo "left $p" || echo cleaned
	'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(printf '%s\n' "$output" | grep '^0::')" == 0::*/xsub ]]
	[[ "$output" == *'--cgroup "memory:xsub": CONTROLLER:PATH is for cgroup v1; on cgroup v2 give a PATH'*"rc=1"* ]]
	[[ "$output" == *'--cgroup: sub-cgroup "nope" does not exist'*"rc=1"* ]]
	[[ "$output" == *cleaned* ]]
}

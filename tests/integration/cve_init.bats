#!/usr/bin/env bats
# CVE-2016-9962 class: nothing of kura is reachable from a container.  The init
# half waits on the exec FIFO (created, not started) inside the container's pid
# namespace, and an exec'd init half runs there too while it sets the process
# up: a dumpable init, or one holding a host fd, lets a process of the
# container open /proc/<init>/fd/N and walk the host through it
# (/proc/<init>/fd/3/../../sys/kernel/core_pattern was writable before).

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# probe_script: for every pid but 1 and the probe's own, "OPEN pid fd ->
# target" for each fd whose link it can read (the fd numbers of another
# root process are listed by any root; what they lead to is what counts)
probe_script() {
	cat <<-'EOS'
	for p in /proc/[0-9]*; do
		n=${p#/proc/}
		[ "$n" = 1 ] || [ "$n" = $$ ] && continue
		for f in $p/fd/*; do
			t=$(readlink $f) || continue
			echo "OPEN $n ${f##*/} -> $t"
		done 2>/dev/null
	done
	EOS
}

# host_fds_of PID: "N -> target" for each of its fds, as the host sees them
host_fds_of() {
	for f in /proc/$1/fd/*; do
		echo "${f##*/} -> $(readlink "$f")$([ -d "$f" ] && echo ' (directory)')"
	done
}

# assert_init_holds_only_fifo PID ID: stdio and ID's exec FIFO, nothing else
assert_init_holds_only_fifo() {
	run host_fds_of "$1"
	echo "$output"
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[3]}" == *"/$2/exec.fifo" ]]
	[[ "$output" != *directory* ]]
	[[ "$output" != *socket:* ]]
	[[ "$output" != *memfd* ]]
	[ -p "/proc/$1/fd/${lines[3]%% *}" ]
}

# attack PID1REL: as the report did, from inside: the init's fds and the host's
# sysctls behind them (printk_ratelimit written back with its own value)
attack_script() {
	cat <<-'EOS'
	ls -l /proc/1/fd/ 2>&1 | head -5
	for fd in 3 4 5 6 7 8 9 10; do
		v=$(cat /proc/1/fd/$fd/../../sys/kernel/printk_ratelimit 2>/dev/null) || continue
		echo "$v" > /proc/1/fd/$fd/../../sys/kernel/printk_ratelimit && echo "WROTE via fd $fd"
		ls /proc/1/fd/$fd/../../ | grep -c '^[0-9]' | sed 's/^/HOST PIDS: /'
	done
	cat /proc/1/environ >/dev/null 2>&1 && echo "ENVIRON READABLE"
	ls /proc/1/root/ >/dev/null 2>&1 && echo "ROOT READABLE"
	ls /proc/1/cwd/ >/dev/null 2>&1 && echo "CWD READABLE"
	head -c1 /proc/1/mem >/dev/null 2>&1 && echo "MEM READABLE"
	echo probed
	EOS
}

create_and_attack() {
	kura create --bundle "$BUNDLE" "$ID"
	[ "$(status_of)" = created ]
	pid=$(kura state "$ID" | jq .pid)
	run kura exec "$ID" sh -c "$(attack_script)"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *probed* ]]
	[[ "$output" != *WROTE* ]]
	[[ "$output" != *"HOST PIDS"* ]]
	[[ "$output" != *READABLE* ]]
	[[ "$output" == *"Permission denied"* ]]
	assert_init_holds_only_fifo "$pid" "$ID"
	# and it still starts as it should
	kura start "$ID"
	[ "$(status_of)" = running ]
}

@test "CVE-2016-9962: a created container's waiting init holds no host fd and is unreachable from an exec" {
	create_and_attack
}

@test "CVE-2016-9962: a created container's init, with a user namespace" {
	userns_config
	create_and_attack
}

@test "CVE-2016-9962: a created container sharing a running one's pid namespace is unreachable from it" {
	kura run -d --bundle "$BUNDLE" "$ID-a" </dev/null >/dev/null 2>&1
	apid=$(kura state "$ID-a" | jq .pid)
	cp -a "$BUNDLE" "$TMP/b"
	jq --arg p "/proc/$apid/ns/pid" '(.linux.namespaces[] | select(.type == "pid")).path = $p' \
		"$BUNDLE/config.json" > "$TMP/b/config.json"
	kura create --bundle "$TMP/b" "$ID-b"
	bpid=$(kura state "$ID-b" | jq .pid)
	run kura exec "$ID-a" sh -c "$(probe_script); echo probed"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *probed* ]]
	[[ "$output" != *OPEN* ]]
	assert_init_holds_only_fifo "$bpid" "$ID-b"
	# B's init is there to be seen (pid 2), only not reachable
	run kura exec "$ID-a" ls /proc
	[[ " $(echo $output) " == *" 2 "* ]]
}

# exec_probed [userns]: the init half of `kura exec` runs in the container's
# pid namespace; _KURA_TEST_PAUSE holds it at its first step for 1.5 s while
# the container's pid 1, root with every capability, looks at every other
# process.  Without a user namespace less CAP_SYS_PTRACE, which over the
# host's user namespace lets a container trace all it sees, by its config.
exec_probed() {
	local bnd all
	# every capability this host's bounding set has (root here lacks CAP_SYS_RESOURCE)
	bnd=$((16#$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)))
	all=$(kura features | jq --argjson b "$bnd" --arg userns "${1:-}" '.linux.capabilities
		| to_entries | map(select((($b / pow(2; .key)) | floor) % 2 == 1) | .value)
		| if $userns == "" then . - ["CAP_SYS_PTRACE"] else . end')
	config_set --arg probe "$(probe_script)" --argjson all "$all" '.process.args = ["sh", "-c",
		"while :; do (" + $probe + ") >> /dev/shm/hits; sleep 0.05; done"]
		| .process.capabilities = {"bounding": $all, "effective": $all, "permitted": $all}'
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	run env _KURA_TEST_PAUSE=init-start:1500 "$KURA" --root "$ROOT" exec "$ID" true
	[ "$status" -eq 0 ]
	run kura exec "$ID" cat /dev/shm/hits
	echo "$output"
	[ "$status" -eq 0 ]
	# what pid 1 may see: its own subshells and the cat, with these fds
	[[ "$(printf '%s\n' "$output" | grep -v -e ' -> /dev/null$' -e ' -> pipe:' \
		-e ' -> /dev/shm/hits$')" == "" ]]
}

@test "CVE-2016-9962: an exec'd init half is unreachable from the container while it starts" {
	exec_probed
}

@test "CVE-2016-9962: an exec'd init half, with a user namespace" {
	userns_config
	exec_probed userns
}

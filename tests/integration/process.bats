#!/usr/bin/env bats
# The container process as it sees itself: capabilities, user, rlimits,
# no_new_privs, hostname, sysctl, umask, cwd, exec errors.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

@test "capabilities: the five sets are exactly the spec's (uid 1000, ambient)" {
	config_set '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_NET_BIND_SERVICE"]}'
	in_container 'grep ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
	# after execve as non-root only the ambient capability is left in P and E
	[ "$(status_line CapInh)" = 0000000000000400 ]
	[ "$(status_line CapPrm)" = 0000000000000400 ]
	[ "$(status_line CapEff)" = 0000000000000400 ]
	[ "$(status_line CapBnd)" = 0000000000000421 ]
	[ "$(status_line CapAmb)" = 0000000000000400 ]
}

@test "capabilities: root gets its bounding set, nothing inheritable" {
	config_set '.process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_SYS_ADMIN"],
			"effective": ["CAP_CHOWN", "CAP_SYS_ADMIN"],
			"permitted": ["CAP_CHOWN", "CAP_SYS_ADMIN"]}'
	in_container 'grep ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(status_line CapBnd)" = 0000000000200001 ]
	[ "$(status_line CapEff)" = 0000000000200001 ]
	[ "$(status_line CapPrm)" = 0000000000200001 ]
	[ "$(status_line CapInh)" = 0000000000000000 ]
	[ "$(status_line CapAmb)" = 0000000000000000 ]
}

@test "capabilities: an unknown name fails naming the field, exit 1" {
	config_set '.process.capabilities.bounding = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_FOO"]'
	in_container 'echo should-not-run'
	[ "$status" -eq 1 ]
	[[ "$output" == *'.process.capabilities.bounding[3]: unknown capability "CAP_FOO"'* ]]
	[[ "$output" != *should-not-run* ]]
	# nothing left behind
	[ ! -d "$ROOT/$ID" ]
}

@test "user: uid, gid and additionalGids" {
	config_set '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]}'
	in_container 'grep -E "^(Uid|Gid|Groups):" /proc/self/status; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "$(status_line Uid)" = "1000	1000	1000	1000" ]
	[ "$(status_line Gid)" = "1001	1001	1001	1001" ]
	[ "$(status_line Groups)" = "10 20" ]
	[ "${lines[3]}" = 1000 ]
	[ "${lines[4]}" = 1001 ]
}

@test "user: no capabilities in the spec and a non-root uid leaves none" {
	config_set '.process.user = {"uid": 1000, "gid": 1000} | del(.process.capabilities)'
	in_container 'grep -E "^Cap(Prm|Eff)" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(status_line CapPrm)" = 0000000000000000 ]
	[ "$(status_line CapEff)" = 0000000000000000 ]
}

@test "noNewPrivileges: NoNewPrivs 1, and 0 when false" {
	config_set '.process.noNewPrivileges = true'
	in_container 'grep ^NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(status_line NoNewPrivs)" = 1 ]

	config_set '.process.noNewPrivileges = false'
	in_container 'grep ^NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(status_line NoNewPrivs)" = 0 ]
}

@test "rlimits: RLIMIT_NOFILE soft and hard" {
	config_set '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1234, "hard": 2345}]'
	in_container 'ulimit -n; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1234 ]
	[ "${lines[1]}" = 2345 ]
}

@test "rlimits: a failure names the rlimit" {
	# above fs.nr_open: even root may not
	big=$(( $(cat /proc/sys/fs/nr_open) + 1 ))
	config_set --argjson n "$big" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $n, "hard": $n}]'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"setrlimit RLIMIT_NOFILE: Operation not permitted"* ]]
}

@test "hostname and domainname in a new uts namespace" {
	config_set '.hostname = "kura-host" | .domainname = "kura.example"'
	in_container 'hostname; cat /proc/sys/kernel/domainname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = kura-host ]
	[ "${lines[1]}" = kura.example ]
}

@test "hostname without a uts namespace is refused" {
	config_set '.hostname = "kura-host" | .linux.namespaces |= map(select(.type != "uts"))'
	in_container 'true'
	[ "$status" -eq 1 ]
	# the config check or the init half: either way named
	printf '%s\n' "$output" | grep -qi "hostname.*uts namespace"
	# the host's name is untouched
	[ "$(hostname)" != kura-host ]
}

@test "sysctl: net.* and ipc keys in their namespaces" {
	config_set '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1234",
		"fs.mqueue.msg_max": "42"}'
	in_container 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 1234 ]
	[ "${lines[2]}" = 42 ]
}

@test "sysctl: net.* without a network namespace is refused" {
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host))
	config_set --arg v "$want" '.linux.sysctl = {"net.ipv4.ip_forward": $v}
		| .linux.namespaces |= map(select(.type != "network"))'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'sysctl net.ipv4.ip_forward is not allowed as it conflicts with the OCI "network" namespace setting'* ]]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host" ]
}

@test "sysctl: user.* in a container with a user namespace is written in it" {
	userns_config
	host=$(cat /proc/sys/user/max_user_namespaces)
	config_set '.linux.sysctl = {"user.max_user_namespaces": "7"}'
	in_container 'cat /proc/sys/user/max_user_namespaces'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 7 ]
	# the host's limit is its own
	[ "$(cat /proc/sys/user/max_user_namespaces)" = "$host" ]
}

@test "sysctl: user.* without a user namespace is refused" {
	host=$(cat /proc/sys/user/max_user_namespaces)
	config_set '.linux.sysctl = {"user.max_user_namespaces": "7"}'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'sysctl user.max_user_namespaces is not allowed as it conflicts with the OCI "user" namespace setting'* ]]
	[ "$(cat /proc/sys/user/max_user_namespaces)" = "$host" ]
}

@test "sysctl: a key no namespace owns is refused" {
	config_set '.linux.sysctl = {"kernel.pid_max": "4096"}'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"sysctl kernel.pid_max is not in a separate kernel namespace"* ]]
}

@test "sysctl: a key walking out of /proc/sys is refused" {
	config_set '.linux.sysctl = {"net...ipv4": "1"}'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'sysctl "net...ipv4": bad key'* ]]
}

@test "umask: 0022 by default, the spec's when set" {
	in_container 'umask'
	[ "$status" -eq 0 ]
	[ "$output" = 0022 ]
	config_set '.process.user.umask = 63'
	in_container 'umask'
	[ "$status" -eq 0 ]
	[ "$output" = 0077 ]
}

@test "cwd: made when missing, and the process starts there" {
	config_set '.process.cwd = "/work/deep/dir" | .process.user = {"uid": 1000, "gid": 1000}'
	in_container 'pwd; stat -c %u%a /work/deep/dir'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /work/deep/dir ]
	# made by root before the uid change, 0755 as runc
	[ "${lines[1]}" = 0755 ]
}

@test "exec: a name not in PATH fails with runc's words" {
	config_set '.process.args = ["foo"]'
	run_refused 'exec: "foo": executable file not found in $PATH'
}

@test "exec: args[0] is looked up in the process's PATH" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho from-opt-tools\n' > "$BUNDLE/rootfs/opt/tools/kura-tool"
	chmod 755 "$BUNDLE/rootfs/opt/tools/kura-tool"
	config_set '.process.args = ["kura-tool"] | .process.env = ["PATH=/nowhere:/opt/tools"]'
	run kura run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = from-opt-tools ]
}

@test "exec: a missing absolute path names it" {
	config_set '.process.args = ["/no/such/bin"]'
	run_refused 'exec: "/no/such/bin": stat /no/such/bin: no such file or directory'
}

@test "execCPUAffinity and oomScoreAdj are applied" {
	config_set '.process.execCPUAffinity = {"initial": "0", "final": "0"} | .process.oomScoreAdj = 123'
	in_container 'grep ^Cpus_allowed_list /proc/self/status; cat /proc/self/oom_score_adj'
	[ "$status" -eq 0 ]
	[ "$(status_line Cpus_allowed_list)" = 0 ]
	[ "${lines[1]}" = 123 ]
}

@test "apparmor profile on a host without AppArmor: a clear error" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && skip "AppArmor is enabled here"
	config_set '.process.apparmorProfile = "kura-test"'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"apparmor profile kura-test requested but AppArmor is not enabled on this host"* ]]
}

@test "personality, ioPriority and scheduler are applied" {
	config_set '.linux.personality = {"domain": "LINUX32"}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 3}
		| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	in_container 'uname -m; ionice -p $$; sed -n "s/^policy *: *//p" /proc/self/sched; cut -d" " -f19 /proc/self/stat'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = i686 ]
	[ "${lines[1]}" = "best-effort: prio 3" ]
	# SCHED_BATCH is 3; field 19 of stat is the nice value
	[ "${lines[2]}" = 3 ]
	[ "${lines[3]}" = 5 ]
}

@test "exec: a file without an x bit and a directory fail at create" {
	config_set '.process.args = ["/etc/passwd"]'
	run kura create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'exec: "/etc/passwd": permission denied'* ]]
	[ ! -d "$ROOT/$ID" ]
	config_set '.process.args = ["/bin"]'
	run kura create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'exec: "/bin": is a directory'* ]]
}

@test "exec: the exec'd process gets its own user, capabilities, rlimits and cwd" {
	kura run -d --bundle "$BUNDLE" "$ID"
	cat > "$TMP/process.json" <<'JSON'
{
	"args": ["sh", "-c", "id -u; id -g; ulimit -n; pwd; grep -E '^(CapBnd|CapEff|CapInh|NoNewPrivs):' /proc/self/status"],
	"env": ["PATH=/bin"],
	"cwd": "/tmp",
	"user": {"uid": 1000, "gid": 1002},
	"capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
			 "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]},
	"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 99, "hard": 99}],
	"noNewPrivileges": true
}
JSON
	run kura exec --process "$TMP/process.json" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1002 ]
	[ "${lines[2]}" = 99 ]
	[ "${lines[3]}" = /tmp ]
	[ "$(status_line CapBnd)" = 0000000000000020 ]
	[ "$(status_line CapEff)" = 0000000000000020 ]
	[ "$(status_line CapInh)" = 0000000000000020 ]
	[ "$(status_line NoNewPrivs)" = 1 ]
	kura delete --force "$ID"
}

@test "selinux label on a host without SELinux: a clear error" {
	[ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
	config_set '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"selinux label system_u:system_r:container_t:s0 requested but SELinux is not enabled on this host"* ]]
}

# crun's CVE-2026-30892: --user and --additional-gids are strict decimal ids,
# 0..4294967294 ((uid_t)-1 means "no change" to setresuid, never an id)
@test "exec -u: UID[:GID] is strict decimal; bad ones fail before anything runs" {
	kura run -d --bundle "$BUNDLE" "$ID"
	before=$(kura ps --format json "$ID")
	run kura exec -u 1000:1000 "$ID" id
	[ "$status" -eq 0 ]
	[[ "$output" == *"uid=1000 gid=1000"* ]]
	run kura exec -u 1000 "$ID" id -u
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	run kura exec -u " 1000" "$ID" id
	[ "$status" -eq 1 ]
	[[ "$output" == *'--user: must be UID[:GID] (decimal, 0..4294967294), not " 1000"'* ]]
	for u in +1000 -1 1000: :1000 1000:1000:1 0x10 1e3 4294967296 18446744073709551616 "1000 "; do
		run kura exec -u "$u" "$ID" id
		[ "$status" -eq 1 ]
		[[ "$output" == *"--user: must be UID[:GID] (decimal, 0..4294967294), not \"$u\""* ]]
	done
	run kura exec -u 4294967295 "$ID" id
	[ "$status" -eq 1 ]
	[[ "$output" == *'not "4294967295" (4294967295 is (uid_t)-1: "no change" to setresuid/setresgid, never an id)'* ]]
	run kura exec -u 0:4294967295 "$ID" id
	[ "$status" -eq 1 ]
	[[ "$output" == *'(uid_t)-1'* ]]
	run kura exec --additional-gids " 5" "$ID" id
	[ "$status" -eq 1 ]
	[[ "$output" == *'--additional-gids: must be a GID (decimal, 0..4294967294), not " 5"'* ]]
	run kura exec -g 4294967295 "$ID" id
	[ "$status" -eq 1 ]
	run kura exec -u 1000 -g 5 -g 4294967294 "$ID" id -G
	[ "$status" -eq 0 ]
	[[ "$output" == *5*4294967294* ]]
	# nothing was left running in the container by the refused ones
	[ "$(kura ps --format json "$ID")" = "$before" ]
	kura delete --force "$ID"
}

@test "exec -p: out-of-range user ids fail naming the JSON field" {
	kura run -d --bundle "$BUNDLE" "$ID"
	before=$(kura ps --format json "$ID")
	for bad in '"uid": -1, "gid": 0|.user.uid: must be between 0 and 4294967294, not -1' \
		   '"uid": 4294967295, "gid": 0|.user.uid: must be between 0 and 4294967294, not 4294967295' \
		   '"uid": 0, "gid": 1.5|.user.gid: must be an integer, not 1.5' \
		   '"uid": 0, "gid": 0, "additionalGids": [1, 4294967296]|.user.additionalGids[1]: must be between 0 and 4294967294, not 4294967296'; do
		printf '{"args": ["id"], "cwd": "/", "user": {%s}}\n' "${bad%%|*}" > "$TMP/process.json"
		run kura exec -p "$TMP/process.json" "$ID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"$TMP/process.json: ${bad#*|}"* ]]
	done
	[ "$(kura ps --format json "$ID")" = "$before" ]
	printf '{"args": ["id", "-u"], "cwd": "/", "user": {"uid": 4294967294, "gid": 0}}\n' > "$TMP/process.json"
	run kura exec -p "$TMP/process.json" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 4294967294 ]
	kura delete --force "$ID"
}

@test "kill: signals are strict (9, KILL, SIGKILL; never \" 9\", +9, 0x9, 99999)" {
	kura run -d --bundle "$BUNDLE" "$ID"
	for s in " 9" "+9" "0x9" "99999" "9 " "" "RTMIN 3" "SIGRTMIN+9223372036854775807"; do
		run kura kill "$ID" "$s"
		[ "$status" -eq 1 ]
		[[ "$output" == *"invalid signal \"$s\""* ]]
	done
	[ "$(status_of)" = running ]
	run kura kill "$ID" SIGKILL
	[ "$status" -eq 0 ]
	for _ in $(seq 20); do [ "$(status_of)" = stopped ] && break; sleep 0.1; done
	[ "$(status_of)" = stopped ]
	kura delete "$ID"
}

# docker's exec -u 1000 keeps its default capabilities, CAP_DAC_OVERRIDE among
# them, and its image roots can be mode 0700: execve succeeds there, so the
# init half's executable check must too (it once asked with the real uid only).
@test "exec: uid 1000 with CAP_DAC_OVERRIDE runs a program under a mode-0700 root" {
	chmod 0700 "$BUNDLE/rootfs"
	config_set '.process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["id", "-u"]
		| .process.capabilities = {"bounding": ["CAP_DAC_OVERRIDE", "CAP_KILL"],
			"effective": ["CAP_DAC_OVERRIDE", "CAP_KILL"], "permitted": ["CAP_DAC_OVERRIDE", "CAP_KILL"]}'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	config_set '.process.user = {"uid": 0, "gid": 0} | .process.args = ["sleep", "1000"]'
	kura run -d --bundle "$BUNDLE" "$ID"
	run kura exec -u 1000 "$ID" id -u
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
	# without the capability execve would refuse: so does create's check
	echo '{"args": ["/bin/id", "-u"], "cwd": "/", "user": {"uid": 1000, "gid": 1000},
		"capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}}' \
		> "$TMP/process.json"
	run kura exec --process "$TMP/process.json" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'permission denied'* ]]
}

# containerd and docker exec through --process, with the config's rlimits:
# RLIM_INFINITY is 2^64-1, past what jansson takes; it must reach the process
@test "exec -p: a process.json with a 2^64-1 rlimit runs, the limit exact" {
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	cat > "$TMP/process.json" <<-'EOS'
	{"args": ["sh", "-c", "ulimit -H -c"], "cwd": "/", "user": {"uid": 0, "gid": 0},
	 "env": ["PATH=/bin"],
	 "rlimits": [{"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 9007199254740993}]}
	EOS
	run kura exec -p "$TMP/process.json" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = unlimited ]
	sed 's/-H -c/-S -c/' "$TMP/process.json" > "$TMP/soft.json"
	run kura exec -p "$TMP/soft.json" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	# busybox prints the soft core limit in 512-byte blocks: 9007199254740993 / 512
	[ "$output" = 17592186044416 ]
}

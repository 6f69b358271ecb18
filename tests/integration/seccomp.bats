#!/usr/bin/env bats
# .linux.seccomp as the container's process meets it.

load helpers

setup() {
	setup_bundle
}

teardown() {
	if [ -n "${AGENT_PID:-}" ]; then
		kill "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
	teardown_bundle
}

# mkdir and mkdirat answer ENOSYS (38); everything else allowed
block_mkdir() {
	config_set '.linux.seccomp = {
		"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": ["no_such_syscall_kura", "mkdir", "mkdirat"],
			      "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
}

@test "seccomp: filter mode, and a blocked syscall fails with its errnoRet" {
	block_mkdir
	in_container 'grep ^Seccomp: /proc/self/status; mkdir /tmp/blocked; echo rc=$?; ls -d /tmp/blocked'
	[ "$(status_line Seccomp)" = 2 ]
	[[ "$output" == *"Function not implemented"* ]]
	[[ "$output" == *rc=1* ]]
	[[ "$output" == *"No such file or directory"* ]]
}

@test "seccomp: without noNewPrivileges, loaded with privilege before the uid change" {
	block_mkdir
	config_set '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	in_container 'grep -E "^(Seccomp|NoNewPrivs|Uid):" /proc/self/status; mkdir /tmp/x'
	[ "$(status_line Seccomp)" = 2 ]
	[ "$(status_line NoNewPrivs)" = 0 ]
	[ "$(status_line Uid)" = "1000	1000	1000	1000" ]
	[[ "$output" == *"Function not implemented"* ]]
}

@test "seccomp: args conditions select by value" {
	config_set '.linux.seccomp = {
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [
			{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
			 "args": [{"index": 1, "value": 448, "op": "SCMP_CMP_EQ"}]},
			{"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
			 "args": [{"index": 2, "value": 448, "op": "SCMP_CMP_EQ"}]}]}'
	in_container 'touch /dev/shm/f; chmod 755 /dev/shm/f && echo 755-ok; chmod 700 /dev/shm/f || echo 700-refused; stat -c %a /dev/shm/f'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 755-ok ]
	[[ "$output" == *"Function not implemented"* ]]
	[[ "$output" == *700-refused* ]]
	[ "${lines[${#lines[@]}-1]}" = 755 ]
}

@test "seccomp: errnoRet defaults to EPERM" {
	config_set '.linux.seccomp = {
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	in_container 'mkdir /tmp/x'
	[ "$status" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: podman's default profile runs a container" {
	[ -f /usr/share/containers/seccomp.json ] || skip "no /usr/share/containers/seccomp.json"
	# what podman hands a runtime (tests/data/podman-seccomp.jq)
	jq -f "$REPO/tests/data/podman-seccomp.jq" /usr/share/containers/seccomp.json \
		> "$TMP/profile.json"
	config_set --slurpfile p "$TMP/profile.json" '.linux.seccomp = $p[0]'
	in_container 'grep ^Seccomp: /proc/self/status; echo hello > /dev/shm/f; cat /dev/shm/f; swapoff /nonexistent'
	[ "$(status_line Seccomp)" = 2 ]
	[[ "$output" == *hello* ]]
	# swapoff is listed with errnoRet 1: EPERM before the kernel looks at the path
	[[ "$output" == *"swapoff: /nonexistent: Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY on write is refused with a clear error" {
	config_set '.linux.seccomp = {
		"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": "/run/kura-no-agent.sock",
		"syscalls": [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]}'
	in_container 'echo should-not-run'
	[ "$status" -eq 1 ]
	[[ "$output" == *'SCMP_ACT_NOTIFY cannot be used for "write"'* ]]
	[[ "$output" != *should-not-run* ]]
}

@test "seccomp: an unknown flag fails naming the field" {
	config_set '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_NOPE"]}'
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *".linux.seccomp.flags[1]"* ]]
}

@test "seccomp: SECCOMP_FILTER_FLAG_TSYNC and _LOG load" {
	config_set '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	in_container 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x'
	[ "$(status_line Seccomp)" = 2 ]
	[[ "$output" == *"Function not implemented"* ]]
}

# A seccomp agent (the OCI listenerPath protocol) in python: it records the
# state kura sends and answers every notified syscall with ENOSPC.
start_agent() {
	cat > "$TMP/agent.py" <<'PY'
import fcntl, json, os, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
with open(out, "w") as f:
    f.write(msg.decode())
notify_fd = fds[0]
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101
ENOSPC = 28
while True:
    req = bytearray(80)
    try:
        fcntl.ioctl(notify_fd, NOTIF_RECV, req)
    except OSError:
        break  # the filter's last user is gone
    notif_id, pid, flags, nr = struct.unpack_from("=QIIi", req)
    with open(out + ".calls", "a") as f:
        f.write("%d\n" % nr)
    try:
        fcntl.ioctl(notify_fd, NOTIF_SEND, struct.pack("=QqiI", notif_id, 0, -ENOSPC, 0))
    except OSError:
        pass
PY
	python3 "$TMP/agent.py" "$TMP/agent.sock" "$TMP/agent.out" &
	AGENT_PID=$!
	for _ in $(seq 50); do [ -e "$TMP/agent.out.ready" ] && break; sleep 0.1; done
	[ -e "$TMP/agent.out.ready" ]
}

@test "seccomp: SCMP_ACT_NOTIFY hands the listener to listenerPath" {
	command -v python3 >/dev/null || skip "no python3"
	start_agent
	config_set --arg sock "$TMP/agent.sock" '.linux.seccomp = {
		"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $sock,
		"listenerMetadata": "kura-meta",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	in_container 'mkdir /dev/shm/x; echo rc=$?'
	kill "$AGENT_PID" 2>/dev/null || true
	wait "$AGENT_PID" 2>/dev/null || true
	[ "$status" -eq 0 ]
	# the agent's answer, not the kernel's
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *rc=1* ]]
	[ "$(jq -r .metadata "$TMP/agent.out")" = kura-meta ]
	[ "$(jq -r '.fds[0]' "$TMP/agent.out")" = seccompFd ]
	[ "$(jq -r .state.id "$TMP/agent.out")" = "$ID" ]
	# mkdir is 83 on x86_64
	grep -qx 83 "$TMP/agent.out.calls"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills with SIGSYS" {
	config_set '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}
		| .process.args = ["mkdir", "/dev/shm/x"]'
	run kura run --bundle "$BUNDLE" "$ID"
	# 128 + SIGSYS (31)
	[ "$status" -eq 159 ]
}

# The OCI validation suite's profile: an allow-list that predates faccessat2,
# errno by default, and no noNewPrivileges, so it is loaded early, before the
# init half's own checks of the executable and the cwd.
@test "seccomp: an allow-list older than faccessat2, loaded without no_new_privs, runs" {
	config_set '.process.noNewPrivileges = false
		| .process.args = ["sh", "-c", "echo started in $(pwd)"]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": "SCMP_ACT_ALLOW",
		  "names": ["read", "write", "open", "openat", "close", "stat", "fstat", "lstat", "newfstatat",
		  "execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "set_tid_address", "exit_group",
		  "exit", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "getpid", "getppid", "getuid",
		  "geteuid", "getgid", "getegid", "ioctl", "fcntl", "dup2", "dup3", "wait4", "clone", "fork",
		  "vfork", "getcwd", "chdir", "uname", "prlimit64", "set_robust_list", "rseq", "sigaltstack",
		  "poll", "pipe", "pipe2", "access", "lseek", "getdents64", "readlink", "sendmsg", "recvmsg",
		  "recvfrom", "sendto", "futex", "madvise", "getrandom", "capget", "capset", "setgroups",
		  "setresuid", "setresgid", "prctl", "umask", "faccessat", "gettid", "statx", "nanosleep",
		  "clock_nanosleep", "sched_getaffinity", "getpgrp", "setpgid", "tgkill", "kill"]}]}'
	run kura run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "started in /" ]
}

@test "seccomp: a profile refusing getcwd does not fail the cwd check" {
	config_set '.process.args = ["echo", "ran"]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		  "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}'
	for nnp in true false; do
		config_set --argjson n $nnp '.process.noNewPrivileges = $n'
		run kura run --bundle "$BUNDLE" "$ID-$nnp"
		echo "nnp=$nnp: $output"
		[ "$status" -eq 0 ]
		[ "$output" = ran ]
	done
}

# kura compiles a profile once: the program is kept under the state root,
# keyed by the whole profile (and kura's, libseccomp's and the kernel's
# versions), and a file that does not match its key exactly is not used
@test "seccomp: the compiled filter is cached per profile; a wrong cache file is never loaded" {
	block_mkdir
	in_container 'mkdir /tmp/a; echo rc=$?'
	[[ "$output" == *"Function not implemented"* ]]
	cache=$(ls "$ROOT"/@seccomp/*.bpf)
	[ "$(echo "$cache" | wc -l)" -eq 1 ]
	[ "$(stat -c %a "$cache")" = 600 ]
	[ "$(stat -c %a "$ROOT/@seccomp")" = 700 ]
	# the second run loads the cached program: same behaviour, and the file is
	# the same one (a recompile would rename a new file into place)
	ino=$(stat -c %i "$cache")
	in_container 'mkdir /tmp/a; echo rc=$?'
	[[ "$output" == *"Function not implemented"* ]]
	[ "$(stat -c %i "$cache")" = "$ino" ]
	# another profile gets its own entry; the state root lists no container
	config_set '.linux.seccomp.syscalls[0].errnoRet = 1'
	in_container 'mkdir /tmp/a; echo rc=$?'
	[[ "$output" == *"Operation not permitted"* ]]
	[ "$(ls "$ROOT"/@seccomp/*.bpf | wc -l)" -eq 2 ]
	[ -z "$(kura list -q)" ]
	# a cache file replaced by the program of another profile (same name, other key)
	other=$(ls "$ROOT"/@seccomp/*.bpf | grep -v "$cache")
	cp "$other" "$cache"
	block_mkdir
	in_container 'mkdir /tmp/a; echo rc=$?'
	[[ "$output" == *"Function not implemented"* ]]
	# and garbage is recompiled over
	head -c 4096 /dev/urandom > "$cache"
	in_container 'mkdir /tmp/a; echo rc=$?'
	[[ "$output" == *"Function not implemented"* ]]
	head -c 15 "$cache" | grep -q KURA-SECCOMP-1
}

@test "seccomp: the filter cache keeps at most 64 programs, the least recently used goes" {
	mkdir -p "$ROOT/@seccomp"
	chmod 700 "$ROOT/@seccomp"
	for i in $(seq 64); do
		printf junk > "$ROOT/@seccomp/old$i.bpf"
		touch -d "@$((1000000 + i))" "$ROOT/@seccomp/old$i.bpf"
	done
	block_mkdir
	in_container 'mkdir /tmp/a; echo rc=$?'
	[[ "$output" == *"Function not implemented"* ]]
	[ "$(ls "$ROOT/@seccomp" | wc -l)" -eq 64 ]
	[ ! -e "$ROOT/@seccomp/old1.bpf" ]
	[ -e "$ROOT/@seccomp/old2.bpf" ]
}

@test "seccomp: a process exec'd into the container gets the container's filter" {
	block_mkdir
	config_set '.process.args = ["sleep", "1000"]'
	kura run -d --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	run kura exec "$ID" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x; echo rc=$?'
	[ "$(status_line Seccomp)" = 2 ]
	[[ "$output" == *"Function not implemented"* ]]
	[[ "$output" == *rc=1* ]]
}

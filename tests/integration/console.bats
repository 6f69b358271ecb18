#!/usr/bin/env bats
# Terminals on real containers: --console-socket (runc's protocol), sizes, refusals.

setup() {
	: "${KURA:?KURA must be the absolute path of build/kura}"
	here=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	recvtty=${RECVTTY:-$(dirname "$KURA")/tests/recvtty}
	[ -x "$recvtty" ] || recvtty=$here/build/tests/recvtty
	tmp=$(mktemp -d /tmp/kura-console.XXXXXX)
	root=$tmp/state
	bundle=$tmp/bundle
	sock=$tmp/tty.sock
	id=kura-console-$$-$BATS_TEST_NUMBER
	mkdir -p "$root"
	KURA=$KURA "$here/scripts/mkbundle.sh" "$bundle" /bin/true >/dev/null
	bundle_edit '.process.terminal = true
		| .process.args = ["sh", "-c", "tty; stty size; test -t 0 && test -t 1 && test -t 2 && echo all-ttys; echo from-the-pty"]'
	recvtty_pid=
}

teardown() {
	"$KURA" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	[ -z "$recvtty_pid" ] || kill "$recvtty_pid" 2>/dev/null || true
	rm -rf "$tmp"
}

bundle_edit() {
	jq "$@" "$bundle/config.json" >"$bundle/config.json.new"
	mv "$bundle/config.json.new" "$bundle/config.json"
}

kura() {
	"$KURA" --root "$root" "$@"
}

# recvtty in the background, its output in $tmp/tty.out; returns once it listens.
recvtty_start() { # [MODE]
	"$recvtty" --mode "${1:-single}" "$sock" </dev/null >"$tmp/tty.out" 2>"$tmp/tty.err" &
	recvtty_pid=$!
	local i
	for i in $(seq 100); do
		[ -S "$sock" ] && return 0
		sleep 0.02
	done
	echo "recvtty never listened" >&2
	return 1
}

# Wait for recvtty to see the pty hang up, i.e. every slave in the container closed.
recvtty_wait() {
	local i
	for i in $(seq 200); do
		kill -0 "$recvtty_pid" 2>/dev/null || break
		sleep 0.05
	done
	wait "$recvtty_pid"
	recvtty_pid=
	# A pty turns "\n" into "\r\n".
	tr -d '\r' <"$tmp/tty.out" >"$tmp/tty.txt"
	cat "$tmp/tty.txt"
}

@test "run -d --console-socket: the container's stdio is a pty sized from consoleSize" {
	bundle_edit '.process.consoleSize = {height: 33, width: 121}'
	recvtty_start
	kura run -d --console-socket "$sock" --bundle "$bundle" "$id" </dev/null >"$tmp/run.out" 2>&1 ||
		{ cat "$tmp/run.out"; false; }
	run recvtty_wait
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /dev/pts/0 ]
	[ "${lines[1]}" = "33 121" ]
	[ "${lines[2]}" = all-ttys ]
	[ "${lines[3]}" = from-the-pty ]
	# Nothing of the container's output went around the pty.
	[ ! -s "$tmp/run.out" ]
}

@test "create --console-socket, then start: output arrives through the pty" {
	recvtty_start
	kura create --console-socket "$sock" --bundle "$bundle" "$id" </dev/null >"$tmp/create.out" 2>&1 ||
		{ cat "$tmp/create.out"; false; }
	[ "$(kura state "$id" | jq -r .status)" = created ]
	kura start "$id"
	run recvtty_wait
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /dev/pts/0 ]
	[ "${lines[2]}" = all-ttys ]
	[ "${lines[3]}" = from-the-pty ]
}

@test "the pty carries input to the container" {
	bundle_edit '.process.args = ["sh", "-c", "read -r line; echo \"got:$line\""]'
	"$recvtty" "$sock" <<<"hello-in" >"$tmp/tty.out" 2>"$tmp/tty.err" &
	recvtty_pid=$!
	for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
	kura run -d --console-socket "$sock" --bundle "$bundle" "$id" </dev/null >"$tmp/run.out" 2>&1 ||
		{ cat "$tmp/run.out"; false; }
	run recvtty_wait
	[[ "$output" == *"got:hello-in"* ]]
}

@test "/dev/console is the container's pty" {
	bundle_edit '.process.args = ["sh", "-c", "echo via-console > /dev/console; stat -c %t:%T /dev/console; stat -L -c %t:%T $(tty)"]'
	recvtty_start
	kura run -d --console-socket "$sock" --bundle "$bundle" "$id" </dev/null >"$tmp/run.out" 2>&1 ||
		{ cat "$tmp/run.out"; false; }
	run recvtty_wait
	[ "${lines[0]}" = via-console ]
	# Same device numbers: /dev/console is bound onto the slave.
	[ "${lines[1]}" = "${lines[2]}" ]
}

@test "terminal without --console-socket is refused when detached" {
	run kura run -d --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot allocate tty if kura will detach without setting console socket"* ]]
	[ ! -e "$root/$id" ]
	run kura create --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot allocate tty if kura will detach without setting console socket"* ]]
	[ ! -e "$root/$id" ]
}

@test "--console-socket without terminal is refused" {
	bundle_edit '.process.terminal = false'
	recvtty_start null
	run kura run -d --console-socket "$sock" --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"console socket"* ]]
	[ ! -e "$root/$id" ]
}

@test "a console socket nobody listens on fails create, naming the path" {
	run kura create --console-socket "$tmp/nobody.sock" --bundle "$bundle" "$id"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$tmp/nobody.sock"* ]]
	[ ! -e "$root/$id" ]
}

@test "foreground run with a terminal and no console socket proxies our terminal" {
	bundle_edit '.process.args = ["sh", "-c", "test -t 0 && echo in-a-tty; echo done"]'
	# script(1) gives kura a terminal of its own, as an interactive user has.
	run script -qec "$KURA --root $root run --bundle $bundle $id" /dev/null </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *in-a-tty* ]]
	[[ "$output" == *done* ]]
}

@test "foreground run with a terminal follows our window size (SIGWINCH)" {
	bundle_edit '.process.args = ["sh", "-c", "stty size; read -r x; stty size"]'
	# A pty of our own whose size we change while the container waits on stdin.
	run python3 - "$KURA" "$root" "$bundle" "$id" <<'EOF'
import fcntl, os, pty, struct, sys, termios, time
kura, root, bundle, cid = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 20, 70, 0, 0))
    os.execv(kura, [kura, "--root", root, "run", "--bundle", bundle, cid])
out = b""
def drain(until):
    global out
    end = time.time() + 10
    while until not in out and time.time() < end:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
drain(b"20 70")
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
time.sleep(0.3)
os.write(fd, b"go\r")
drain(b"40 100")
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
EOF
	echo "$output"
	[[ "$output" == *"20 70"* ]]
	[[ "$output" == *"40 100"* ]]
}

@test "foreground run with a terminal, output captured: lines arrive as written" {
	bundle_edit '.process.args = ["sh", "-c", "test -t 1 && echo line-one; echo line-two"]'
	run kura run --bundle "$bundle" "$id" </dev/null
	[ "$status" -eq 0 ]
	# runc clears ONLCR for a captured run: no "\r" from the pty.
	[ "$output" = "$(printf 'line-one\nline-two')" ]
}

@test "exec -d --tty --console-socket gives the new process its own pty" {
	bundle_edit '.process.terminal = false | .process.args = ["sleep", "1000"]'
	kura run -d --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1
	recvtty_start
	kura exec -d --tty --console-socket "$sock" "$id" sh -c 'tty; test -t 0 && echo exec-tty' \
		</dev/null >"$tmp/exec.out" 2>&1 || { cat "$tmp/exec.out"; false; }
	run recvtty_wait
	[[ "${lines[0]}" == /dev/pts/* ]]
	[ "${lines[1]}" = exec-tty ]
}

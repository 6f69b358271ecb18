#!/bin/sh
# Run a command on a host where "systemd" is running: in a private mount
# namespace (nothing of this shows on the host) /run/systemd/system is a
# directory, a private dbus-daemon is the system bus (DBUS_SYSTEM_BUS_ADDRESS
# is exported) and mock_systemd.py owns org.freedesktop.systemd1 on it.
# Afterwards the mock and the daemon are stopped (by PID) and the temp files
# removed; the exit status is the command's.
#
# usage: with-mock-systemd.sh [--v2] COMMAND [ARG...]
#   --v2   bind the unified hierarchy over /sys/fs/cgroup first (pure cgroup v2,
#          as tests/integration/cgroups.bats v2() does)
# The mock's settings come from the environment: KURA_MOCK_LOG (its JSON call
# log), KURA_MOCK_FAIL, KURA_MOCK_MANAGED, KURA_MOCK_STOP_TIMEOUT (see
# mock_systemd.py).  Needs root, unshare, dbus-daemon, dbus-send and Debian's
# python3-dbusmock (run with /usr/bin/python3).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != --in-namespace ]; then
	case "${1:-}" in --v2) [ $# -ge 2 ] ;; *) [ $# -ge 1 ] ;; esac || {
		echo "usage: with-mock-systemd.sh [--v2] COMMAND [ARG...]" >&2
		exit 2
	}
	exec unshare -m --propagation private "$here/with-mock-systemd.sh" --in-namespace "$@"
fi
shift

# ---- from here on in our own mount namespace ----
if [ "$1" = --v2 ]; then
	shift
	mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup
fi

tmp=$(mktemp -d /tmp/kura-mock-systemd.XXXXXX)
mock_pid=
dbus_pid=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	if [ -n "$mock_pid" ]; then
		# SIGTERM: the mock removes the slice directories it made, then exits
		kill "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	if [ -n "$dbus_pid" ]; then
		kill "$dbus_pid" 2>/dev/null || true
		wait "$dbus_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# /run/systemd/system, without touching the host's /run
if [ -d /run/systemd ]; then
	# a tmpfs over /run/systemd (only this namespace sees it)
	mount -t tmpfs -o mode=0755 kura-mock-systemd /run/systemd
else
	# no /run/systemd to mount on: an overlay over /run, its changes in $tmp
	mkdir "$tmp/upper" "$tmp/work"
	mount -t overlay -o "lowerdir=/run,upperdir=$tmp/upper,workdir=$tmp/work" \
		kura-mock-systemd /run
fi
mkdir -p /run/systemd/system

# the system bus: root may do anything on it
cat > "$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
# --nofork, as our child: reaped by the wait in cleanup, not left to PID 1
dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=3 \
	</dev/null >/dev/null 2>"$tmp/dbus.out" 3>"$tmp/address" &
dbus_pid=$!
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/system_bus_socket
export DBUS_SYSTEM_BUS_ADDRESS
i=0
until [ -s "$tmp/address" ]; do
	i=$((i + 1))
	if ! kill -0 "$dbus_pid" 2>/dev/null || [ $i -ge 500 ]; then
		echo "with-mock-systemd: dbus-daemon did not start:" >&2
		cat "$tmp/dbus.out" >&2
		exit 1
	fi
	sleep 0.01
done

/usr/bin/python3 -m dbusmock --system --template "$here/mock_systemd.py" \
	</dev/null >"$tmp/mock.out" 2>&1 &
mock_pid=$!

# ready when the name is owned and the template answers
i=0
until dbus-send --system --print-reply --dest=org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.DBus.Properties.Get string:org.freedesktop.systemd1.Manager \
	string:Version >/dev/null 2>&1; do
	i=$((i + 1))
	if ! kill -0 "$mock_pid" 2>/dev/null || [ $i -ge 1000 ]; then
		echo "with-mock-systemd: the mock did not come up:" >&2
		cat "$tmp/mock.out" >&2
		exit 1
	fi
	sleep 0.01
done

set +e
"$@"
rc=$?
set -e
exit $rc

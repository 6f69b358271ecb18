#!/bin/sh
# Install what kura needs to build, test, fuzz and demo, and with `bench` what
# make bench needs too (Debian 12, as root).
# Idempotent: does nothing when every package is present.
set -eu
PKGS="make gcc musl-tools libjansson-dev libcap-ng-dev libseccomp-dev libcmocka-dev libsystemd-dev
bats busybox-static clang libclang-rt-14-dev jq hyperfine runc crun file git
iproute2 procps util-linux time dbus-daemon dbus-bin python3-dbusmock python3-dbus python3-gi"
# `install-deps.sh bench`: also podman's default seccomp profile
# (/usr/share/containers/seccomp.json), which make bench runs every runtime with
[ "${1:-}" = bench ] && PKGS="$PKGS golang-github-containers-common"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing (run as root to install)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

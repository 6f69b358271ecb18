#!/bin/sh
# Install the container engines the tests/engines suites drive (podman, containerd,
# docker.io) from Debian's archive. Idempotent: packages already present are skipped.
# Daemons are not started: a policy-rc.d refusing service starts is in place for the
# duration of the install (the suites run their own private daemons).
# usage: engines-setup.sh [podman|containerd|docker ...]   (default: all three)
set -eu
[ "$(id -u)" -eq 0 ] || { echo "engines-setup: must run as root" >&2; exit 1; }
[ $# -gt 0 ] || set -- podman containerd docker
pkgs=
for engine in "$@"; do
	case $engine in
	podman) want="podman conmon containernetworking-plugins catatonit" ;;
	containerd) want="containerd" ;;
	docker) want="docker.io containerd" ;;
	*) echo "engines-setup: unknown engine \"$engine\"" >&2; exit 1 ;;
	esac
	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || pkgs="$pkgs $p"
	done
done
[ -n "$pkgs" ] || exit 0
policy=/usr/sbin/policy-rc.d
saved=
if [ -e "$policy" ]; then
	saved=$(mktemp /tmp/policy-rc.d.XXXXXX)
	cp -p "$policy" "$saved"
fi
restore() {
	if [ -n "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi
}
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 755 "$policy"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends $pkgs >/tmp/engines-setup.log 2>&1 || {
	apt-get update >>/tmp/engines-setup.log 2>&1
	apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends $pkgs >>/tmp/engines-setup.log 2>&1
} || { echo "engines-setup: apt-get install$pkgs failed (see /tmp/engines-setup.log)" >&2; exit 1; }

#!/bin/sh
# Make kura's Debian package with dpkg-deb from binaries built for PREFIX=/usr
# (`make deb` builds them): kura, kura-shim, kura-systemd, the man page and
# the bash completion, laid out as `make install` lays them out.
# usage: mkdeb.sh BUILD-DIR VERSION OUT-DIR      prints the .deb's path
set -eu
build=${1:?usage: mkdeb.sh BUILD-DIR VERSION OUT-DIR}
version=${2:?usage: mkdeb.sh BUILD-DIR VERSION OUT-DIR}
out=${3:?usage: mkdeb.sh BUILD-DIR VERSION OUT-DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d /tmp/kura-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

make -C "$here" --no-print-directory -s B="$build" PREFIX=/usr DESTDIR="$stage" install >/dev/null
# Debian policy: man pages compressed, a copyright file per package
gzip -9n "$stage/usr/share/man/man8/kura.8"
install -D -m 0644 "$here/LICENSE" "$stage/usr/share/doc/kura/copyright"
mkdir -p "$stage/DEBIAN"
# kura and kura-shim are static; kura-systemd links libc and libsystemd
cat > "$stage/DEBIAN/control" <<CONTROL
Package: kura
Version: $version
Architecture: $arch
Maintainer: kura developers <kura@localhost>
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Depends: libc6, libsystemd0
Section: admin
Priority: optional
Description: OCI container runtime, a drop-in for runc
 kura runs the container an OCI bundle describes, with runc's command line,
 state JSON, exit codes and log format, for podman, containerd, docker and
 CRI-O.  A small static kura-shim does the namespace work; kura-systemd is
 the D-Bus helper of --systemd-cgroup.
CONTROL
deb="$out/kura_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"

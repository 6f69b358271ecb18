#!/usr/bin/env bats
# .mounts on real containers: what the container sees in /proc/self/mountinfo
# and what it can do there, and that nothing is left mounted on the host.

load helpers

setup() {
	setup_bundle
	config_set '.root.readonly = false'
	SRC=$TMP/src
	mkdir -p "$SRC"
}

teardown() {
	# a submount some tests put under $SRC
	mountpoint -q "$SRC/sub" 2>/dev/null && umount "$SRC/sub"
	teardown_bundle
	# nothing of this test may remain mounted on the host
	no_mount_left
}

# add_mount JSON: append one mount to .mounts
add_mount() {
	config_set --argjson m "$1" '.mounts += [$m]'
}

@test "mounts: the default mounts carry runc's flags" {
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mi_line /proc)" == *" - proc "* ]]
	[[ "$(mi_line /dev)" == *" /dev rw,nosuid - tmpfs "*"mode=755"* ]]
	[[ "$(mi_line /dev/pts)" == *" rw,nosuid,noexec,"*" - devpts "*"ptmxmode=666"* ]]
	[[ "$(mi_line /dev/shm)" == *" rw,nosuid,nodev,noexec,"*" - tmpfs "* ]]
	[[ "$(mi_line /dev/mqueue)" == *" - mqueue "* ]]
	[[ "$(mi_line /sys)" == *" ro,nosuid,nodev,noexec,"* ]]
	[[ "$(mi_line /sys/fs/cgroup)" == *" ro,nosuid,nodev,noexec,"* ]]
}

@test "mounts: a ro bind mount is read-only, the host file untouched" {
	echo original > "$SRC/file"
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\", \"ro\"]}"
	in_container 'cat /data/file; echo changed > /data/file || echo write-failed; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = original ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *write-failed* ]]
	[[ "$(mi_line /data)" == *" ro,"* ]]
	[ "$(cat "$SRC/file")" = original ]
}

@test "mounts: a rw bind mount writes through to the host" {
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"rbind\", \"rw\"]}"
	in_container 'echo from-container > /data/new'
	[ "$status" -eq 0 ]
	[ "$(cat "$SRC/new")" = from-container ]
}

@test "mounts: nosuid, nodev, noexec are enforced" {
	cp /bin/busybox "$SRC/busybox"
	mknod "$SRC/null" c 1 3
	add_mount "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\", \"nosuid\", \"nodev\", \"noexec\"]}"
	in_container '/data/busybox true && echo exec-ok; cat /data/null && echo dev-ok; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" != *exec-ok* ]]
	[[ "$output" != *dev-ok* ]]
	[[ "$(mi_line /data)" == *" rw,nosuid,nodev,noexec,"* ]]
}

@test "mounts: rro reaches submounts, ro only the top, bind leaves submounts out" {
	mkdir -p "$SRC/sub"
	mount -t tmpfs tmpfs "$SRC/sub"
	add_mount "{\"destination\": \"/rec\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"rbind\", \"rro\"]}"
	add_mount "{\"destination\": \"/top\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"rbind\", \"ro\"]}"
	add_mount "{\"destination\": \"/flat\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\"]}"
	in_container 'touch /rec/sub/x || echo rec-sub-ro; touch /top/sub/y && echo top-sub-rw; touch /top/z || echo top-ro; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *rec-sub-ro* ]]
	[[ "$output" == *top-sub-rw* ]]
	[[ "$output" == *top-ro* ]]
	[[ "$(mi_line /rec)" == *" ro,"* ]]
	[[ "$(mi_line /rec/sub)" == *" ro,"* ]]
	[[ "$(mi_line /top/sub)" == *" rw,"* ]]
	# a non-recursive bind does not bring the submount along
	[ -z "$(mi_line /flat/sub)" ]
}

@test "mounts: tmpcopyup keeps the image's files, the image is not written" {
	mkdir -p "$BUNDLE/rootfs/etc/app/conf.d"
	echo keep-me > "$BUNDLE/rootfs/etc/app/conf.d/a.conf"
	ln -s conf.d/a.conf "$BUNDLE/rootfs/etc/app/link"
	chmod 0750 "$BUNDLE/rootfs/etc/app/conf.d"
	add_mount '{"destination": "/etc/app", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]}'
	in_container 'cat /etc/app/link; stat -c %a /etc/app/conf.d; echo new > /etc/app/new; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = keep-me ]
	[ "${lines[1]}" = 750 ]
	[[ "$(mi_line /etc/app)" == *" - tmpfs "* ]]
	[ ! -e "$BUNDLE/rootfs/etc/app/new" ]
}

@test "mounts: bind destinations are made of the source's kind" {
	echo file-content > "$TMP/hostfile"
	mkdir -p "$SRC/d"
	add_mount "{\"destination\": \"/made/for/file\", \"type\": \"bind\", \"source\": \"$TMP/hostfile\", \"options\": [\"bind\"]}"
	add_mount "{\"destination\": \"/made/for/dir\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\"]}"
	in_container 'cat /made/for/file; [ -d /made/for/dir/d ] && echo dir-ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = file-content ]
	[ "${lines[1]}" = dir-ok ]
	[ -f "$BUNDLE/rootfs/made/for/file" ]
	[ -d "$BUNDLE/rootfs/made/for/dir" ]
}

@test "mounts: data options reach the filesystem" {
	add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m", "mode=700", "uid=12"]}'
	in_container 'stat -c "%a %u" /scratch; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "700 12" ]
	[[ "$(mi_line /scratch)" == *"size=1024k"* ]]
}

@test "mounts: propagation options show in mountinfo" {
	add_mount "{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"rbind\", \"rshared\"]}"
	add_mount "{\"destination\": \"/private\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"rbind\", \"rprivate\"]}"
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mi_line /shared)" == *" shared:"* ]]
	[[ "$(mi_line /private)" != *"shared:"* ]]
	[[ "$(mi_line /private)" != *"master:"* ]]
}

@test "mounts: rootfsPropagation rshared makes the root a shared mount" {
	config_set '.linux.rootfsPropagation = "rshared"'
	in_container 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mi_line /)" == *" shared:"* ]]
}

@test "mounts: rootfsPropagation unbindable makes the root unbindable, the host's / untouched" {
	host_root=$(awk '$5 == "/" {print $7}' /proc/self/mountinfo)
	for p in unbindable runbindable; do
		config_set --arg p "$p" '.linux.rootfsPropagation = $p'
		in_container 'cat /proc/self/mountinfo'
		[ "$status" -eq 0 ]
		[[ "$(mi_line /)" == *" unbindable "* ]]
	done
	[ "$(awk '$5 == "/" {print $7}' /proc/self/mountinfo)" = "$host_root" ]
}

@test "mounts: an idmapped bind shows the mapped owners" {
	echo x > "$SRC/owned-by-root"
	chown 0:0 "$SRC/owned-by-root"
	add_mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\", \"idmap\"],
		\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 100}],
		\"gidMappings\": [{\"containerID\": 0, \"hostID\": 2000, \"size\": 100}]}"
	in_container 'stat -c "%u %g" /idm/owned-by-root; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000 2000" ]
	[[ "$(mi_line /idm)" == *idmapped* ]]
	# the host's view is unchanged
	[ "$(stat -c %u "$SRC/owned-by-root")" = 0 ]
}

# kura idmaps on the host (root there) and hands the init the tree: inside
# its own user namespace the init may not idmap a host filesystem
@test "mounts: idmapped binds in a container with its own user namespace" {
	echo x > "$SRC/owned-by-root"
	chown 0:0 "$SRC/owned-by-root"
	mkdir -p "$TMP/own"
	echo y > "$TMP/own/owned-by-2000"
	chown 2000:3000 "$TMP/own/owned-by-2000"
	userns_config
	# "idmap" alone: the container's mappings; host root's file is the container root's
	add_mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\", \"idmap\"]}"
	# mappings of its own: host 2000:3000 on disk shows as 5:6 in the container
	add_mount "{\"destination\": \"/own\", \"type\": \"bind\", \"source\": \"$TMP/own\", \"options\": [\"rbind\"],
		\"uidMappings\": [{\"containerID\": 2000, \"hostID\": 100005, \"size\": 1}],
		\"gidMappings\": [{\"containerID\": 3000, \"hostID\": 100006, \"size\": 1}]}"
	# without idmap the same file is nobody's in there
	add_mount "{\"destination\": \"/plain\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\"]}"
	in_container 'stat -c "%u %g" /idm/owned-by-root /own/owned-by-2000 /plain/owned-by-root; echo z > /idm/new; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 0" ]
	[ "${lines[1]}" = "5 6" ]
	[ "${lines[2]}" = "65534 65534" ]
	[[ "$(mi_line /idm)" == *idmapped* ]]
	# written by the container's root through the mapping: host root's on disk
	[ "$(stat -c '%u %g' "$SRC/new")" = "0 0" ]
	[ "$(stat -c %u "$SRC/owned-by-root")" = 0 ]
}

# runc and crun: a destination that is a symlink to a missing path inside the
# rootfs gets that path made (of the mount's kind) and is mounted there
@test "mounts: a destination symlinked to a missing path in the rootfs is made and mounted there" {
	mkdir -p "$BUNDLE/rootfs/data"
	ln -s /data/real "$BUNDLE/rootfs/link"
	ln -s ../data/relreal "$BUNDLE/rootfs/rellink"
	ln -s /data/realfile "$BUNDLE/rootfs/filelink"
	echo file-content > "$TMP/hostfile"
	add_mount '{"destination": "/link", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/rellink", "type": "tmpfs", "source": "tmpfs"}'
	add_mount "{\"destination\": \"/filelink\", \"type\": \"bind\", \"source\": \"$TMP/hostfile\", \"options\": [\"bind\"]}"
	in_container 'cat /proc/self/mountinfo; touch /link/x /rellink/y && echo in-mount; cat /filelink'
	[ "$status" -eq 0 ]
	[[ "$output" == *in-mount* ]]
	[[ "$output" == *file-content* ]]
	[[ "$(mi_line /data/real)" == *" - tmpfs "* ]]
	[[ "$(mi_line /data/relreal)" == *" - tmpfs "* ]]
	[[ "$(mi_line /data/realfile)" == *" /data/realfile "* ]]
	# made inside the rootfs, the links left as they were
	[ -d "$BUNDLE/rootfs/data/real" ]
	[ -d "$BUNDLE/rootfs/data/relreal" ]
	[ -f "$BUNDLE/rootfs/data/realfile" ]
	[ "$(readlink "$BUNDLE/rootfs/link")" = /data/real ]
	[ "$(readlink "$BUNDLE/rootfs/filelink")" = /data/realfile ]
	# and nothing on the host
	[ ! -e /data/real ]
	[ ! -e /data/relreal ]
	[ ! -e /data/realfile ]
}

# a file destination symlinked out of the rootfs stays inside it
@test "mounts: a file bind through a symlink leading out of the rootfs lands inside it" {
	echo file-content > "$TMP/hostfile"
	ln -s "$TMP/outside/file" "$BUNDLE/rootfs/evilfile"
	add_mount "{\"destination\": \"/evilfile\", \"type\": \"bind\", \"source\": \"$TMP/hostfile\", \"options\": [\"bind\"]}"
	in_container 'cat /evilfile'
	[ "$status" -eq 0 ]
	[ "$output" = file-content ]
	[ -f "$BUNDLE/rootfs$TMP/outside/file" ]
	[ ! -e "$TMP/outside" ]
}

# kura looks the source up as the host's root: a directory on the way that
# the container's user cannot search is no obstacle
@test "mounts: an idmapped bind whose source is under a directory of mode 0000" {
	userns_config
	mkdir -p "$TMP/locked/src"
	echo x > "$TMP/locked/src/owned-by-root"
	chown 0:0 "$TMP/locked" "$TMP/locked/src" "$TMP/locked/src/owned-by-root"
	chmod 0000 "$TMP/locked"
	add_mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$TMP/locked/src\", \"options\": [\"bind\", \"idmap\"]}"
	add_mount "{\"destination\": \"/ridm\", \"type\": \"bind\", \"source\": \"$TMP/locked/src\", \"options\": [\"rbind\", \"ridmap\"]}"
	in_container 'stat -c "%u %g" /idm/owned-by-root /ridm/owned-by-root; cat /proc/self/mountinfo'
	chmod 0755 "$TMP/locked"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 0" ]
	[ "${lines[1]}" = "0 0" ]
	[[ "$(mi_line /idm)" == *idmapped* ]]
	[[ "$(mi_line /ridm)" == *idmapped* ]]
}

@test "mounts: idmap with no mappings anywhere is a clear error, nothing left" {
	add_mount "{\"destination\": \"/idm\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\", \"idmap\"]}"
	in_container 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"mount /idm: idmap: uidMappings and gidMappings are required"* ]]
	[ ! -e "$ROOT/$ID" ]
}

@test "mounts: an unknown filesystem type fails with the mount named" {
	add_mount '{"destination": "/bad", "type": "nosuchfs", "source": "none"}'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount /bad"* ]]
	[[ "$output" == *nosuchfs* ]]
}

@test "mounts: no mount is left on the host after many kinds of mounts" {
	before=$(wc -l < /proc/self/mountinfo)
	echo f > "$TMP/hostfile"
	add_mount "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"rbind\", \"rro\"]}"
	add_mount "{\"destination\": \"/f\", \"type\": \"bind\", \"source\": \"$TMP/hostfile\", \"options\": [\"bind\", \"ro\"]}"
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}'
	config_set '.linux.rootfsPropagation = "rshared"'
	in_container 'cat /proc/self/mountinfo | wc -l'
	[ "$status" -eq 0 ]
	# a failing container, too
	add_mount '{"destination": "/bad", "type": "nosuchfs", "source": "none"}'
	in_container 'true'
	[ "$status" -ne 0 ]
	after=$(wc -l < /proc/self/mountinfo)
	[ "$before" -eq "$after" ]
}

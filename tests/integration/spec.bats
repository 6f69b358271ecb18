#!/usr/bin/env bats
# `kura spec` (runc's default config) and `kura check` (every problem at once).

setup() {
	: "${KURA:?KURA must be the absolute path of build/kura}"
	tmp=$(mktemp -d /tmp/kura-spec.XXXXXX)
	cd "$tmp"
}

teardown() {
	cd /
	rm -rf "$tmp"
}

config_edit() {
	jq "$@" config.json >config.json.new
	mv config.json.new config.json
}

@test "spec writes runc's default config, mode 0644" {
	run "$KURA" spec
	[ "$status" -eq 0 ]
	[ -f config.json ]
	[ "$(stat -c %a config.json)" = 644 ]
	[ "$(jq -c '[.linux.namespaces[].type]' config.json)" = '["pid","network","ipc","uts","mount"]' ]
	[ "$(jq -r .hostname config.json)" = kura ]
	[ "$(jq -r .root.path config.json)" = rootfs ]
	[ "$(jq -c .process.args config.json)" = '["sh"]' ]
	[ "$(jq -r '.process.rlimits[0] | "\(.type) \(.hard) \(.soft)"' config.json)" = "RLIMIT_NOFILE 1024 1024" ]
}

@test "spec output equals runc spec's, apart from version and hostname" {
	command -v runc >/dev/null || skip "runc not installed"
	mkdir k r
	"$KURA" spec --bundle k
	(cd r && runc spec)
	diff <(jq -S 'del(.ociVersion, .hostname)' k/config.json) \
		<(jq -S 'del(.ociVersion, .hostname)' r/config.json)
}

@test "spec --rootless equals runc spec --rootless, apart from version and hostname" {
	command -v runc >/dev/null || skip "runc not installed"
	mkdir k r
	"$KURA" spec --rootless -b k
	(cd r && runc spec --rootless)
	[ "$(jq -c '[.linux.namespaces[].type]' k/config.json)" = '["pid","ipc","uts","mount","user"]' ]
	[ "$(jq .linux.uidMappings[0].hostID k/config.json)" = "$(id -u)" ]
	diff <(jq -S 'del(.ociVersion, .hostname)' k/config.json) \
		<(jq -S 'del(.ociVersion, .hostname)' r/config.json)
}

@test "spec refuses to overwrite config.json" {
	echo '{"mine": true}' >config.json
	run "$KURA" spec
	[ "$status" -eq 1 ]
	[[ "$output" == *"File config.json exists. Remove it first"* ]]
	[ "$(cat config.json)" = '{"mine": true}' ]
}

@test "spec --bundle writes into the bundle, not the cwd" {
	mkdir b
	run "$KURA" spec --bundle "$tmp/b"
	[ "$status" -eq 0 ]
	[ -f b/config.json ]
	[ ! -e config.json ]
}

@test "spec: unknown flag fails with a usage hint, --help succeeds" {
	run "$KURA" spec --bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown flag "--bogus"'* ]]
	[[ "$output" == *"usage: kura spec"* ]]
	[ ! -e config.json ]
	run "$KURA" spec --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: kura spec"* ]]
}

@test "check passes a good bundle" {
	"$KURA" spec
	mkdir -p rootfs/bin
	install -m 0755 /dev/null rootfs/bin/sh
	run "$KURA" check
	[ "$status" -eq 0 ]
	[ "$output" = "bundle .: ok" ]
	run "$KURA" check --bundle "$tmp"
	[ "$status" -eq 0 ]
	[ "$output" = "bundle $tmp: ok" ]
}

@test "check: a missing rootfs is a problem" {
	"$KURA" spec
	run "$KURA" check
	[ "$status" -eq 1 ]
	[ "$output" = "kura: check: config.json: .root.path: ./rootfs: No such file or directory" ]
	touch rootfs
	run "$KURA" check
	[ "$status" -eq 1 ]
	[ "$output" = "kura: check: config.json: .root.path: ./rootfs: not a directory" ]
}

@test "check lists every problem at once, config and host" {
	"$KURA" spec
	mkdir -p rootfs/bin
	install -m 0755 /dev/null rootfs/bin/sh
	config_edit '.linux.namespaces[2].type = "netwrk"
		| .process.cwd = "tmp"
		| .process.oomScoreAdj = 5000
		| .process.capabilities.bounding[1] = "CAP_FOO"
		| .linux.namespaces += [{"type": "cgroup", "path": "/proc/999999999/ns/cgroup"}]
		| .mounts += [{"destination": "/data", "type": "bind", "source": "missing-dir", "options": ["rbind"]},
			      {"destination": "/etc/hosts", "type": "none", "source": "/etc/hosts", "options": ["bind"]}]
		| .hooks.prestart = [{"path": "/bin/true"}, {"path": "/nonexistent/hook"}]
		| .hooks.createContainer = [{"path": "/only/in/the/container"}]'
	run "$KURA" check
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[0]}" = 'kura: check: config.json: .process.cwd: must be an absolute path, not "tmp"' ]
	[ "${lines[1]}" = 'kura: check: config.json: .process.oomScoreAdj: must be between -1000 and 1000, not 5000' ]
	[ "${lines[2]}" = 'kura: check: config.json: .linux.namespaces[2].type: unknown namespace type "netwrk"' ]
	[ "${lines[3]}" = 'kura: check: config.json: .linux.namespaces[5].path: /proc/999999999/ns/cgroup: No such file or directory' ]
	[ "${lines[4]}" = 'kura: check: config.json: .mounts[7].source: ./missing-dir: No such file or directory' ]
	[ "${lines[5]}" = 'kura: check: config.json: .hooks.prestart[1].path: /nonexistent/hook: No such file or directory' ]
	[ "${lines[6]}" = 'kura: check: config.json: .process.capabilities.bounding[1]: unknown capability "CAP_FOO"' ]
}

@test "check: invalid JSON names the line" {
	printf '{\n "ociVersion": "1.2.0",\n "root": {"path": "rootfs",}\n}\n' >config.json
	run "$KURA" check
	[ "$status" -eq 1 ]
	[ "$output" = "kura: check: config.json: invalid JSON at line 3, column 28: string or '}' expected near '}'" ]
}

@test "check: no config.json" {
	run "$KURA" check --bundle "$tmp/nope"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nope/config.json: No such file or directory"* ]]
	run "$KURA" check --frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown flag "--frobnicate"'* ]]
}

# Unknown keys stay allowed (extensions live there): a warning, and ok.
@test "check: a misspelt key is warned of, naming the key meant" {
	"$KURA" spec
	mkdir -p rootfs/bin
	install -m 0755 /dev/null rootfs/bin/sh
	config_edit '.process.capabilites = .process.capabilities | del(.process.capabilities)
		| .annotations = {"org.example.hostnme": "x"}'
	run "$KURA" check
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 'kura: warning: check: config.json: .process.capabilites: unknown key, ignored: did you mean "capabilities"?' ]
	[ "${lines[1]}" = "bundle .: ok" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "check: process.args[0] is looked up in the rootfs, in the process's PATH" {
	"$KURA" spec
	mkdir -p rootfs/bin rootfs/opt/app rootfs/usr/bin
	install -m 0755 /dev/null rootfs/bin/sh
	config_edit '.process.args = ["app"]'
	run "$KURA" check
	[ "$status" -eq 1 ]
	[ "$output" = 'kura: check: config.json: .process.args[0]: "app": executable file not found in $PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin) of rootfs ./rootfs' ]
	# a symlink is followed inside the rootfs, never on the host
	ln -s /opt/app/app rootfs/usr/bin/app
	install -m 0644 /dev/null rootfs/opt/app/app
	run "$KURA" check
	[ "$status" -eq 1 ]
	chmod 0755 rootfs/opt/app/app
	run "$KURA" check
	[ "$status" -eq 0 ]
	config_edit '.process.args = ["/opt/app/missing"]'
	run "$KURA" check
	[ "$status" -eq 1 ]
	[ "$output" = 'kura: check: config.json: .process.args[0]: "/opt/app/missing" in rootfs ./rootfs: No such file or directory' ]
	# a mount may bring it: not judged
	config_edit '.mounts += [{"destination": "/opt/app", "type": "tmpfs", "source": "tmpfs"}]'
	run "$KURA" check
	[ "$status" -eq 0 ]
}

@test "check: a namespace path of another type is refused, naming the field" {
	"$KURA" spec
	mkdir -p rootfs/bin
	install -m 0755 /dev/null rootfs/bin/sh
	config_edit '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/mnt" else . end)'
	run "$KURA" check
	[ "$status" -eq 1 ]
	[[ "$output" == *'kura: check: config.json: .linux.namespaces['*'].path: /proc/self/ns/mnt is a mount namespace, not a network one (.type)' ]]
	config_edit '.linux.namespaces |= map(if .type == "network" then .path = "/etc/hostname" else . end)'
	run "$KURA" check
	[ "$status" -eq 1 ]
	[[ "$output" == *'.path: /etc/hostname is not a namespace file' ]]
	config_edit '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
	run "$KURA" check
	[ "$status" -eq 0 ]
}

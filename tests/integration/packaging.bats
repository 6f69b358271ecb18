#!/usr/bin/env bats
# Packaging: `make deb` builds a package dpkg installs (into a private dpkg
# root, never the host's) whose kura runs; `make install` lays out the same
# files; the bash completion offers every verb and flag `kura --help` and
# `kura help VERB` list.

setup() {
	: "${KURA:?KURA must be the absolute path of build/kura}"
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	B=$(dirname "$KURA")
	tmp=$(mktemp -d /tmp/kura-pkg.XXXXXX)
}

teardown() {
	[ ! -d "$tmp/state" ] || "$KURA" --root "$tmp/state" delete --force kura-pkg-c1 2>/dev/null || true
	rm -rf "$tmp"
}

# complete WORD...: what the completion offers for the command line
# "kura WORD..." (the last word is the one being completed)
complete_words() {
	local words=("$KURA" "$@")
	# shellcheck disable=SC1091
	source "$B/kura.bash"
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#words[@]} - 1))
	COMPREPLY=()
	_kura
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

# help_flags VERB: the long flags of `kura help VERB`, plus --help
help_flags() {
	{ "$KURA" help "$1" | grep -oE '^ +(-[A-Za-z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'; echo --help; } | sort -u
}

@test "completion: every verb of kura --help, and each verb's flags" {
	[ -f "$B/kura.bash" ]
	verbs=$("$KURA" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' | sort)
	[ -n "$verbs" ]
	[ "$(complete_words '')" = "$verbs" ]
	for v in $verbs; do
		[ "$v" = help ] && continue
		got=$(complete_words "$v" --  | sort -u)
		want=$(help_flags "$v")
		echo "$v: got [$got] want [$want]"
		[ "$got" = "$want" ]
	done
	# global flags before the verb; values where a flag takes one
	[[ "$(complete_words --ro)" == *--root* ]]
	[ "$(complete_words --log-format '')" = "$(printf 'json\ntext')" ]
	[ "$(complete_words --root /x exec --u)" = "--user" ]
}

@test "completion: container ids of the --root given" {
	local root=$tmp/state
	KURA=$KURA "$REPO/scripts/mkbundle.sh" "$tmp/bundle" sleep 100 >/dev/null
	"$KURA" --root "$root" create --bundle "$tmp/bundle" kura-pkg-c1
	got=$(complete_words --root "$root" delete kura-pkg-)
	"$KURA" --root "$root" delete --force kura-pkg-c1
	echo "$got"
	[ "$got" = kura-pkg-c1 ]
	[ -z "$(complete_words --root "$root" run kura-pkg-)" ]
}

@test "make install: binaries, man page and completion under DESTDIR" {
	run make -C "$REPO" --no-print-directory -s B="$B" DESTDIR="$tmp/dest" PREFIX=/usr/local install
	echo "$output"
	[ "$status" -eq 0 ]
	for f in bin/kura libexec/kura/kura-shim libexec/kura/kura-systemd share/man/man8/kura.8 \
		 share/bash-completion/completions/kura; do
		[ -s "$tmp/dest/usr/local/$f" ] || { echo "missing $f"; return 1; }
	done
	cmp "$B/kura.bash" "$tmp/dest/usr/local/share/bash-completion/completions/kura"
}

@test "make deb: dpkg installs the package and its kura runs" {
	run make -C "$REPO" --no-print-directory B="$B" deb
	echo "$output"
	[ "$status" -eq 0 ]
	deb=$(printf '%s\n' "$output" | grep '\.deb$' | tail -n 1)
	[ -f "$deb" ]
	[ "$(dpkg-deb -f "$deb" Package)" = kura ]
	contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
	for f in ./usr/bin/kura ./usr/libexec/kura/kura-shim ./usr/libexec/kura/kura-systemd \
		 ./usr/share/man/man8/kura.8.gz ./usr/share/bash-completion/completions/kura \
		 ./usr/share/doc/kura/copyright; do
		[[ "$contents" == *"$f"* ]] || { echo "missing $f"; return 1; }
	done
	# a dpkg database of its own: the host's stays as it was
	d=$tmp/root
	mkdir -p "$d/var/lib/dpkg/info" "$d/var/lib/dpkg/updates"
	touch "$d/var/lib/dpkg/status" "$d/var/lib/dpkg/available"
	# its dependencies are the host's packages, not in that database
	dpkg-query -W libc6 libsystemd0 >/dev/null
	run dpkg --root="$d" --force-depends -i "$deb"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(dpkg --root="$d" -s kura | sed -n 's/^Status: //p')" = "install ok installed" ]
	run "$d/usr/bin/kura" --version
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "kura version "* ]]
	# built for /usr: it finds its shim where the package puts it
	grep -q /usr/libexec "$d/usr/bin/kura"
	dpkg --root="$d" -r kura
	[ ! -e "$d/usr/bin/kura" ]
}

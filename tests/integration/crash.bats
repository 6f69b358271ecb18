#!/usr/bin/env bats
# Crash consistency (issue 12): kura SIGKILLed at random points of create,
# run, start, exec and delete, then `delete --force`, must leave nothing of
# the container: no state dir, no cgroup dir in any hierarchy, no mount, no
# process.  And `create` racing `delete --force` of one id ends in one
# consistent outcome with nothing leaked.
#
# Random points are a random delay, or a _KURA_TEST_PAUSE phase (see
# supervisor/util/testpause.h) that holds kura there while the kill lands.
# Replay a failure with the SEED it printed:  SEED=N bats crash.bats
# More trials (outside make check):  CRASH_TRIALS=300 RACE_TRIALS=50 bats crash.bats

load helpers

setup() {
	setup_bundle
	# every process of the container carries this, so a leftover is found by it
	config_set --arg t "KT_TRIAL=$ID" '.process.env += [$t]'
	SEED=${SEED:-$(( $(date +%s%N) % 1000000 ))}
	RANDOM=$SEED
	LEAKS=()
}

teardown() {
	teardown_bundle
}

# kt ID ARGS...: kura for trial ID; _KURA_TRIAL marks the shim and init half
kt() {
	local id=$1
	shift
	_KURA_TRIAL=$id "$KURA" --root "$ROOT" "$@"
}

# pids_of ID: live (not zombie) processes of trial ID (kura's own children or
# the container's processes), found by their environment
pids_of() {
	local f pid st
	for f in $(grep -lzsx -e "_KURA_TRIAL=$1" -e "KT_TRIAL=$ID" /proc/[0-9]*/environ 2>/dev/null); do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
		st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] && echo "$pid"
	done
}

# leaks_of ID: one line for each thing of trial ID still on the host
leaks_of() {
	local id=$1 p
	[ ! -e "$ROOT/$id" ] || echo "state dir $ROOT/$id"
	find /sys/fs/cgroup -maxdepth 5 -type d -name "$id" 2>/dev/null | sed 's/^/cgroup /'
	grep -F " $TMP/" /proc/self/mountinfo | awk '{print "mount " $5}'
	for p in $(pids_of "$id"); do
		echo "process $p $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"
	done
}

# scrub ID: remove by hand what kura left, so the next trial starts clean
scrub() {
	local id=$1 p d
	for p in $(pids_of "$id"); do kill -9 "$p" 2>/dev/null || true; done
	for d in $(find /sys/fs/cgroup -maxdepth 5 -type d -name "$id" 2>/dev/null); do
		[ -e "$d/freezer.state" ] && echo THAWED > "$d/freezer.state" 2>/dev/null
		[ -e "$d/cgroup.freeze" ] && echo 0 > "$d/cgroup.freeze" 2>/dev/null
	done
	sleep 0.05
	find /sys/fs/cgroup -maxdepth 5 -depth -type d -name "$id" -exec rmdir {} \; 2>/dev/null || true
	grep -F " $TMP/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "${ROOT:?}/$id"
}

# note ID WHAT...: record a leak of trial ID
note() {
	local id=$1
	shift
	LEAKS+=("$id: $*")
	echo "LEAK $id: $*" >&3
}

# rdelay MAXMS: sleep a random 0..MAXMS ms
rdelay() {
	local ms=$((RANDOM % ($1 + 1)))
	sleep "$(printf '0.%03d' "$ms")"
}

# kill_trial N: one kill -9 of kura at a random point, then delete --force
kill_trial() {
	local n=$1 id="$ID-k$n" verbs=(create run rund start exec delete delete-paused)
	local verb=${verbs[RANDOM % ${#verbs[@]}]} phase="" pid rc st
	local -a phases
	case $verb in
	create | run | rund) phases=(create-after-dir create-after-cgroups create-after-spawn create-after-ready) ;;
	start) phases=(start-after-open) ;;
	exec) phases=(exec-after-spawn) ;;
	delete | delete-paused) phases=(delete-after-kill delete-after-cgroups) ;;
	esac
	# half the trials stop kura at a phase, half at a random moment
	if [ $((RANDOM % 2)) -eq 0 ]; then phase=${phases[RANDOM % ${#phases[@]}]}; fi
	case $verb in
	start | exec | delete | delete-paused)
		kt "$id" create --bundle "$BUNDLE" "$id" >/dev/null 2>&1 || note "$id" "setup create failed"
		;;
	esac
	case $verb in
	exec | delete) kt "$id" start "$id" >/dev/null 2>&1 || note "$id" "setup start failed" ;;
	delete-paused)
		kt "$id" start "$id" >/dev/null 2>&1 && kt "$id" pause "$id" >/dev/null 2>&1 ||
			note "$id" "setup start+pause failed"
		;;
	esac
	local env=(_KURA_TRIAL="$id")
	[ -z "$phase" ] || env+=(_KURA_TEST_PAUSE="$phase:400")
	case $verb in
	create) env "${env[@]}" "$KURA" --root "$ROOT" create --bundle "$BUNDLE" "$id" >/dev/null 2>&1 & ;;
	run) env "${env[@]}" "$KURA" --root "$ROOT" run --bundle "$BUNDLE" "$id" >/dev/null 2>&1 </dev/null & ;;
	rund) env "${env[@]}" "$KURA" --root "$ROOT" run -d --bundle "$BUNDLE" "$id" >/dev/null 2>&1 & ;;
	start) env "${env[@]}" "$KURA" --root "$ROOT" start "$id" >/dev/null 2>&1 & ;;
	exec) env "${env[@]}" "$KURA" --root "$ROOT" exec "$id" sleep 100 >/dev/null 2>&1 </dev/null & ;;
	delete | delete-paused) env "${env[@]}" "$KURA" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 & ;;
	esac
	pid=$!
	if [ -n "$phase" ]; then sleep "0.$((100 + RANDOM % 200))"; else rdelay 40; fi
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	TRIALS_OF[$verb]=$((${TRIALS_OF[$verb]:-0} + 1))
	# what is left must make sense: never paused by kura's own doing
	if [ -d "$ROOT/$id" ]; then
		st=$(kt "$id" state "$id" 2>/dev/null | jq -r .status 2>/dev/null || true)
		case $st in
		creating | created | running | stopped | paused) ;;
		*) note "$id" "state says \"$st\" after a kill during $verb${phase:+ at $phase}" ;;
		esac
		if [ "$st" = paused ] && [ "$verb" != delete-paused ]; then
			note "$id" "left paused after a kill during $verb${phase:+ at $phase}"
		fi
	fi
	rc=0
	kt "$id" delete --force "$id" >/dev/null 2>"$TMP/err" || rc=$?
	[ "$rc" -eq 0 ] || note "$id" "delete --force exited $rc: $(cat "$TMP/err")"
	leaks=$(leaks_of "$id")
	if [ -n "$leaks" ]; then
		note "$id" "after kill during $verb${phase:+ at $phase}: $(echo "$leaks" | tr '\n' ';')"
		LEAKS_OF[$verb]=$((${LEAKS_OF[$verb]:-0} + 1))
		scrub "$id"
	fi
}

# race_trial N: create and delete --force of one id at once
race_trial() {
	local n=$1 id="$ID-r$n" cpid dpid crc=0 drc=0 st leaks
	local env=(_KURA_TRIAL="$id")
	# sometimes hold create inside a window, so delete lands in it
	case $((RANDOM % 4)) in
	0) env+=(_KURA_TEST_PAUSE="create-after-cgroups:30") ;;
	1) env+=(_KURA_TEST_PAUSE="create-after-spawn:30") ;;
	esac
	env "${env[@]}" "$KURA" --root "$ROOT" create --bundle "$BUNDLE" "$id" >/dev/null 2>"$TMP/cerr" &
	cpid=$!
	rdelay 12
	kt "$id" delete --force "$id" >/dev/null 2>"$TMP/derr" &
	dpid=$!
	wait "$cpid" || crc=$?
	wait "$dpid" || drc=$?
	[ "$drc" -eq 0 ] || note "$id" "delete --force exited $drc: $(cat "$TMP/derr")"
	if [ -d "$ROOT/$id" ]; then
		# delete came first: the create that followed made a whole container
		st=$(kt "$id" state "$id" 2>/dev/null | jq -r .status 2>/dev/null || true)
		[ "$crc" -eq 0 ] && [ "$st" = created ] ||
			note "$id" "container left $st after create exited $crc and delete $drc"
		RACE_OUTCOME[kept]=$((${RACE_OUTCOME[kept]:-0} + 1))
	elif [ "$crc" -eq 0 ]; then
		RACE_OUTCOME[created-then-deleted]=$((${RACE_OUTCOME[created-then-deleted]:-0} + 1))
	else
		RACE_OUTCOME[create-failed]=$((${RACE_OUTCOME[create-failed]:-0} + 1))
	fi
	kt "$id" delete --force "$id" >/dev/null 2>&1 || note "$id" "final delete --force failed"
	leaks=$(leaks_of "$id")
	if [ -n "$leaks" ]; then
		note "$id" "after the race (create $crc, delete $drc): $(echo "$leaks" | tr '\n' ';')"
		scrub "$id"
	fi
}

summary() {
	local k
	for k in "${!TRIALS_OF[@]}"; do echo "# $k: ${TRIALS_OF[$k]} trials, ${LEAKS_OF[$k]:-0} leaked" >&3; done
	for k in "${!RACE_OUTCOME[@]}"; do echo "# race outcome $k: ${RACE_OUTCOME[$k]}" >&3; done
	if [ "${#LEAKS[@]}" -gt 0 ]; then
		echo "${#LEAKS[@]} leak(s); replay with SEED=$SEED" >&2
		printf '%s\n' "${LEAKS[@]}" >&2
		return 1
	fi
}

@test "crash: kill -9 of kura at random points of create/run/start/exec/delete leaves nothing after delete --force" {
	declare -A TRIALS_OF=() LEAKS_OF=()
	echo "# seed $SEED" >&3
	for n in $(seq "${CRASH_TRIALS:-40}"); do kill_trial "$n"; done
	summary
}

@test "crash: create racing delete --force of one id: one outcome, nothing leaked" {
	declare -A RACE_OUTCOME=()
	echo "# seed $SEED" >&3
	for n in $(seq "${RACE_TRIALS:-20}"); do race_trial "$n"; done
	summary
}

@test "crash: delete of a container being created fails clearly; delete --force kills it and the create undoes itself" {
	_KURA_TEST_PAUSE=create-after-spawn:3000 kt "$ID" create --bundle "$BUNDLE" "$ID" 2>"$TMP/cerr" &
	cpid=$!
	for _ in $(seq 50); do [ -s "$ROOT/$ID/state.json" ] && jq -e '.pid > 0' "$ROOT/$ID/state.json" >/dev/null 2>&1 && break; sleep 0.05; done
	run kt "$ID" delete "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container $ID that is not stopped: creating"*"--force"* ]]
	kt "$ID" delete --force "$ID"
	crc=0
	wait "$cpid" || crc=$?
	[ "$crc" -ne 0 ]
	[ -z "$(leaks_of "$ID")" ]
}

@test "crash: a create killed after its init started leaves \"creating\" with the init's pid; delete --force kills that init" {
	_KURA_TEST_PAUSE=create-after-ready:3000 kt "$ID" create --bundle "$BUNDLE" "$ID" 2>/dev/null &
	cpid=$!
	for _ in $(seq 50); do [ -s "$ROOT/$ID/state.json" ] && jq -e '.pid > 0' "$ROOT/$ID/state.json" >/dev/null 2>&1 && break; sleep 0.05; done
	sleep 0.2
	kill -9 "$cpid"
	wait "$cpid" || true
	[ "$(kura state "$ID" | jq -r .status)" = creating ]
	pid=$(kura state "$ID" | jq -r .pid)
	[ "$pid" -gt 0 ]
	[ -d "/proc/$pid" ]
	kura delete --force "$ID"
	gone "$pid"
	[ -z "$(leaks_of "$ID")" ]
}

@test "state right after create has returned is created, never creating (20 creates)" {
	for i in $(seq 20); do
		kura create --bundle "$BUNDLE" "$ID-$i"
		st=$(status_of "$ID-$i")
		[ "$st" = created ] || { echo "create $i: state says $st"; return 1; }
		kura delete --force "$ID-$i"
	done
}

#!/bin/sh
# A run ended by a signal that crmake did not send is no verdict. Tests
# killed from outside (a stray-process killer, the OOM killer) are run
# again and give their own verdict; a signal that reaches cr-run-one too
# (scancel, Ctrl-C, a lost launcher), in either order, leaves no result
# and a non-zero exit, so that the next make runs the mutant again.
. "${CR_SRCDIR:?}/tests/e2e/lib.sh"

p=$(fixture waiting)
cd "$p" || exit 99
# Each test waits 3 s: time to find the tests and signal them.
RETRY_SETTLE=3
export RETRY_SETTLE
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" -e 'tests/*' . \
    >"$T/out" 2>"$T/err" || fail "cr-plan: $(cat "$T/err")"
# A mutant that the tests kill: 2 ** attempt -> 2 * attempt.
id=$("$CR_PLAN" --list retry.py | awk '$3 == "core/ReplaceBinaryOperator_Pow_Mul" { print $1; exit }')
[ -n "$id" ] || fail "no Pow_Mul mutant in: $("$CR_PLAN" --list retry.py)"

# The PIDs of this scenario's test processes (the unittest command).
test_pids() {
	for pid in $(pgrep -f "unittest discover -q -s tests"); do
		[ "$(readlink "/proc/$pid/cwd")" = "$p" ] && echo "$pid"
	done
}
# Wait until the tests of the run have started (at most 10 s).
wait_tests() {
	i=0
	while [ -z "$(test_pids)" ]; do
		i=$((i + 1))
		[ "$i" -ge 200 ] && fail "the tests did not start"
		sleep 0.05
	done
}

for sig in TERM KILL INT; do
	# Only the tests: run again, and the verdict is the tests' own.
	rm -f "$T/r.json"
	"$CR_RUN_ONE" --cold -o "$T/r.json" "$T/s" "$id" >"$T/out" 2>"$T/err" &
	run=$!
	wait_tests
	kill -s "$sig" $(test_pids) 2>/dev/null
	wait "$run" || fail "SIG$sig to the tests: cr-run-one failed: $(cat "$T/err")"
	grep -q "which crmake did not send; running them again" "$T/err" ||
		fail "SIG$sig to the tests: no second run: $(cat "$T/err")"
	"$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(r["outcome"] != "killed" or r["signal"] is not None)' "$T/r.json" ||
		fail "SIG$sig to the tests: $(cat "$T/r.json")"
done

# The tests and cr-run-one, in both orders: no result at all.
for order in tests-first runner-first; do
	rm -f "$T/r.json"
	"$CR_RUN_ONE" --cold -o "$T/r.json" "$T/s" "$id" >"$T/out" 2>"$T/err" &
	run=$!
	wait_tests
	if [ $order = tests-first ]; then
		kill -TERM $(test_pids) 2>/dev/null
		sleep 0.05
		kill -TERM "$run"
	else
		kill -TERM "$run"
		kill -TERM $(test_pids) 2>/dev/null
	fi
	if wait "$run"; then
		fail "$order: cr-run-one exited 0"
	fi
	[ ! -e "$T/r.json" ] || fail "$order: a result was written: $(cat "$T/r.json")"
	i=0
	while [ -n "$(test_pids)" ]; do
		i=$((i + 1))
		[ "$i" -ge 50 ] && fail "$order: tests left running: $(test_pids)"
		sleep 0.1
	done
done

# Through make: a job stopped from outside leaves its target to the next make.
make -f "$T/s/Makefile" CR_WARM=0 "$T/s/results/$id.json" >"$T/out" 2>&1 &
mk=$!
wait_tests
# As scancel does: every process of the job.
for pid in "$mk" $(test_pids) $(pgrep -f -- "-o $T/s/results/$id.json"); do
	kill -TERM "$pid" 2>/dev/null
done
wait "$mk" && fail "make exited 0: $(cat "$T/out")"
[ ! -e "$T/s/results/$id.json" ] || fail "make left a result: $(cat "$T/s/results/$id.json")"
make -s -f "$T/s/Makefile" CR_WARM=0 "$T/s/results/$id.json" >"$T/out" 2>&1 || fail "the next make: $(cat "$T/out")"
grep -q " → killed (.*, $id)$" "$T/out" || fail "the next make: $(cat "$T/out")"
exit 0

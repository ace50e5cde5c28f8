#!/bin/sh
# make killed with SIGKILL part-way, then run again, finishes only what is
# missing and gives the same verdicts as an uninterrupted run; nothing is
# left mounted or changed.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
before=$(snapshot "$P")
cd "$P" || exit 99
cmd="$PY -m unittest discover -q -s tests"
"$CR_PLAN" -s "$T/full" -t "$cmd" -e tests . >/dev/null || fail "cr-plan failed"
"$CR_PLAN" -s "$T/cut" -t "$cmd" -e tests . >/dev/null || fail "cr-plan failed"
make -s -f "$T/full/Makefile" -j2 >/dev/null 2>&1 || fail "full run failed"

# Start the run in its own process group and SIGKILL all of it mid-way.
setsid make -f "$T/cut/Makefile" -j2 >/dev/null 2>&1 &
pid=$!
n=0
while [ "$(ls "$T/cut/results" | wc -l)" -lt 5 ] && [ $n -lt 600 ]; do
	sleep 0.05
	n=$((n + 1))
done
kill -KILL -- -"$pid" 2>/dev/null || fail "make had already finished"
wait "$pid" 2>/dev/null
sleep 0.3
done_before=$(ls "$T/cut/results" | grep -c '\.json$')
total=$(ls "$T/full/results" | grep -c '\.json$')
[ "$done_before" -lt "$total" ] || fail "the run was not interrupted"
# The warm worker (a fork of the runner that started it) goes a few seconds
# after make; no runner is left.
for i in $(seq 50); do
	pgrep -f "cr-run-one.*$T/cut" >/dev/null || break
	sleep 0.2
done
pgrep -f "cr-run-one.*$T/cut" >/dev/null && fail "a runner survived SIGKILL"
assert_no_mounts "$P"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"

# Every result on disk is whole.
for f in "$T"/cut/results/*.json; do
	"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" ||
		fail "$f is not a whole result"
done

make -f "$T/cut/Makefile" -j2 >"$T/resume.out" 2>&1 || fail "resumed run failed"
ran=$(grep -Ec ' → (killed|survived|timeout|incompetent) ' "$T/resume.out")
[ "$ran" -eq $((total - done_before)) ] ||
	fail "the resumed run ran $ran mutants, $((total - done_before)) were missing"
# Its count is of what it had left to do.
grep -q "^\[$ran/$ran\] " "$T/resume.out" ||
	fail "the resumed run did not count to $ran: $(grep -o '^\[[0-9]*/[0-9]*\]' "$T/resume.out" | tail -1)"
outcomes "$T/full" >"$T/full.txt"
outcomes "$T/cut" >"$T/cut.txt"
cmp -s "$T/full.txt" "$T/cut.txt" || fail "verdicts differ: $(diff "$T/full.txt" "$T/cut.txt" | head)"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
exit 0

#!/bin/sh
# A mutant that makes the tests loop forever times out; the whole process
# group, grandchildren included, is killed.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture slow)
before=$(snapshot "$P")
cd "$P" || exit 99
# The test command leaves a background process behind, which must not outlive
# any run, timed out or not; its name is this test's own.
sleeper="$T/crmake-sleeper-$$"
ln -s "$(command -v sleep)" "$sleeper" || exit 99
"$CR_PLAN" -s "$T/s" --timeout-factor 1 --timeout-constant 20 \
    -t "$sleeper 301 & $PY -m unittest discover -q -s tests" \
    -e 'tests/*' . >/dev/null 2>"$T/err" || fail "cr-plan failed: $(cat "$T/err")"
start=$(date +%s)
make -s -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 || fail "make failed: $(cat "$T/make.out")"
end=$(date +%s)
# The mutants of the excluded tests are recorded as skipped.
nt=$("$CR_PLAN" --list tests | wc -l)
got=$(counts "$T/s")
[ "$got" = "12 1 1 0 $nt 0 0" ] || fail "counts: got '$got', want '12 1 1 0 $nt 0 0'"
grep -q "countdown.py:.* → timeout " "$T/make.out" || fail "no timeout verdict line"
# The endless loop burns CPU: the CPU-time limit ends it after about a
# second of CPU (its test takes microseconds), long before the wall-clock
# limit of 20 s.
"$PY" - "$T"/s/results/*.json <<'EOF' || fail "the timeout was not cut by the CPU limit"
import json, sys
t = [json.load(open(p)) for p in sys.argv[1:]]
t = [r for r in t if r["outcome"] == "timeout"]
assert len(t) == 1, t
assert t[0]["limit"] == "cpu", t[0]["limit"]
assert t[0]["duration"] < 10, t[0]["duration"]
assert t[0]["cpu"] >= 1, t[0]["cpu"]
EOF
[ $((end - start)) -lt 60 ] || fail "the run took $((end - start)) s"
# (The warm worker runs the command too, and its background process lives
# as long as the worker, which goes once make is over.)
for i in $(seq 50); do
	pgrep -f "crmake-sleeper-$$ 301" >/dev/null || break
	sleep 0.2
done
pgrep -f "crmake-sleeper-$$ 301" >/dev/null && fail "a background process outlived its run"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
exit 0

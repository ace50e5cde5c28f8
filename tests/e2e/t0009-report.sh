#!/bin/sh
# cr-report: counts, survivors with diffs, JSON, pending results, and the
# survival-rate gate for CI.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
cd "$P" || exit 99
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" -e tests . >/dev/null ||
	fail "cr-plan failed"

# Before any run, everything is pending and there is no rate.
"$CR_REPORT" "$T/s" >"$T/r0" || fail "cr-report failed on a fresh session"
# fall_height's 37 mutants are run by no test: no-coverage, never pending.
grep -q "pending *68" "$T/r0" || fail "not all pending: $(cat "$T/r0")"
grep -q "no-coverage *37" "$T/r0" || fail "no-coverage not counted: $(cat "$T/r0")"
grep -q "survival rate: n/a" "$T/r0" || fail "a rate with nothing run: $(cat "$T/r0")"
"$CR_REPORT" --fail-over 0 "$T/s" >/dev/null || fail "the gate failed with nothing run"

make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1 || fail "make failed"
"$CR_REPORT" "$T/s" >"$T/r1" || fail "cr-report failed"
# The rate leaves the no-coverage mutants out: 6 survivors of 68.
grep -q "survival rate: 8.8% (6 of 68)" "$T/r1" || fail "rate: $(grep rate "$T/r1")"
# Gate: above the threshold exits 3, at or below exits 0.
"$CR_REPORT" --fail-over 5 "$T/s" >/dev/null
[ $? -eq 3 ] || fail "--fail-over 5 did not exit 3"
"$CR_REPORT" --fail-over 90 "$T/s" >/dev/null || fail "--fail-over 90 failed"
"$CR_REPORT" --fail-over x "$T/s" >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad --fail-over did not exit 2"

# JSON carries the same counts and the survivors with their diffs, and
# the runs: each of the 68 that ran, warm or cold, why cold, and their
# time, as the result files and the text report say.
"$CR_REPORT" --json "$T/s" | "$PY" -c '
import glob, json, sys
r = json.load(sys.stdin)
results = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/results/*.json")]
runs = r["runs"]
assert runs["warm"] == sum(x["mode"] == "warm" for x in results), runs
assert runs["cold"] == sum(x["mode"] == "cold" for x in results), runs
assert runs["warm"] + runs["cold"] == 68, runs
why = {}
for x in results:
    if x["mode"] == "cold":
        why[x["cold_reason"]] = why.get(x["cold_reason"], 0) + 1
assert runs["cold_by_reason"] == why, (runs, why)
assert abs(runs["seconds"] - sum(x["duration"] for x in results)) < 0.01, runs
assert runs["timeout_seconds"] == 0, runs
text = open(sys.argv[2]).read()
line = "runs: %d warm, %d cold" % (runs["warm"], runs["cold"])
assert "\n" + line in text, (line, text)
c = r["counts"]
assert sum(c.values()) == r["total"], r
assert len(r["survivors"]) == c["survived"], r
assert len(r["no_coverage"]) == c["no-coverage"] == 37, r
assert {m["path"] for m in r["no_coverage"]} == {"calc.py"}, r
s = r["survivors"][0]
assert s["path"] == "calc.py" and s["diff"].startswith("--- a/calc.py"), s
' "$T/s" "$T/r1" || fail "bad JSON report"

# A damaged result file is reported, counted as pending, and not fatal.
f=$(ls "$T"/s/results/*.json | head -n 1)
echo '{"version": 1, "id": ' >"$f"
"$CR_REPORT" "$T/s" >"$T/r2" 2>"$T/err" || fail "cr-report failed on a damaged result"
grep -q "$(basename "$f")" "$T/err" || fail "the damaged file is not named"
grep -q "pending *1$" "$T/r2" || fail "the damaged result is not pending: $(cat "$T/r2")"
# make sees it as present, so cr-report's word is what tells the user; a
# removed result is simply run again.
rm -f "$f"
make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1 || fail "make failed"
"$CR_REPORT" "$T/s" >"$T/r3" || fail "cr-report failed"
grep -q "pending *0$" "$T/r3" || fail "pending after re-run: $(cat "$T/r3")"
exit 0

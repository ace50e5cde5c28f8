#!/bin/sh
# The whole pipeline on the calc fixture: exact outcome counts, the project
# tree byte-identical with unchanged mtimes, and make's own view of it.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
before=$(snapshot "$P")
cd "$P" || exit 99
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" -e 'tests/*' . >"$T/out" 2>"$T/err" ||
	fail "cr-plan failed: $(cat "$T/err")"
# The excluded tests are planned too, their mutants recorded as skipped.
nt=$("$CR_PLAN" --list tests/test_calc.py | wc -l)
[ "$nt" -gt 0 ] || fail "no mutants in tests/test_calc.py"
# fall_height is run by no test: its 37 mutants are no-coverage, never run.
grep -Eq "^2 files, [0-9]+ lines, $((105 + nt)) mutants \\($nt skipped, 37 no-coverage\\) in [0-9.]+ s\$" "$T/out" ||
	fail "unexpected summary: $(cat "$T/out")"
grep -q '^test selection: unittest, 6 tests; a mutant runs 1\.[0-9] of them on average$' "$T/out" ||
	fail "unexpected selection line: $(cat "$T/out")"
[ -z "$(ls "$T/s/results")" ] || fail "results exist before make ran"

# make -n runs no test and writes no result.
make -n -f "$T/s/Makefile" >"$T/dry" 2>&1 || fail "make -n failed: $(cat "$T/dry")"
[ "$(grep -c cr-run-one "$T/dry")" -eq 68 ] || fail "make -n lists $(grep -c cr-run-one "$T/dry") runs"
[ -z "$(ls "$T/s/results")" ] || fail "make -n wrote results"

cd "$T" || exit 99
make -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 || fail "make failed: $(tail make.out)"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
assert_no_mounts "$P"
[ "$(ls "$T/s/results" | grep -c '\.json$')" -eq 68 ] ||
	fail "not one result per mutant"
ls -a "$T/s/results" | grep -q tmp && fail "a temporary result was left"
# One verdict line per mutant on make's output, each counted in the run,
# the last one 68th of 68, and summaries of the run now and then.
[ "$(grep -Ec '^\[[0-9]+/68\] calc.py:[0-9]+:[0-9]+ core/[A-Za-z_]+ → (killed|survived|timeout|incompetent) \([0-9.]+ s, .*[0-9a-f]{16}\)$' "$T/make.out")" -eq 68 ] ||
	fail "unexpected verdict lines: $(head -3 "$T/make.out")"
[ "$(grep -o '^\[[0-9]*/' "$T/make.out" | sort -u | wc -l)" -eq 68 ] || fail "the counts repeat: $(grep -o '^\[[0-9]*/' "$T/make.out" | sort | uniq -d | head -3)"
grep -q '^\[68/68\] ' "$T/make.out" || fail "no 68th of 68"
grep -Eq '^crmake: 68 of 68 done in [0-9]+ s \([0-9.]+ mutants a second\)$' "$T/make.out" ||
	fail "no summary at the end: $(grep '^crmake:' "$T/make.out")"
grep -Eq '^crmake: 10 of 68 done in [0-9]+ s \([0-9.]+ mutants a second\), about [0-9]+ s left$' "$T/make.out" ||
	fail "no summary on the way: $(grep '^crmake:' "$T/make.out")"

got=$(counts "$T/s")
[ "$got" = "62 6 0 0 $nt 37 0" ] || fail "counts: got '$got', want '62 6 0 0 $nt 37 0'"

# Everything is up to date now: a second make runs nothing.
make -f "$T/s/Makefile" -j2 >"$T/again" 2>&1 || fail "second make failed"
grep -q "Nothing to be done\|is up to date" "$T/again" || fail "second make did work: $(head -3 again)"

# Survivors are shown as file:line:col operator with a diff.
"$CR_REPORT" "$T/s" >"$T/report" || fail "cr-report failed"
grep -q "^calc.py:11:[0-9]* core/ReplaceBinaryOperator_Div_FloorDiv$" "$T/report" ||
	fail "no average survivor in the report"
grep -q '^-    return sum(values) / len(values)$' "$T/report" || fail "no diff in the report"
grep -q '^+    return sum(values) // len(values)$' "$T/report" || fail "no diff in the report"
# The mutants no test runs are listed apart, without a diff.
grep -q '^no test executes the code of 37 mutants:$' "$T/report" ||
	fail "no no-coverage section: $(cat "$T/report")"
grep -q "^calc.py:31:[0-9]* core/ReplaceBinaryOperator_Sub_Add$" "$T/report" ||
	fail "fall_height is not listed as not covered"
# Each killed mutant names the test that killed it, and ran one test.
grep -l '"killed_by":"test_calc.TestCalc.test_average"' "$T"/s/results/*.json >/dev/null ||
	fail "no result names its killing test"
"$PY" - "$T"/s/results/*.json <<'EOF' || fail "a killed result lacks its killer or test count"
import json, sys
for p in sys.argv[1:]:
    r = json.load(open(p))
    assert r["selection"] in ("tests", "all"), (p, r["selection"])
    assert r["tests_run"] >= 1, (p, r["tests_run"])
    if r["outcome"] == "killed":
        assert r["killed_by"].startswith("test_calc.TestCalc."), (p, r["killed_by"])
EOF
exit 0

#!/bin/sh
# Per-test selection never changes a verdict: on the shapes fixture, with
# pytest and with unittest, a plan with selection and one running the whole
# suite give the same survivors and the same detected mutants, apart from
# the mutants no test executes; module-level, class-level and shared-fixture
# code runs every test; parameter IDs with spaces, unicode and brackets and
# coverage from a child process select the right tests.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture shapes)
before=$(snapshot "$P")
cd "$P" || exit 99
pytest_cmd="env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=src $PY -m pytest -x -q -p no:cacheprovider tests"
unittest_cmd="env PYTHONPATH=src $PY -m unittest discover -q -s unit -t ."

for runner in pytest unittest; do
	eval "cmd=\$${runner}_cmd"
	"$CR_PLAN" -s "$T/$runner" -t "$cmd" src >"$T/$runner.out" 2>"$T/err" ||
		fail "cr-plan ($runner) failed: $(cat "$T/err")"
	grep -q "^3 files, [0-9]* lines, 99 mutants (13 no-coverage) in " "$T/$runner.out" ||
		fail "unexpected summary: $(cat "$T/$runner.out")"
	grep -q "^test selection: $runner, 8 tests; " "$T/$runner.out" ||
		fail "$runner was not detected: $(cat "$T/$runner.out")"
	"$CR_PLAN" -s "$T/$runner-all" --runner none -t "$cmd" src >"$T/$runner-all.out" 2>"$T/err" ||
		fail "cr-plan --runner none ($runner) failed: $(cat "$T/err")"
	grep -q "^test selection: off (--runner none)" "$T/$runner-all.out" ||
		fail "selection not off: $(cat "$T/$runner-all.out")"
	(cd "$T" && make -s -f "$T/$runner/Makefile" -j2 >"$T/$runner.make" 2>&1) ||
		fail "make ($runner) failed: $(tail -3 "$T/$runner.make")"
	(cd "$T" && make -s -f "$T/$runner-all/Makefile" -j2 >"$T/$runner-all.make" 2>&1) ||
		fail "make --runner none ($runner) failed: $(tail -3 "$T/$runner-all.make")"
	"$CR_REPORT" --json --all "$T/$runner" >"$T/$runner.json" || fail "cr-report failed"
	"$CR_REPORT" --json --all "$T/$runner-all" >"$T/$runner-all.json" || fail "cr-report failed"
	# Without selection there is no warm worker: every run says so.
	"$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))["runs"]
assert r["warm"] == 0 and r["cold"] == 99 and r["cold_by_reason"] == {"no test selection": 99}, r
' "$T/$runner-all.json" || fail "the runs without selection ($runner) are not all cold for it"
	"$PY" - "$runner" "$T/$runner.json" "$T/$runner-all.json" "$T/$runner/results" <<'PYEOF' ||
import json, os, sys
runner, sel, whole, results = sys.argv[1:]
sel = {m["id"]: m for m in json.load(open(sel))["mutants"]}
whole = {m["id"]: m for m in json.load(open(whole))["mutants"]}
assert sel.keys() == whole.keys()
res = {}
for name in os.listdir(results):
    r = json.load(open(os.path.join(results, name)))
    res[r["id"]] = r

def where(m):
    return "%s:%d %s" % (m["path"], m["line"], m["operator"])

# The same survivors and the same detected mutants, apart from no-coverage.
detected = ("killed", "timeout")
for i, m in whole.items():
    s = sel[i]
    if s["outcome"] == "no-coverage":
        assert m["outcome"] == "survived", (where(m), m["outcome"])
        assert m["path"] == "src/shapes/geometry.py" and m["line"] == 33, where(m)
        continue
    same = s["outcome"] == m["outcome"] or (s["outcome"] in detected and m["outcome"] in detected)
    assert same, (where(m), "whole", m["outcome"], "selection", s["outcome"])
count = lambda ms, o: sum(1 for m in ms.values() if m["outcome"] == o)
assert (count(sel, "killed"), count(sel, "survived"), count(sel, "no-coverage")) == (76, 10, 13), \
    (count(sel, "killed"), count(sel, "survived"), count(sel, "no-coverage"))
assert (count(whole, "killed"), count(whole, "survived")) == (76, 23)

def mutants(path, line):
    ms = [m for m in sel.values() if m["path"] == path and m["line"] == line]
    assert ms, (path, line)
    return ms

# Module level, class level, a shared fixture, a module first imported by a
# test that checks nothing: every test, and killed.
for path, line in (("src/shapes/geometry.py", 3), ("src/shapes/geometry.py", 13),
                   ("src/shapes/geometry.py", 17), ("src/shapes/limits.py", 3)):
    for m in mutants(path, line):
        assert res[m["id"]]["selection"] == "all", (where(m), res[m["id"]]["selection"])
        assert m["outcome"] == "killed", where(m)
# Function bodies: only the tests that execute them.
for m in mutants("src/shapes/geometry.py", 27):
    r = res[m["id"]]
    assert r["selection"] == "tests" and r["tests_run"] == 1, (where(m), r["selection"], r["tests_run"])
    if m["outcome"] == "killed":
        want = ("tests/test_geometry.py::test_label_in_subprocess" if runner == "pytest"
                else "unit.test_geometry.TestArea.test_label")
        assert r["killed_by"] == want, (where(m), r["killed_by"])
killers = {res[m["id"]]["killed_by"] for m in mutants("src/shapes/geometry.py", 8)
           if m["outcome"] == "killed"}
# pytest escapes the non-ASCII letters of a parameter ID; a unittest method
# name keeps them.
want = ("tests/test_geometry.py::test_area[\\xfcn\\xef [1]]" if runner == "pytest"
        else "unit.test_geometry.TestArea.test_squ\u00e4re_area")
assert killers == {want}, killers
PYEOF
		fail "$runner: selection and the whole suite disagree"
done
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
assert_no_mounts "$P"

# A wrapper cr-plan cannot see into gets selection when it keeps the
# PYTHONPATH it is given, and a plain whole-suite plan, with the reason,
# when it replaces it.
mkdir "$T/wrap" || exit 99
cat >"$T/wrap/Makefile" <<EOF
keep:
	PYTHONPATH=src\$\${PYTHONPATH:+:\$\$PYTHONPATH} $PY -m pytest -q -p no:cacheprovider tests
replace:
	PYTHONPATH=src $PY -m pytest -q -p no:cacheprovider tests
EOF
"$CR_PLAN" -s "$T/keep" -t "make -s -f $T/wrap/Makefile keep" src >"$T/keep.out" 2>"$T/err" ||
	fail "cr-plan (wrapper) failed: $(cat "$T/err")"
grep -q "^test selection: pytest, 8 tests; " "$T/keep.out" ||
	fail "no selection through the wrapper: $(cat "$T/keep.out")"
"$CR_PLAN" -s "$T/replace" -t "make -s -f $T/wrap/Makefile replace" src >"$T/replace.out" 2>"$T/err" ||
	fail "cr-plan (replacing wrapper) failed: $(cat "$T/err")"
grep -q "^3 files, [0-9]* lines, 99 mutants in " "$T/replace.out" ||
	fail "unexpected summary: $(cat "$T/replace.out")"
grep -q "^test selection: off (crmake's hooks did not load in the test command's Python" "$T/replace.out" ||
	fail "no reason given: $(cat "$T/replace.out")"
exit 0

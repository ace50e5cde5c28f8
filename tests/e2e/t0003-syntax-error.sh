#!/bin/sh
# A file tree-sitter cannot parse is reported with its position and skipped.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture broken)
cd "$P" || exit 99
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" -e 'tests/*' . >"$T/out" 2>"$T/err" ||
	fail "cr-plan failed: $(cat "$T/err")"
grep -q "^cr-plan: draft.py:4:[0-9]*: .*skipped" "$T/err" ||
	fail "no positioned warning for draft.py: $(cat "$T/err")"
grep -q "greet.py" "$T/err" && fail "greet.py was reported: $(cat "$T/err")"
# greet.py, and tests/test_greet.py whose mutants are recorded as skipped.
grep -Eq '^2 files, [0-9]+ lines, [1-9][0-9]* mutants \([1-9][0-9]* skipped\) in [0-9.]+ s$' "$T/out" ||
	fail "unexpected summary: $(cat "$T/out")"
# Every target is a mutant of greet.py; the excluded tests' are skipped.
"$CR_REPORT" --json --all "$T/s" >"$T/all.json" || fail "cr-report failed"
targets=$(grep -c '^	[0-9a-f]\{16\}' "$T/s/Makefile")
[ "$targets" -gt 0 ] || fail "greet.py has no targets"
"$PY" - "$T/all.json" "$targets" <<'EOF' || fail "targets and plan disagree"
import json, sys
m = json.load(open(sys.argv[1]))["mutants"]
assert not [x for x in m if x["path"] == "draft.py"], "draft.py has mutants"
run = [x for x in m if x["outcome"] == "pending"]
assert len(run) == int(sys.argv[2]), (len(run), sys.argv[2])
assert {x["path"] for x in run} == {"greet.py"}, {x["path"] for x in run}
assert all(x["outcome"] == "skipped" for x in m if x["path"].startswith("tests/"))
EOF
exit 0

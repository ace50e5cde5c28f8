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
grep -q draft.py "$T/s/Makefile" && fail "draft.py has targets"
grep -q greet.py "$T/s/Makefile" || fail "greet.py has no targets"
grep -q test_greet.py "$T/s/Makefile" && fail "the excluded tests have targets"
exit 0

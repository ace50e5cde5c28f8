#!/bin/sh
# An empty plan is said plainly: files with nothing to mutate are an error;
# a plan whose every mutant is skipped (an unchanged tree with --since too)
# is written with a warning that there is nothing to run.
. "$CR_SRCDIR/tests/e2e/lib.sh"

mkdir "$T/p" "$T/p/tests" || exit 99
cd "$T/p" || exit 99
printf '"""Nothing here an operator changes."""\nimport os\n' >quiet.py
printf 'import unittest\n' >tests/test_quiet.py
"$CR_PLAN" -s "$T/s1" -t "$PY -m unittest discover -q -s tests" quiet.py >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "a plan with no mutant did not exit 1: $(cat "$T/out" "$T/err")"
grep -q "^cr-plan: nothing to mutate: no operator changes anything in the 1 file planned$" "$T/err" ||
	fail "no message for an empty plan: $(cat "$T/err")"

printf 'def f(x):\n    return x + 1\n' >calc.py
"$CR_PLAN" -s "$T/s2" -t "$PY -m unittest discover -q -s tests" -e 'calc.py' calc.py >"$T/out" 2>"$T/err" ||
	fail "a plan with every mutant excluded failed: $(cat "$T/err")"
grep -q "^cr-plan: nothing to run: all [0-9]* mutants are skipped" "$T/err" ||
	fail "no warning for a plan with nothing to run: $(cat "$T/err")"
make -s -f "$T/s2/Makefile" >"$T/make.out" 2>&1 || fail "make of an empty plan failed: $(cat "$T/make.out")"

git init -q . && git add . && git -c user.name=t -c user.email=t@t commit -q -m x || exit 99
"$CR_PLAN" -s "$T/s3" -t "$PY -m unittest discover -q -s tests" --since HEAD . >"$T/out" 2>"$T/err" ||
	fail "--since on an unchanged tree failed: $(cat "$T/err")"
grep -q "^cr-plan: nothing to run: all [0-9]* mutants are skipped or have no test that executes them; --since 'HEAD' keeps the changed lines only" "$T/err" ||
	fail "no warning for --since with no change: $(cat "$T/err")"
exit 0

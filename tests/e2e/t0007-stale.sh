#!/bin/sh
# Editing a source file after planning makes its mutants out of date for
# make, and cr-run-one refuses them with a clear "stale plan" error.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
cd "$P" || exit 99
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" calc.py \
    >/dev/null || fail "cr-plan failed"
id=$(sed -n 's/^\t\([0-9a-f]\{16\}\).*/\1/p' "$T/s/Makefile" | head -n 1)
[ -n "$id" ] || fail "no mutant in the Makefile"
"$CR_RUN_ONE" -q "$T/s" "$id" || fail "cr-run-one failed on a fresh plan"
[ -f "$T/s/results/$id.json" ] || fail "no result written"

# Up to date until the source changes.
make -q -f "$T/s/Makefile" "$T/s/results/$id.json" ||
	fail "a fresh result is out of date"
sleep 1
echo "# edited" >>calc.py
make -q -f "$T/s/Makefile" "$T/s/results/$id.json" &&
	fail "editing calc.py left its mutant up to date"
"$CR_RUN_ONE" -o "$T/r.json" "$T/s" "$id" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "cr-run-one on a stale plan did not exit 1"
grep -q "stale plan: 'calc.py' changed since it was planned" "$T/err" ||
	fail "no stale-plan message: $(cat "$T/err")"
[ -e "$T/r.json" ] && fail "a result was written for a stale plan"

# An unknown ID is an error that names it.
"$CR_RUN_ONE" "$T/s" 0000000000000000 2>"$T/err"
[ $? -eq 1 ] || fail "an unknown ID did not exit 1"
grep -q "0000000000000000" "$T/err" || fail "the unknown ID is not named"

# Planning again picks the edit up; the same mutants keep their IDs.
"$CR_PLAN" -s "$T/s2" -t "$PY -m unittest discover -q -s tests" calc.py \
    >/dev/null || fail "cr-plan failed"
grep -q "$id" "$T/s2/Makefile" || fail "an edit after the code changed an ID"
exit 0

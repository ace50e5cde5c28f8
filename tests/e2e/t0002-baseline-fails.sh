#!/bin/sh
# cr-plan refuses to plan when the unmutated tests fail, and shows why.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture failing)
before=$(snapshot "$P")
cd "$P" || exit 99
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" . >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] || fail "cr-plan exited $rc, not 1"
grep -q "test command fails without any mutation (exit status 1)" "$T/err" ||
	fail "no word on the failing baseline: $(cat "$T/err")"
grep -q "test_centuries" "$T/err" || fail "the test output is not shown"
[ -s "$T/out" ] && fail "cr-plan printed a summary anyway"
[ -e "$T/s/Makefile" ] && fail "a Makefile was written"
[ -e "$T/s/session.db" ] && fail "a session database was written"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
exit 0

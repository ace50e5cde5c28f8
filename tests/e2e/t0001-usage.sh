#!/bin/sh
# Command-line errors exit 2 with a message; --help and --version exit 0.
. "$CR_SRCDIR/tests/e2e/lib.sh"

for cmd in "$CR_PLAN" "$CR_RUN_ONE" "$CR_REPORT"; do
	"$cmd" --help >"$T/out" 2>"$T/err" || fail "$cmd --help exited $?"
	grep -q '^usage: ' "$T/out" || fail "$cmd --help printed no usage on stdout"
	[ -s "$T/err" ] && fail "$cmd --help wrote to stderr"
	"$cmd" -V >"$T/out" || fail "$cmd -V exited $?"
	grep -q "(crmake) [0-9]" "$T/out" || fail "$cmd -V: $(cat "$T/out")"
	"$cmd" --no-such-option >"$T/out" 2>"$T/err"
	[ $? -eq 2 ] || fail "$cmd with a bad option did not exit 2"
	[ -s "$T/out" ] && fail "$cmd with a bad option wrote to stdout"
	grep -q "usage: " "$T/err" || fail "$cmd with a bad option gave no usage"
done

# cr-plan needs a session, a command and a path, and says which is missing.
"$CR_PLAN" -t true . 2>"$T/err"
[ $? -eq 2 ] || fail "cr-plan without --session did not exit 2"
grep -q "missing --session" "$T/err" || fail "no word on the missing session"
"$CR_PLAN" -s s . 2>"$T/err"
[ $? -eq 2 ] || fail "cr-plan without --test-command did not exit 2"
grep -q "missing --test-command" "$T/err" || fail "no word on the missing command"
"$CR_PLAN" -s s -t true --timeout-factor abc . 2>"$T/err"
[ $? -eq 2 ] || fail "a bad --timeout-factor did not exit 2"
grep -q "'abc'" "$T/err" || fail "the bad value is not quoted: $(cat "$T/err")"

# A missing path is an error (1), not a crash, and writes no session.
"$CR_PLAN" -s s -t true no/such/dir 2>"$T/err"
[ $? -eq 1 ] || fail "a missing path did not exit 1"
grep -q "no/such/dir" "$T/err" || fail "the missing path is not named"
[ -e s/Makefile ] && fail "a Makefile was written anyway"

# cr-run-one and cr-report on something that is not a session.
mkdir notasession
"$CR_RUN_ONE" notasession 0123456789abcdef 2>"$T/err"
[ $? -eq 1 ] || fail "cr-run-one on a non-session did not exit 1"
"$CR_REPORT" notasession 2>"$T/err"
[ $? -eq 1 ] || fail "cr-report on a non-session did not exit 1"
grep -q "notasession" "$T/err" || fail "cr-report did not name the directory"
exit 0

#!/bin/sh
# Planning again after an edit keeps every result whose inputs did not
# change, and make's own up-to-date check runs exactly the others: editing
# one function re-runs its mutants, editing one test the mutants it covers
# (and those that run every test), and --rerun OUTCOME just those targets.
# An edit without planning again stops make with a clear message.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
cd "$P" || exit 99
cmd="$PY -m unittest discover -q -s tests"
plan() {
	"$CR_PLAN" -s "$T/s" -t "$cmd" -e 'tests/*' "$@" . >"$T/plan.out" 2>"$T/err" ||
		fail "cr-plan failed: $(cat "$T/err")"
}
# The IDs make -n would run, sorted.
would_run() {
	(cd "$T" && make -n -f "$T/s/Makefile" 2>&1) |
	    sed -n 's|.* -o [^ ]*/results/\([0-9a-f]\{16\}\)\.json .*|\1|p' | sort
}
# The IDs of the mutants in one function, from the plan's listing.
in_function() {
	"$CR_PLAN" --list --json calc.py | "$PY" -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m["scope"] == sys.argv[1]:
        print(m["id"])' "$1" | sort
}
# The IDs whose result says it ran every test.
ran_all() {
	grep -l '"selection":"all"' "$T"/s/results/*.json | sed 's|.*/||; s|\.json$||' | sort
}

plan
(cd "$T" && make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1) || fail "make failed"
[ -z "$(would_run)" ] || fail "a fresh session is not up to date"
# Planning again with nothing changed changes nothing.
plan
[ -z "$(would_run)" ] || fail "planning again made results out of date: $(would_run | head -3)"

# Edit one function (and add a comment and a blank line above it, which
# moves every line below): only its mutants are out of date.
in_function split_minutes >"$T/want"
[ -s "$T/want" ] || exit 99
sleep 1
sed -i 's|^    return total // 60, total % 60$|    minutes = total // 60\n    return minutes, total % 60|; s|^def add(a, b):$|# a comment\n\ndef add(a, b):|' calc.py
grep -q '^    minutes = total // 60$' calc.py || exit 99
# Without planning again, make refuses to run anything.
(cd "$T" && make -s -f "$T/s/Makefile" -j2 >"$T/stale.out" 2>&1) && fail "make ran on a stale plan"
grep -q "changed since cr-plan ran: calc.py" "$T/stale.out" || fail "no stale-plan message: $(cat "$T/stale.out")"
grep -q "run cr-plan again" "$T/stale.out" || fail "no advice: $(cat "$T/stale.out")"
plan
in_function split_minutes >"$T/want"
would_run >"$T/got"
cmp -s "$T/want" "$T/got" || fail "after editing split_minutes: $(diff "$T/want" "$T/got" | head -5)"
(cd "$T" && make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1) || fail "make failed"

# Edit one test: the mutants it covers run again, with those that run every test.
sleep 1
sed -i 's|^        self.assertTrue(calc.in_range(5, 1, 10))$|        self.assertTrue(calc.in_range(5, 1, 10))\n        self.assertTrue(calc.in_range(1, 1, 10))|' tests/test_calc.py
grep -q 'in_range(1, 1, 10)' tests/test_calc.py || exit 99
plan
{ in_function in_range; ran_all; } | sort -u >"$T/want"
would_run >"$T/got"
cmp -s "$T/want" "$T/got" || fail "after editing test_in_range: $(diff "$T/want" "$T/got" | head -5)"
(cd "$T" && make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1) || fail "make failed"
# The new boundary assertion kills a former survivor of in_range.
"$CR_REPORT" --json "$T/s" >"$T/r.json" || fail "cr-report failed"

# --rerun survived: exactly the survivors, and nothing else.
"$PY" -c 'import json, sys; [print(s["id"]) for s in json.load(open(sys.argv[1]))["survivors"]]' \
    "$T/r.json" | sort >"$T/want"
[ -s "$T/want" ] || fail "no survivors to run again"
plan --rerun survived
grep -q "^$(wc -l <"$T/want") results\{0,1\} out of date (--rerun)$" "$T/plan.out" ||
	fail "unexpected --rerun summary: $(cat "$T/plan.out")"
would_run >"$T/got"
cmp -s "$T/want" "$T/got" || fail "--rerun survived: $(diff "$T/want" "$T/got" | head -5)"
"$CR_REPORT" "$T/s" | grep -q "pending *0$" || fail "--rerun lost results"
(cd "$T" && make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1) || fail "make failed"
[ -z "$(would_run)" ] || fail "not up to date after the re-run"

"$CR_PLAN" -s "$T/s" -t "$cmd" --rerun pending . >/dev/null 2>"$T/err"
[ $? -eq 2 ] || fail "--rerun pending did not exit 2"
grep -q "'pending' is not an outcome of a run" "$T/err" || fail "no message: $(cat "$T/err")"
exit 0

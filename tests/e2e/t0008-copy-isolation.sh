#!/bin/sh
# The copy fallback gives the same verdicts as the namespace isolation and
# leaves no copy behind.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
before=$(snapshot "$P")
cd "$P" || exit 99
cmd="$PY -m unittest discover -q -s tests"
"$CR_PLAN" -s "$T/ns" --isolation namespace -t "$cmd" -e tests . >/dev/null ||
	fail "cr-plan failed"
"$CR_PLAN" -s "$T/cp" --isolation copy -t "$cmd" -e tests . >/dev/null ||
	fail "cr-plan failed"
mkdir "$T/tmp"
TMPDIR=$T/tmp make -s -f "$T/ns/Makefile" -j2 >"$T/ns.out" 2>&1 || fail "namespace run failed"
TMPDIR=$T/tmp make -s -f "$T/cp/Makefile" -j2 >"$T/cp.out" 2>&1 || fail "copy run failed"
outcomes "$T/ns" >"$T/ns.txt"
outcomes "$T/cp" >"$T/cp.txt"
cmp -s "$T/ns.txt" "$T/cp.txt" || fail "verdicts differ: $(diff "$T/ns.txt" "$T/cp.txt" | head)"
grep -q '"isolation": *"copy"' "$T"/cp/results/*.json || fail "copy mode was not used"
grep -q '"isolation": *"namespace"' "$T"/ns/results/*.json || fail "namespace mode was not used"
# The warm worker needs the namespace: each copy run is cold, and says why.
n=$(ls "$T"/cp/results/*.json | wc -l)
c=$(grep -l '"cold_reason":"copy isolation"' "$T"/cp/results/*.json | wc -l)
[ "$n" -gt 0 ] && [ "$c" -eq "$n" ] || fail "$c of $n copy runs say they were cold for the copy isolation"
"$CR_REPORT" "$T/cp" | grep -q "^runs: 0 warm, $n cold (copy isolation $n)\$" ||
	fail "the report of the copy runs: $("$CR_REPORT" "$T/cp" | grep '^runs')"
[ -z "$(ls -A "$T/tmp")" ] || fail "temporary files left: $(ls -A "$T/tmp")"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
exit 0

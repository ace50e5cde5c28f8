#!/bin/sh
# Session faults (bench/session-faults.sh, which says what each case must
# show): corrupt results, a newer schema, a missing or read-only session,
# two makes at once, reports during a run, a full disk, an edit mid-run.
. "$CR_SRCDIR/tests/e2e/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: mounts need root" >&2; exit 77; }
sh "$CR_SRCDIR/bench/session-faults.sh" "$CR_BUILDDIR" >"$T/out" 2>&1 ||
	fail "session faults: $(grep -v '^cr-run-one\|^\[' "$T/out")"
grep -v '^cr-run-one\|^\[' "$T/out"
tail -n 1 "$T/out" | grep -q "^session faults: 8 cases, 0 failed, 0 results lost, 0 half results$" ||
	fail "unexpected summary: $(tail -n 1 "$T/out")"
exit 0

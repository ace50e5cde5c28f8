#!/bin/sh
# A short kill campaign (bench/kill-campaign.sh, which says what it checks):
# make, cr-run-one, a test process or the warm worker killed at random
# moments, resumed each time; the verdicts are those of an uninterrupted
# run, and nothing is half written or left behind.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }
KILLS=${KILLS:-12} SEED=${SEED:-$$} sh "$CR_SRCDIR/bench/kill-campaign.sh" \
    "$CR_BUILDDIR" >"$T/out" 2>&1 || fail "the kill campaign: $(grep -v '^round' "$T/out")"
grep -v '^round' "$T/out"
tail -n 1 "$T/out" | grep -q ", 0 lost, 0 half results, 0 mounts, 0 processes, 0 temporary directories, 0 groups, tree unchanged$" ||
	fail "unexpected summary: $(tail -n 1 "$T/out")"
exit 0

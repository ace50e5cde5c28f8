#!/bin/sh
# Hostile mutants are contained and classified, warm and cold alike (the
# campaign bench/hostile-campaign.sh, which says what each case must show):
# an endless loop, a grandchild that ignores SIGTERM, a daemon, a fork
# storm, a test that rewrites the project, one that fills /tmp, a gigabyte
# of output and a memory hog; nothing is left behind.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }
sh "$CR_SRCDIR/bench/hostile-campaign.sh" "$CR_BUILDDIR" >"$T/out" 2>&1 ||
	fail "the hostile campaign: $(cat "$T/out")"
cat "$T/out"
tail -n 1 "$T/out" | grep -q "^hostile: 8 cases, [0-9]* warm and 8 cold runs, 0 wrong, 0 processes, 0 mounts, 0 groups, 0 files left, tree unchanged$" ||
	fail "unexpected summary: $(tail -n 1 "$T/out")"
exit 0

#!/bin/sh
# Warm and cold give the same verdict on code no one here wrote: a spread
# sample of the mutants of fractions.py and statistics.py, each against its
# own unit tests from Python's test suite (Debian's libpython3.11-testsuite).
# SAMPLE sets how many mutants of each module (default 40).
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }
STDLIB=/usr/lib/python3.11
N=${SAMPLE:-40}

for m in fractions statistics; do
	[ -f "$STDLIB/test/test_$m.py" ] ||
		fail "no $STDLIB/test/test_$m.py (install libpython3.11-testsuite)"
	P=$T/$m
	mkdir "$P" && cp "$STDLIB/$m.py" "$P/" || exit 99
	(cd "$P" && "$CR_PLAN" -s "$T/s-$m" -t "PYTHONPATH=. $PY -m unittest -q test.test_$m" \
	    "$m.py" >"$T/$m.plan" 2>"$T/err") || fail "cr-plan ($m) failed: $(cat "$T/err")"
	# N targets spread evenly over the plan.
	make -s -n -f "$T/s-$m/Makefile" V=1 |
	    grep -o "[^ '\"]*/results/[0-9a-f]*\\.json" | awk '!seen[$0]++' >"$T/$m.all"
	total=$(wc -l <"$T/$m.all")
	[ "$total" -ge "$N" ] || fail "$m: only $total mutants planned"
	awk -v n="$N" -v t="$total" 'BEGIN { for (i = 0; i < n; i++) want[int(i * t / n) + 1] = 1 }
	    want[NR]' "$T/$m.all" >"$T/$m.targets"
	before=$(snapshot "$P")
	# shellcheck disable=SC2046
	(cd "$T" && make -s -k -f "$T/s-$m/Makefile" -j2 $(cat "$T/$m.targets") \
	    >"$T/$m-warm.make" 2>&1) || fail "make ($m, warm) failed: $(tail -3 "$T/$m-warm.make")"
	grep -q "no warm worker" "$T/$m-warm.make" &&
		fail "$m: no warm worker: $(grep 'no warm worker' "$T/$m-warm.make")"
	make -s -f "$T/s-$m/Makefile" stop || fail "make stop failed"
	mv "$T/s-$m/results" "$T/$m-warm" && mkdir "$T/s-$m/results" || exit 99
	# shellcheck disable=SC2046
	(cd "$T" && make -s -k -f "$T/s-$m/Makefile" -j2 CR_WARM=0 $(cat "$T/$m.targets") \
	    >"$T/$m-cold.make" 2>&1) || fail "make ($m, cold) failed: $(tail -3 "$T/$m-cold.make")"
	# Most of a standard module's mutants are in function bodies: they run warm.
	# A mutant that one mode alone kills and lets survive (an unseeded
	# random test decides) is not compared; see warmcold.py.
	(cd "$T" && "$PY" "$CR_SRCDIR/tests/e2e/warmcold.py" "$m" "$T/$m-warm" \
	    "$T/s-$m/results" $((N / 2)) "$N" "$T/s-$m") || fail "$m: warm and cold disagree"
	make -s -f "$T/s-$m/Makefile" stop || fail "make stop failed"
	[ "$before" = "$(snapshot "$P")" ] || fail "$m: the project tree changed"
	assert_no_mounts "$P"
done
exit 0

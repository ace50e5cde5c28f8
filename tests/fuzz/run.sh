#!/bin/sh
# Each libFuzzer target over its kept corpus (tests/fuzz/corpus/TARGET;
# the planner's is seeded with the fixtures' and examples' Python files) for
# FUZZ_SECONDS (default 20) each, on a copy, so that the source tree is not
# written. Any crash, sanitizer report or broken promise fails; the input
# that caused it is left in the build directory as crash-*.
: "${CR_BUILDDIR:?run through make check}"
: "${CR_SRCDIR:?run through make check}"
seconds=${FUZZ_SECONDS:-20}
status=0
for t in $CR_FUZZ_TARGETS; do
	name=${t##*/}
	work=$CR_BUILDDIR/tests/fuzz/$name.corpus
	rm -rf "$work" && mkdir -p "$work" || exit 99
	sh "$CR_SRCDIR/tests/fuzz/seed.sh" "$CR_SRCDIR" "$name" "$work" || exit 99
	if (cd "$CR_BUILDDIR/tests/fuzz" && "$CR_BUILDDIR/$t" -max_total_time="$seconds" \
	    -max_len=65536 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
	    "$work" >"$name.log" 2>&1); then
		echo "ok: $name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$CR_BUILDDIR/tests/fuzz/$name.log" | grep -o '[0-9]*$') executions, corpus $(ls "$work" | wc -l)"
	else
		echo "FAIL: $name:"
		grep -A 30 -E 'ERROR|fuzz-[a-z]+:|runtime error|deadly signal' "$CR_BUILDDIR/tests/fuzz/$name.log" | head -n 60
		status=1
	fi
	rm -rf "$work"
done
exit "$status"

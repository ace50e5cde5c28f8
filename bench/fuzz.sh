#!/bin/sh
# Fuzzing campaign: the libFuzzer targets of a build configured with
# --enable-fuzzing (CC=clang), longer than make check's short runs.
#
# Usage: sh bench/fuzz.sh [FUZZ_BUILD]   (default: build-fuzz at the top)
#
# The planner (fuzz-plan) runs in JOBS processes (default 2) until they
# have made EXECS executions between them (default 10,000,000) or
# PLAN_SECONDS have passed (default 3600), over inputs up to MAX_LEN bytes
# (default 4096), an input failing after TIMEOUT seconds (default 60: a
# broken splice can keep tree-sitter's error recovery busy for seconds on
# a loaded machine); the result-file reader (fuzz-result) and the session
# rows (fuzz-session) run OTHER_SECONDS each (default 300). Each starts from
# its seeds (tests/fuzz/seed.sh) and works on a copy; with MERGE=1 the inputs
# that add coverage are merged back into the kept corpus. It stops by
# itself. Prints, per target, executions, executions a second, crashes
# (crash-*, leak-*, timeout-* and oom-* inputs, left in the work
# directory), slow inputs (slow-unit-*, over 10 s: counted apart) and
# corpus size, writes the same as table rows to bench/reliability/fuzz.out
# for bench/reliability.sh, and adds a line a target to
# bench/reliability/fuzz-history (date, commit, target, executions,
# seconds, crashes): with MERGE=1 each campaign goes on from the corpus the
# last one kept, and the rows give the executions of all of them.
# REPORT_ONLY=1 WORK=DIR [COMMIT=REV] prints and records the figures of a
# campaign already run in DIR.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-fuzz}
[ -x "$build/tests/fuzz/fuzz-plan" ] || {
	echo "fuzz.sh: no $build/tests/fuzz/fuzz-plan: configure CC=clang --enable-fuzzing there and make check" >&2
	exit 2; }
build=$(cd "$build" && pwd)
jobs=${JOBS:-2}
execs=${EXECS:-10000000}
plan_seconds=${PLAN_SECONDS:-3600}
other_seconds=${OTHER_SECONDS:-300}
max_len=${MAX_LEN:-4096}
work=${WORK:-$build/fuzz-campaign}
commit=${COMMIT:-$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)}
if [ "${REPORT_ONLY:-0}" != 1 ]; then
	rm -rf "$work" && mkdir -p "$work" || exit 2
fi
out=$top/bench/reliability
mkdir -p "$out"
: >"$work/table"
status=0

# run TARGET SECONDS RUNS JOBS
run() {
	t=$1
	dir=$work/$t
	mkdir -p "$dir/corpus" "$dir/artifacts"
	sh "$top/tests/fuzz/seed.sh" "$top" "$t" "$dir/corpus" || exit 2
	start=$(date +%s)
	(cd "$dir" && "$build/tests/fuzz/$t" -jobs="$4" -workers="$4" \
	    -runs="$3" -max_total_time="$2" -max_len="$max_len" -timeout="${TIMEOUT:-60}" \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$dir/artifacts/" corpus >"$dir/main.log" 2>&1)
	echo $(($(date +%s) - start)) >"$dir/seconds"
	report "$t" "$4"
}

# report TARGET JOBS: the figures of a target's run in the work directory
# (REPORT_ONLY=1: of one already made there).
report() {
	t=$1
	dir=$work/$t
	seconds=$(cat "$dir/seconds")
	# Each job's log has its final figures; main.log repeats them all.
	logs=$(ls "$dir"/fuzz-*.log 2>/dev/null || echo "$dir/main.log")
	# shellcheck disable=SC2086
	n=$(cat $logs | sed -n 's/^stat::number_of_executed_units: *//p' |
	    awk '{ s += $1 } END { print s + 0 }')
	crashes=$(ls "$dir/artifacts" | grep -c '^\(crash\|leak\|timeout\|oom\)-')
	slow=$(ls "$dir/artifacts" | grep -c '^slow-unit-')
	corpus=$(ls "$dir/corpus" | wc -l)
	rate=$(awk -v n="$n" -v s="$seconds" 'BEGIN { printf "%d", (s > 0 ? n / s : 0) }')
	echo "$t: $n executions in $seconds s ($rate a second, $2 jobs), $crashes crashes, $slow slow inputs, corpus $corpus inputs"
	[ "$crashes" -eq 0 ] || { ls "$dir/artifacts" | grep -v '^slow-unit-' | sed 's/^/  /'; status=1; }
	# Every campaign, in the history kept beside the table: the runs go
	# on from the kept corpus, so their executions add up.
	echo "$(date -u +%F) $commit $t $n $seconds $crashes" >>"$out/fuzz-history"
	all=$(awk -v t="$t" '$3 == t { n += $4; r++ } END { printf "%d over %d run%s", n, r, r == 1 ? "" : "s" }' "$out/fuzz-history")
	since=$(awk -v t="$t" '$3 == t { print $1; exit }' "$out/fuzz-history")
	printf 'TABLE fuzz: %s|%s executions|0|0|%s|%s a second over %s s, corpus %s inputs; %s since %s (bench/reliability/fuzz-history)\n' \
	    "${t#fuzz-}" "$n" "$crashes" "$rate" "$seconds" "$corpus" "$all" "$since" >>"$work/table"
	if [ "${MERGE:-0}" = 1 ]; then
		kept=$top/tests/fuzz/corpus/$t
		mkdir -p "$kept"
		"$build/tests/fuzz/$t" -merge=1 -max_len="$max_len" \
		    "$kept" "$dir/corpus" >"$dir/merge.log" 2>&1
		# The seeds are read where they are (seed.sh), not kept twice.
		find "$top/tests/fixtures" "$top/examples" -name '*.py' -exec sha1sum {} + |
		    while read -r sum _; do rm -f "$kept/$sum"; done
	fi
}

if [ "${REPORT_ONLY:-0}" = 1 ]; then
	report fuzz-plan "$jobs"
	report fuzz-result 1
	report fuzz-session 1
else
	# The planner: execs between the jobs, each its share.
	run fuzz-plan "$plan_seconds" $((execs / jobs)) "$jobs"
	run fuzz-result "$other_seconds" -1 1
	run fuzz-session "$other_seconds" -1 1
fi
cp "$work/table" "$out/fuzz.out"
exit "$status"

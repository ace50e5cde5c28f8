#!/bin/sh
# Mutation-tests a copy of the standard library's fractions.py against test.test_fractions, and times it.
#
# Usage: sh bench/run-fractions.sh [BIN]
# BIN holds cr-plan, cr-run-one and cr-report (default: $CR_BIN, else build/
# at the top of the repository).
# Environment: JOBS (make -j, default 2); MAX_MUTANTS runs only that many
# mutants, spread evenly over the file; RUNS is the number of timed bare runs
# (default 5; the median is reported); STDLIB (default /usr/lib/python3.11).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${CR_BIN:-$top/build}}
test -d "$bin" || { echo "run-fractions.sh: no directory $bin (build crmake, or give BIN)" >&2; exit 1; }
bin=$(cd "$bin" && pwd)
stdlib=${STDLIB:-/usr/lib/python3.11}
jobs=${JOBS:-2}
runs=${RUNS:-5}
max=${MAX_MUTANTS:-0}
py=/usr/bin/python3
cmd="PYTHONPATH=. $py -m unittest -q test.test_fractions"

for p in cr-plan cr-run-one cr-report; do
	test -x "$bin/$p" || { echo "run-fractions.sh: no $p in $bin" >&2; exit 1; }
done
test -f "$stdlib/test/test_fractions.py" || {
	echo "run-fractions.sh: no $stdlib/test/test_fractions.py (Debian package libpython3.11-testsuite)" >&2
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
project=$tmp/project
session=$tmp/session
mkdir "$project"
cp "$stdlib/fractions.py" "$project/fractions.py"
cd "$project"

# The copy must be the module the tests import: a broken copy must fail them.
export PYTHONPYCACHEPREFIX="$tmp/pycache"
where=$($py -c 'import fractions; print(fractions.__file__)')
test "$where" = "$project/fractions.py" || {
	echo "run-fractions.sh: fractions comes from $where, not the copy" >&2
	exit 1
}
mkdir "$tmp/check"
cp fractions.py "$tmp/check/fractions.py"
echo 'raise ImportError("the copy is imported")' >>"$tmp/check/fractions.py"
if (cd "$tmp/check" && sh -c "$cmd") >/dev/null 2>&1; then
	echo "run-fractions.sh: the tests pass with a broken copy: it is not the one imported" >&2
	exit 1
fi

# Bare test command: median of RUNS runs.
bare=$($py - "$cmd" "$runs" <<'EOF'
import statistics, subprocess, sys, time
cmd, runs = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
    if r.returncode:
        sys.exit("run-fractions.sh: the unmutated tests fail")
print("%.4f" % statistics.median(times))
EOF
)
unset PYTHONPYCACHEPREFIX
rm -rf "$tmp/pycache"

"$bin/cr-plan" --session "$session" --test-command "$cmd" fractions.py

# The targets, as make knows them, from the recipes of a dry run.
make -f "$session/Makefile" -n V=1 2>/dev/null |
    grep -o "[^ '\"]*results/[^ '\"]*\\.json" | awk '!seen[$0]++' >"$tmp/targets" || true
total=$(wc -l <"$tmp/targets")
if test "$total" -eq 0; then
	echo "run-fractions.sh: no mutant targets found in $session/Makefile" >&2
	exit 1
fi
if test "$max" -gt 0 && test "$max" -lt "$total"; then
	awk -v n="$max" -v t="$total" \
	    'BEGIN { for (i = 0; i < n; i++) want[int(i * t / n) + 1] = 1 }
	     want[NR]' "$tmp/targets" >"$tmp/chosen"
else
	cp "$tmp/targets" "$tmp/chosen"
fi
n=$(wc -l <"$tmp/chosen")
echo "running $n of $total mutants with make -j$jobs"

start=$($py -c 'import time; print(time.time())')
# shellcheck disable=SC2046
make -s -f "$session/Makefile" -j"$jobs" CR_RUN_ONE="$bin/cr-run-one" \
    $(cat "$tmp/chosen")
end=$($py -c 'import time; print(time.time())')

"$bin/cr-report" --json "$session" >"$tmp/report.json" || true
$py - "$n" "$total" "$start" "$end" "$bare" "$jobs" "$tmp/report.json" \
    "$tmp/chosen" <<'EOF'
import json, os, sys
n, total = int(sys.argv[1]), int(sys.argv[2])
start, end, bare = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
jobs, report, chosen = sys.argv[6], sys.argv[7], sys.argv[8]
OUTCOMES = ("killed", "survived", "timeout", "incompetent", "skipped", "pending")

def find_counts(x):
    """The first object with counts keyed by outcome names, depth first."""
    if isinstance(x, dict):
        keys = [k for k in OUTCOMES if isinstance(x.get(k), int)]
        if len(keys) >= 2:
            return {k: x[k] for k in keys}
        values = x.values()
    elif isinstance(x, list):
        values = x
    else:
        return None
    for v in values:
        c = find_counts(v)
        if c:
            return c
    return None

def count_results(paths):
    """Fallback: count the outcome field of each result file that was made."""
    counts, durations = {}, []
    for p in paths:
        try:
            with open(p) as f:
                r = json.load(f)
        except (OSError, ValueError):
            continue
        counts[r.get("outcome", "?")] = counts.get(r.get("outcome", "?"), 0) + 1
        if isinstance(r.get("duration"), (int, float)):
            durations.append(r["duration"])
    return counts, durations

try:
    with open(report) as f:
        counts = find_counts(json.load(f))
except (OSError, ValueError):
    counts = None
with open(chosen) as f:
    paths = f.read().split()
from_files, durations = count_results(paths)
wall = end - start
per = wall / n
print("mutants:            %d (of %d planned)" % (n, total))
print("wall seconds:       %.2f (make -j%s)" % (wall, jobs))
print("seconds per mutant: %.3f" % per)
print("bare test seconds:  %.3f (median)" % bare)
print("ratio:              %.2f (per mutant / bare)" % (per / bare))
if durations:
    mean = sum(durations) / len(durations)
    print("mean test run:      %.3f s per mutant, %.2f x bare" % (mean, mean / bare))
if counts:
    print("outcomes (cr-report --json, whole session): " +
          ", ".join("%s %d" % kv for kv in counts.items()))
else:
    print("outcomes: cr-report --json gave no counts")
print("outcomes (result files of this run): " +
      ", ".join("%s %d" % kv for kv in sorted(from_files.items())))
EOF

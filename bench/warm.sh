#!/bin/sh
# Warm against cold runs: mutants per second with make -jJOBS, in one run.
#
# Usage: sh bench/warm.sh [BIN]
# BIN holds cr-plan, cr-run-one and cr-report (default: $CR_BIN, else build/
# at the top of the repository).
#
# Projects (PROJECTS, default "heavy fractions statistics"):
#   fractions, statistics  a copy of /usr/lib/python3.11/MODULE.py against
#                          test.test_MODULE (Debian's libpython3.11-testsuite)
#   heavy                  a copy of examples/inventory (pytest) whose
#                          conftest.py imports a module that takes about
#                          HEAVY_SECONDS (default 0.5) of CPU to import, as
#                          large libraries and plugins do
# Each is planned once, and its mutants run twice in the one session: first
# with CR_WARM=0, then with the warm worker, so that both runs have the same
# plan (the same tests, in the same order). The script prints mutants per
# second for both, the ratio, whether every verdict agrees (a mutant whose
# verdicts differ runs AGAIN, default 4, more times each way: a difference
# is kept only if both paths ran it and no outcome shows up on both (a warm
# run may go cold); one that a path gives both ways is the tests' own,
# random data or a time limit near, and is counted apart), and the warm path's
# overhead per mutant: the wall-clock time of one cr-run-one, run alone,
# less the selected tests' own time in the baseline, over the warm mutants
# in functions that survive (they run every selected test; fresh runs, of
# code outside functions, import the project, and are counted apart, with
# their median time warm and cold), and less the time the same
# run's tests took in its child, which leaves out how much the tests' own
# time varies from the baseline's (much, for suites of slow tests). The
# fork floor is what those survivors' tests cost in a forked child of a
# process that collected them,
# with no crmake code (bench/forkfloor.py): what the machine and the test
# framework charge any warm runner. Where mutants time out, the script also
# prints the most that warm could gain over cold with them: a timeout takes
# its time limit either way (the same limit, for the same verdict), so cold's
# time over the warm timeouts' own bounds the ratio. It counts the mutants
# in which a test overran its CPU budget and was set aside (run last), and
# their time.
#
# Environment: JOBS (make -j, default 2); MAX_MUTANTS runs that many of each
# project's mutants, spread evenly (default 300; 0 runs them all);
# OVERHEAD_SAMPLE, how many survivors time the overhead (default 20); AGAIN,
# how many more runs each way a differing verdict gets (default 4);
# STDLIB (default /usr/lib/python3.11); KEEP=1 keeps the sessions.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bin=${1:-${CR_BIN:-$top/build}}
test -d "$bin" || { echo "warm.sh: no directory $bin (build crmake, or give BIN)" >&2; exit 1; }
bin=$(cd "$bin" && pwd)
stdlib=${STDLIB:-/usr/lib/python3.11}
jobs=${JOBS:-2}
max=${MAX_MUTANTS:-300}
sample=${OVERHEAD_SAMPLE:-20}
projects=${PROJECTS:-heavy fractions statistics}
heavy_seconds=${HEAVY_SECONDS:-0.5}
py=/usr/bin/python3
status=0

for p in cr-plan cr-run-one cr-report; do
	test -x "$bin/$p" || { echo "warm.sh: no $p in $bin" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench.XXXXXX")
cleanup() {
	for s in "$tmp"/*/warm; do
		test -f "$s/Makefile" && make -s -f "$s/Makefile" stop CR_RUN_ONE="$bin/cr-run-one" 2>/dev/null
	done
	if test -n "${KEEP:-}"; then
		echo "warm.sh: sessions kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() {
	$py -c 'import time; print("%.3f" % time.time())'
}

# The heavy project: examples/inventory, and a conftest.py import that costs CPU.
make_heavy() {
	cp -R "$top/examples/inventory" "$1"
	find "$1" -name __pycache__ -prune -exec rm -rf {} +
	# Calibrate the import to take about HEAVY_SECONDS of CPU here.
	rounds=$($py - "$heavy_seconds" <<'EOF'
import hashlib, sys, time
want = float(sys.argv[1])

def rate(n):
    t = time.process_time()
    h = b""
    for i in range(n):
        h = hashlib.sha256(h + i.to_bytes(4, "little")).digest()
    return n / (time.process_time() - t)

# The best of five runs of about 0.2 s each: a busy moment slows one, not all.
n = 20000
while n / rate(n) < 0.2:
    n *= 2
print(int(want * max(rate(n) for _ in range(5))))
EOF
)
	cat >"$1/heavy_library.py" <<EOF
"""Stands for the large libraries and plugins a real suite imports."""
import hashlib

_h = b""
for _i in range($rounds):
    _h = hashlib.sha256(_h + _i.to_bytes(4, "little")).digest()
DIGEST = _h.hex()
EOF
	printf 'import heavy_library  # noqa: F401\n' >"$1/tests/conftest.py"
}

for project in $projects; do
	d=$tmp/$project
	mkdir -p "$d"
	case $project in
	heavy)
		make_heavy "$d/project"
		cmd="$py -m pytest -q -x -p no:cacheprovider tests"
		paths=inventory
		;;
	*)
		test -f "$stdlib/test/test_$project.py" || {
			echo "warm.sh: no $stdlib/test/test_$project.py (Debian package libpython3.11-testsuite)" >&2
			exit 1
		}
		mkdir "$d/project"
		cp "$stdlib/$project.py" "$d/project/$project.py"
		cmd="PYTHONPATH=. $py -m unittest -q test.test_$project"
		paths=$project.py
		;;
	esac
	cd "$d/project"
	echo "== $project: $cmd"
	if test "$project" = heavy; then
		$py -c 'import time; t = time.process_time(); import heavy_library; print("heavy_library import: %.2f s of CPU" % (time.process_time() - t))'
	fi
	# shellcheck disable=SC2086
	"$bin/cr-plan" --session "$d/warm" --test-command "$cmd" $paths

	targets "$d/warm" >"$d/ids"
	spread "$max" "$d/ids" >"$d/run"
	cd "$d"
	for mode in cold warm; do
		flags=
		test "$mode" = cold && flags=CR_WARM=0
		start=$(now)
		# shellcheck disable=SC2046,SC2086
		make -s -k -f "$d/warm/Makefile" -j"$jobs" $flags \
		    $(sed "s|^|$d/warm/results/|; s|\$|.json|" "$d/run") \
		    >"$d/make.$mode" 2>&1 || true
		end=$(now)
		echo "$start $end" >"$d/time.$mode"
		# The cold results make way for the warm run's.
		test "$mode" = cold && mv "$d/warm/results" "$d/warm/results.cold"
	done

	# Overhead: survivors that ran warm, one at a time, nothing else running.
	$py - "$d" "$sample" >"$d/survivors" <<'EOF'
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
out = []
for name in sorted(os.listdir(os.path.join(d, "warm", "results"))):
    r = json.load(open(os.path.join(d, "warm", "results", name)))
    # Fresh runs (code outside functions) import the project: not this figure's.
    if r["outcome"] == "survived" and r.get("mode") == "warm" and r.get("selection") == "tests":
        out.append(r["id"])
step = max(1, len(out) // n) if out else 1
print("\n".join(out[::step][:n]))
EOF
	: >"$d/overhead"
	# Started from this shell, the worker lives through the loop; one that
	# cr-run-one started would be started by the first sample and timed in it.
	(cd "$d" && "$bin/cr-run-one" --start-worker "$d/warm") || true
	for id in $(cat "$d/survivors"); do
		$py - "$bin/cr-run-one" "$d/warm" "$id" "$d/one.json" >>"$d/overhead" <<'EOF'
import json, subprocess, sys, time
t = time.perf_counter()
subprocess.run([sys.argv[1], "-q", "-o", sys.argv[4], sys.argv[2], sys.argv[3]], check=True)
wall = time.perf_counter() - t
r = json.load(open(sys.argv[4]))
tests = r.get("tests_seconds")
print(sys.argv[3], "%.4f" % wall, "%.4f" % tests if isinstance(tests, (int, float)) else "-",
      r.get("mode") or "-")
EOF
	done
	make -s -f "$d/warm/Makefile" stop CR_RUN_ONE="$bin/cr-run-one" 2>/dev/null || true

	# The floor: the same survivors' tests in a forked child, without crmake.
	$py - "$d" >"$d/floor.sel" <<'EOF'
import os, sqlite3, sys
d = sys.argv[1]
db = sqlite3.connect("file:%s?mode=ro" % os.path.join(d, "warm", "session.db"), uri=True)
for i in open(os.path.join(d, "survivors")).read().split():
    names = [r[0] for r in db.execute(
        "select t.name from mutants m join mutant_tests mt on mt.mutant = m.rowid "
        "join tests t on t.id = mt.test where m.id = ? order by t.wall, t.runner, t.name", (i,))]
    if names:
        print("\t".join(names))
EOF
	: >"$d/floor"
	if test -s "$d/floor.sel"; then
		case $project in
		heavy) (cd "$d/project" && $py "$top/bench/forkfloor.py" pytest "$d/floor.sel" tests) ;;
		*) (cd "$d/project" && PYTHONPATH=. $py "$top/bench/forkfloor.py" unittest "$d/floor.sel") ;;
		esac >"$d/floor" 2>"$d/floor.err" || : >"$d/floor"
	fi

	# A difference is reported, and the other projects still run.
	$py - "$project" "$d" "$jobs" "$bin/cr-run-one" <<'EOF' || status=1
import json, os, sqlite3, subprocess, sys
project, d, jobs, run_one = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
run = open(os.path.join(d, "run")).read().split()

def load(mode):
    out = {}
    for i in run:
        p = os.path.join(d, "warm", "results" if mode == "warm" else "results.cold", i + ".json")
        if os.path.exists(p):
            out[i] = json.load(open(p))
    return out

def seconds(mode):
    a, b = map(float, open(os.path.join(d, "time." + mode)).read().split())
    return b - a

warm, cold = load("warm"), load("cold")
n = len(run)
tw, tc = seconds("warm"), seconds("cold")
modes = {}
colds = {}
for r in warm.values():
    modes[r.get("mode")] = modes.get(r.get("mode"), 0) + 1
    if r.get("mode") == "cold":
        why = r.get("cold_reason") or "no reason given"
        colds[why] = colds.get(why, 0) + 1
differ = [i for i in run if i in warm and i in cold and warm[i]["outcome"] != cold[i]["outcome"]]
missing = [i for i in run if i not in warm or i not in cold]
db = sqlite3.connect("file:%s?mode=ro" % os.path.join(d, "warm", "session.db"), uri=True)
overheads = []
own = []
went_cold = 0
for line in open(os.path.join(d, "overhead")):
    i, wall, ran, mode = line.split()
    if mode != "warm":
        # The warm path's cost is measured where it ran: a run that went
        # cold (its result's cold_reason says why) has the cold start-up.
        went_cold += 1
        continue
    tests = db.execute("select sum(t.wall) from mutants m join mutant_tests mt on mt.mutant = m.rowid "
                       "join tests t on t.id = mt.test where m.id = ?", (i,)).fetchone()[0] or 0.0
    overheads.append((float(wall) - tests, float(wall), tests))
    if ran != "-":
        own.append(float(wall) - float(ran))
print("mutants run:          %d (make -j%s)" % (n, jobs))
print("cold:                 %.1f s, %.1f mutants/s" % (tc, n / tc))
print("warm:                 %.1f s, %.1f mutants/s (%s)" % (tw, n / tw, ", ".join(
    "%s %d" % (k, v) for k, v in sorted(modes.items(), key=lambda kv: str(kv[0])))))
if colds:
    print("  ran cold:           %s" % ", ".join(
        "%s %d" % (k, v) for k, v in sorted(colds.items(), key=lambda kv: (-kv[1], kv[0]))))
print("speed-up:             %.2fx" % (tc / tw))
def again(i, cold):
    """The mutant's result on one more run, alone, with --cold or not; None if it wrote none."""
    out = os.path.join(d, "again.json")
    if os.path.exists(out):
        os.unlink(out)
    done = subprocess.run([run_one, "-q", "-o", out] + (["--cold"] if cold else []) +
                          [os.path.join(d, "warm"), i], check=False)
    try:
        r = json.load(open(out))
    except (OSError, ValueError):
        return None
    return r if done.returncode == 0 and r.get("id") == i else None

# Each differing mutant runs AGAIN more times each way, one at a time. The
# runs are told apart by the path they took (a warm run may go cold): the
# difference is kept if both paths ran it and no outcome shows up on both,
# so that the path decides it. Tests that decide it themselves (random data,
# a time limit near) show an outcome on both paths.
again_n = int(os.environ.get("AGAIN") or 4)
seen = {}
if differ:
    # Started here, the worker serves the second warm runs, none of which starts it.
    subprocess.run([run_one, "--start-worker", os.path.join(d, "warm")], check=False)
for i in differ:
    runs = [cold[i], warm[i]]
    for _ in range(again_n):
        runs += [again(i, True), again(i, False)]
    by = {"warm": set(), "cold": set()}
    for r in runs:
        if r is not None and r.get("mode") in by:
            by[r["mode"]].add(r["outcome"])
    seen[i] = (by["cold"], by["warm"], runs.count(None))
kept = [i for i in differ if seen[i][0] and seen[i][1] and not seen[i][0] & seen[i][1]]
print("verdicts that differ: %d%s; %d of them kept on %d more runs each way%s" % (
    len(differ), "" if not missing else " (%d without a result)" % len(missing), len(kept), again_n,
    "" if len(kept) == len(differ) else
    " (the others: an outcome on both paths, or one path alone ran them: the tests decide them)"))

def spent(results, timeouts):
    return sum(r.get("duration") or 0.0 for r in results.values()
               if (r["outcome"] == "timeout") == timeouts)
nt = sum(1 for r in cold.values() if r["outcome"] == "timeout")
if nt:
    # Timeouts take the time limit whichever path runs them.
    print("timeouts:             %d, %.1f s of the mutants' run time warm and %.1f s cold; the "
          "others took %.1f s warm and %.1f s cold (%.2fx)" % (
              nt, spent(warm, True), spent(cold, True), spent(warm, False), spent(cold, False),
              spent(cold, False) / max(spent(warm, False), 1e-9)))
    # Each timeout takes its time limit on whichever path runs it, and the
    # limits are the same on both so that the verdicts are: with nothing
    # else costing anything, the warm run would still take that long.
    print("timeouts' bound:      %.2fx: cold's time over the warm timeouts' own (%.1f s at -j%s), "
          "were every other mutant free" % (
              tc / max(spent(warm, True) / int(jobs), 1e-9), spent(warm, True) / int(jobs), jobs))
# Fresh runs: mutants outside functions, imported anew in a child of the
# worker's fresh server, against the same mutants' cold runs.
fresh = [i for i, r in warm.items() if r.get("mode") == "warm" and r.get("selection") != "tests"
         and i in cold]
if fresh:
    def median(v):
        v = sorted(v)
        return v[len(v) // 2]
    fw = [warm[i].get("duration") or 0.0 for i in fresh]
    fc = [cold[i].get("duration") or 0.0 for i in fresh]
    print("fresh runs:           %d, %.1f ms median warm and %.1f ms cold (%.1f s and %.1f s "
          "of run time)" % (len(fresh), 1000 * median(fw), 1000 * median(fc), sum(fw), sum(fc)))
# A test that overran its CPU budget ran after the others; the runs cut
# short are in the mutant's time.
aside = [sum(1 for r in rs.values() if r.get("set_aside")) for rs in (warm, cold)]
if any(aside):
    print("tests set aside:      in %d mutants warm and %d cold, %.1f s and %.1f s of run time" % (
        aside[0], aside[1],
        sum(r.get("duration") or 0.0 for r in warm.values() if r.get("set_aside")),
        sum(r.get("duration") or 0.0 for r in cold.values() if r.get("set_aside"))))
for i in differ[:10]:
    w, c = warm[i], cold[i]
    def said(r):
        return r["outcome"] + (" by " + r["killed_by"] if r.get("killed_by") else "") + \
            (" (%s limit)" % r["limit"] if r.get("limit") else "")
    cs, ws, lost = seen[i]
    print("  %s %s:%d %s: cold %s, warm %s; over %d runs, on the cold path %s, on the warm path %s%s"
          % (i, w["path"], w["line"], w["operator"], said(c), said(w), 2 * (again_n + 1),
             "/".join(sorted(cs)) or "none", "/".join(sorted(ws)) or "none",
             "; %d runs wrote no result" % lost if lost else ""))
floor = open(os.path.join(d, "floor")).read().strip()
if overheads:
    overheads.sort()
    mean = sum(o[0] for o in overheads) / len(overheads)
    med = overheads[len(overheads) // 2][0]
    print("warm overhead:        %.1f ms per mutant on average, %.1f ms median, over the selected tests' "
          "own time (%d survivors run alone%s; %.1f ms each, of which tests %.1f ms)"
          % (1000 * mean, 1000 * med, len(overheads),
             ", %d more left out that ran cold" % went_cold if went_cold else "",
             1000 * sum(o[1] for o in overheads) / len(overheads),
             1000 * sum(o[2] for o in overheads) / len(overheads)))
    if own:
        # The same run's tests, as the child timed them: what the warm path
        # adds to them, without the baseline's own noise in the tests' time.
        own.sort()
        print("over the run's tests: %.1f ms median, %.1f ms at most: cr-run-one's time alone less the "
              "time its child's tests took in that run" % (1000 * own[len(own) // 2], 1000 * own[-1]))
    if floor:
        walls = sorted(o[1] for o in overheads)
        print("fork floor:           %s ms median: the same tests in a forked child of a process that "
              "collected them, nothing of crmake (bench/forkfloor.py); the warm path adds %.1f ms to it"
              % (floor, 1000 * walls[len(walls) // 2] - float(floor)))
elif went_cold:
    print("warm overhead:        not measured: the %d survivors run alone all ran cold" % went_cold)
sys.exit(1 if kept or missing else 0)
EOF
done
exit $status

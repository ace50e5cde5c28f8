#!/bin/sh
# Test selection against the whole suite, on standard-library modules and their own tests.
#
# Usage: sh bench/selection.sh [BIN]
# BIN holds cr-plan, cr-run-one and cr-report (default: $CR_BIN, else build/
# at the top of the repository).
#
# For each module (MODULES, default "statistics fractions"; each is mutated
# as a copy of /usr/lib/python3.11/MODULE.py against test.test_MODULE from
# Debian's libpython3.11-testsuite), plans the copy twice, with per-test
# selection and with --runner none (every mutant runs the whole suite),
# runs the same mutants with make -jJOBS in both, and prints seconds per
# mutant, the number of test executions, and whether the verdicts agree.
# They must: the same survivors, and the same mutants detected, apart from
# those that selection finds no test for and never runs. A detected mutant
# may be detected differently: selection stops at the first failing test,
# so a mutant that also makes a later test hang is killed with selection
# and a timeout without; those are counted apart.
#
# A mutant whose verdicts differ is run RECHECK more times (default 4) in
# each session; if one session alone gives it both verdicts (killed once,
# survived once), a test of the suite decides by chance, and the mutant is
# listed apart with the killing test, not counted as a difference.
#
# Environment: JOBS (make -j, default 2); MAX_MUTANTS runs only that many of
# each module's mutants, spread evenly over the file (default 400; 0 runs
# them all); STDLIB (default /usr/lib/python3.11); MODULES; RECHECK.
set -eu
status=0

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bin=${1:-${CR_BIN:-$top/build}}
test -d "$bin" || { echo "selection.sh: no directory $bin (build crmake, or give BIN)" >&2; exit 1; }
bin=$(cd "$bin" && pwd)
stdlib=${STDLIB:-/usr/lib/python3.11}
jobs=${JOBS:-2}
max=${MAX_MUTANTS:-400}
modules=${MODULES:-statistics fractions}
py=/usr/bin/python3

for p in cr-plan cr-run-one cr-report; do
	test -x "$bin/$p" || { echo "selection.sh: no $p in $bin" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# now: seconds since the epoch, with a fraction.
now() {
	$py -c 'import time; print("%.3f" % time.time())'
}

for mod in $modules; do
	test -f "$stdlib/test/test_$mod.py" || {
		echo "selection.sh: no $stdlib/test/test_$mod.py (Debian package libpython3.11-testsuite)" >&2
		exit 1
	}
	project=$tmp/$mod/project
	mkdir -p "$project"
	cp "$stdlib/$mod.py" "$project/$mod.py"
	cd "$project"
	cmd="PYTHONPATH=. $py -m unittest -q test.test_$mod"

	# The copy must be the module the tests import: a broken copy must fail them.
	mkdir "$tmp/$mod/check"
	cp "$mod.py" "$tmp/$mod/check/$mod.py"
	echo 'raise ImportError("the copy is imported")' >>"$tmp/$mod/check/$mod.py"
	if (cd "$tmp/$mod/check" && sh -c "$cmd") >/dev/null 2>&1; then
		echo "selection.sh: the tests pass with a broken copy of $mod.py: it is not the one imported" >&2
		exit 1
	fi

	echo "== $mod.py against test.test_$mod"
	t0=$(now)
	"$bin/cr-plan" --session "$tmp/$mod/sel" --test-command "$cmd" "$mod.py"
	t1=$(now)
	"$bin/cr-plan" --session "$tmp/$mod/all" --runner none --test-command "$cmd" "$mod.py"
	t2=$(now)

	# The same mutants in both: a sample of the whole-suite plan's targets.
	targets "$tmp/$mod/all" >"$tmp/$mod/ids.all"
	targets "$tmp/$mod/sel" >"$tmp/$mod/ids.sel"
	spread "$max" "$tmp/$mod/ids.all" >"$tmp/$mod/run.all"
	# In Makefile order (longest expected first), as make -j would run them.
	grep -Fx -f "$tmp/$mod/run.all" "$tmp/$mod/ids.sel" >"$tmp/$mod/run.sel" || true

	for mode in sel all; do
		s=$tmp/$mod/$mode
		start=$(now)
		if test -s "$tmp/$mod/run.$mode"; then
			# Cold runs both: selection alone, not the warm worker
			# (bench/warm.sh measures that).
			# shellcheck disable=SC2046
			make -s -k -f "$s/Makefile" -j"$jobs" CR_WARM=0 \
			    $(sed "s|^|$s/results/|; s|\$|.json|" "$tmp/$mod/run.$mode") \
			    >"$tmp/$mod/make.$mode" 2>&1 || true
		fi
		end=$(now)
		echo "$start $end" >"$tmp/$mod/time.$mode"
		"$bin/cr-report" --json --all "$s" >"$tmp/$mod/report.$mode.json" || true
	done

	# A difference is reported, and the other modules still run.
	$py - "$mod" "$tmp/$mod" "$t0" "$t1" "$t2" "$jobs" <<'EOF' || status=1
import json, os, sys
mod, d, t0, t1, t2, jobs = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
chosen = set(open(os.path.join(d, "run.all")).read().split())

def load(mode):
    r = json.load(open(os.path.join(d, "report.%s.json" % mode)))
    return {m["id"]: m for m in r["mutants"] if m["id"] in chosen}

def seconds(mode):
    a, b = map(float, open(os.path.join(d, "time." + mode)).read().split())
    return b - a

sel, whole = load("sel"), load("all")
n = len(chosen)
ran_sel = [m for m in sel.values() if m["outcome"] not in ("no-coverage", "pending", "skipped")]
nocov = [m for m in sel.values() if m["outcome"] == "no-coverage"]
tsel, tall = seconds("sel"), seconds("all")
suite = 0
import sqlite3
db = sqlite3.connect("file:%s?mode=ro" % os.path.join(d, "sel", "session.db"), uri=True)
suite = db.execute("select count(*) from tests").fetchone()[0]
execs_sel = sum((m["tests_run"] or 0) for m in ran_sel)
execs_all = suite * len([m for m in whole.values() if m["outcome"] not in ("pending", "skipped")])

def counts(ms):
    c = {}
    for m in ms.values():
        c[m["outcome"]] = c.get(m["outcome"], 0) + 1
    return ", ".join("%s %d" % kv for kv in sorted(c.items()))

DETECTED = ("killed", "timeout")
differ, flips = [], 0
for i, m in whole.items():
    s = sel.get(i)
    if s is None or s["outcome"] in ("no-coverage", "pending") or m["outcome"] == "pending":
        continue
    if s["outcome"] == m["outcome"]:
        continue
    if s["outcome"] in DETECTED and m["outcome"] in DETECTED:
        flips += 1
        continue
    differ.append((i, m["path"], m["line"], m["operator"], m["outcome"], s["outcome"]))
pend = [m for m in list(sel.values()) + list(whole.values()) if m["outcome"] == "pending"]

# A differing mutant is run again RECHECK times in each session. If one
# session alone gives it both verdicts, a test decides by chance (unseeded
# random data, timing), and the difference says nothing about selection.
import subprocess
recheck = int(os.environ.get("RECHECK", "4"))
nondet = []

def rerun(mode, i):
    s = os.path.join(d, mode)
    result = os.path.join(s, "results", i + ".json")
    os.unlink(result)
    subprocess.run(["make", "-s", "-f", os.path.join(s, "Makefile"), "CR_WARM=0", result],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = json.load(open(result))
    except OSError:
        return "pending", None
    return r["outcome"], r.get("killed_by")

def detected(o):
    return o in DETECTED

for x in list(differ):
    i = x[0]
    seen = {"sel": {sel[i]["outcome"]}, "all": {whole[i]["outcome"]}}
    killers = {sel[i].get("killed_by"), whole[i].get("killed_by")}
    for _ in range(recheck):
        for mode in ("sel", "all"):
            o, k = rerun(mode, i)
            seen[mode].add(o)
            killers.add(k)
    if any(len({detected(o) for o in v}) > 1 for v in seen.values()):
        differ.remove(x)
        nondet.append(x + (", ".join(sorted(k for k in killers if k)),
                           "/".join(sorted(seen["all"])), "/".join(sorted(seen["sel"]))))

print("plan seconds:         %.1f with selection (baseline + coverage), %.1f whole suite" % (t1 - t0, t2 - t1))
print("mutants run:          %d of %d planned (make -j%s)" % (n, len(json.load(open(os.path.join(d, "report.all.json")))["mutants"]), jobs))
print("whole suite:          %.1f s, %.3f s per mutant" % (tall, tall / n))
print("with selection:       %.1f s, %.3f s per mutant (%d no-coverage, never run)" % (tsel, tsel / n, len(nocov)))
print("speed-up:             %.2fx" % (tall / tsel if tsel > 0 else float("inf")))
print("test executions:      %d with selection, %d whole suite (%d tests in the suite): %.1f%% saved"
      % (execs_sel, execs_all, suite, 100.0 * (1 - execs_sel / execs_all) if execs_all else 0))
print("outcomes, selection:  " + counts(sel))
print("outcomes, whole:      " + counts(whole))
print("verdicts that differ: %d (detected by a failure in one and the time limit in the other: %d)" % (len(differ), flips))
for mode, ms in (("selection", sel), ("whole", whole)):
    t = [m["duration"] for m in ms.values() if m["outcome"] == "timeout" and m["duration"] is not None]
    if t:
        print("timeouts, %-10s %d, %.2f s each on average, %.2f s at most"
              % (mode + ":", len(t), sum(t) / len(t), max(t)))
for x in differ[:20]:
    print("  %s %s:%s %s: whole suite %s, selection %s" % x)
if nondet:
    print("decided by chance:    %d (after %d more runs in each session, one session alone gave both verdicts)"
          % (len(nondet), recheck))
for x in nondet[:20]:
    print("  %s %s:%s %s: whole suite %s, selection %s; killing test %s; seen whole %s, selection %s" % x)
if pend:
    print("pending (not run):    %d" % len(pend))
sys.exit(1 if differ or pend else 0)
EOF
done
exit $status

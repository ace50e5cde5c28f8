#!/bin/sh
# The warm worker gives the verdict the cold path gives, for every mutant:
# on calc (unittest), shapes (pytest and unittest; module-level, class-level
# and shared-fixture code goes cold) and warmth (module state that a later
# test reads, a test that writes into the tree, a test that leaves a thread
# running). The tree is left as it was, no process or mount is left, the
# worker stops when told, and it does not hold its starter's output open.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }

# compare NAME DIR CMD PATH...: plan, run warm, then the same plan cold, compare.
compare() {
	name=$1
	dir=$2
	cmd=$3
	shift 3
	before=$(snapshot "$dir")
	(cd "$dir" && "$CR_PLAN" -s "$T/s-$name" -t "$cmd" "$@" >"$T/$name.plan" 2>"$T/err") ||
		fail "cr-plan ($name) failed: $(cat "$T/err")"
	(cd "$T" && make -s -f "$T/s-$name/Makefile" -j2 >"$T/$name-warm.make" 2>&1) ||
		fail "make ($name, warm) failed: $(tail -3 "$T/$name-warm.make")"
	grep -q "no warm worker" "$T/$name-warm.make" &&
		fail "$name: no warm worker: $(grep 'no warm worker' "$T/$name-warm.make")"
	cp -R "$T/s-$name/results" "$T/$name-warm" || exit 99
	# The report counts the runs warm and cold, as the results say.
	w=$(grep -l '"mode":"warm"' "$T/$name-warm"/*.json | wc -l)
	c=$(grep -l '"mode":"cold"' "$T/$name-warm"/*.json | wc -l)
	"$CR_REPORT" "$T/s-$name" >"$T/$name.report" 2>&1 || fail "cr-report ($name) failed"
	grep -q "^runs: $w warm, $c cold" "$T/$name.report" ||
		fail "$name: the report does not say $w warm, $c cold: $(grep '^runs' "$T/$name.report")"
	make -s -f "$T/s-$name/Makefile" stop clean || fail "make stop clean failed"
	(cd "$T" && make -s -f "$T/s-$name/Makefile" -j2 CR_WARM=0 >"$T/$name-cold.make" 2>&1) ||
		fail "make ($name, cold) failed: $(tail -3 "$T/$name-cold.make")"
	"$PY" "$CR_SRCDIR/tests/e2e/warmcold.py" "$name" "$T/$name-warm" "$T/s-$name/results" ||
		fail "$name: warm and cold disagree"
	[ "$before" = "$(snapshot "$dir")" ] || fail "$name: the project tree changed"
	assert_no_mounts "$dir"
}

P=$(fixture calc)
compare calc "$P" "$PY -m unittest discover -q -s tests" calc.py
P=$(fixture shapes)
compare shapes-pytest "$P" "env PYTHONPATH=src $PY -m pytest -x -q -p no:cacheprovider tests" src
compare shapes-unittest "$P" "env PYTHONPATH=src $PY -m unittest discover -q -s unit -t ." src
P=$(fixture warmth)
compare warmth "$P" "$PY -m pytest -q -p no:cacheprovider tests" store.py

# A worker started by a cr-run-one in a pipeline does not hold the pipeline
# open: it ends when cr-run-one does, not when the worker stops (60 s idle).
id=$("$PY" - "$T/warmth-warm" <<'PYEOF'
import json, os, sys
d = sys.argv[1]
results = [json.load(open(os.path.join(d, f))) for f in sorted(os.listdir(d))]
print(next(r["id"] for r in results if r["mode"] == "warm"))
PYEOF
)
(cd "$T" && timeout 40 sh -c '"$1" -o "$2" "$3" "$4" 2>&1 | cat' sh "$CR_RUN_ONE" \
    "$T/one.json" "$T/s-warmth" "$id" >"$T/pipe.out") ||
	fail "cr-run-one in a pipeline did not end: $(cat "$T/pipe.out")"
grep -q '"mode":"warm"' "$T/one.json" || fail "the pipeline's run was not warm: $(cat "$T/one.json")"

# A run whose limits are not the session's is still warm, with the same
# verdict, and leaves no group behind, neither the spare's nor one made for
# it: what is left meanwhile of the worker's is the next spare's alone.
# Other tests may run meanwhile: the worker's groups are those named after
# its starter (crmake-PID-N, PID in its state directory's KEY.pid, where
# KEY.files lists this project's file), and a group of cr-run-one's own
# (crmake-PID) is left behind if its process is gone.
real_store=$(cd "$P" && pwd -P)/store.py
maker= state=
for f in ${XDG_RUNTIME_DIR:+"$XDG_RUNTIME_DIR"/crmake-*/*.files} /tmp/crmake-*/*.files; do
	[ -f "$f" ] && grep -qxF "$real_store" "$f" && state=${f%.files} &&
		maker=$(cat "$state.pid") && break
done
spare_groups() {
	[ -n "$maker" ] &&
		find /sys/fs/cgroup -maxdepth 6 -type d -name "crmake-$maker-*" 2>/dev/null | sort
}
stale_groups() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name 'crmake-*' 2>/dev/null |
	while read -r g; do
		n=${g##*/crmake-}
		case $n in *[!0-9]*) continue ;; esac
		kill -0 "$n" 2>/dev/null || { [ -d "$g" ] && echo "$g"; }
	done
}
# The groups of the runs so far were left to the worker's reaper, which
# made them; it removes them once their processes are gone, and keeps only
# the next spare's. A second run makes sure that there were two runs' sets
# to remove (the reaper leaves the newest alone while its spare may still
# have to join it).
spare_sets() {
	spare_groups | sed 's|.*/||' | sort -u | wc -l
}
"$CR_RUN_ONE" -q -o "$T/again.json" "$T/s-warmth" "$id" || fail "a second warm run failed"
grep -q '"mode":"warm"' "$T/again.json" || fail "the second run was not warm: $(cat "$T/again.json")"
if [ -n "$maker" ] && [ "$(id -u)" -eq 0 ]; then
	for i in $(seq 20); do
		[ -f "$state.pid" ] || fail "the worker ended with the runs' groups not removed: $(spare_groups)"
		[ "$(spare_sets)" -eq 1 ] && break
		sleep 0.1
	done
	[ "$(spare_sets)" -eq 1 ] || fail "the runs' groups were not removed: $(spare_groups)"
fi
before_groups=$(spare_groups)
"$CR_RUN_ONE" -q --max-procs 77 --max-memory 300M -o "$T/limits.json" "$T/s-warmth" "$id" ||
	fail "cr-run-one with other limits failed"
grep -q '"mode":"warm"' "$T/limits.json" || fail "the run with other limits was not warm: $(cat "$T/limits.json")"
"$PY" - "$T/one.json" "$T/limits.json" <<'PYEOF' || fail "other limits, other verdict"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
sys.exit(a["outcome"] != b["outcome"])
PYEOF
# (The worker makes the next spare once it has reaped the child.)
if [ -n "$before_groups" ] || [ "$(id -u)" -eq 0 ]; then
	for i in 1 2 3 4 5 6 7 8 9 10; do
		after_groups=$(spare_groups)
		[ "$(echo "$after_groups" | wc -l)" -eq "$(echo "$before_groups" | wc -l)" ] &&
			[ "$after_groups" != "$before_groups" ] && break
		sleep 0.5
	done
	[ -n "$before_groups" ] || fail "no groups made for the spare, as root (worker $maker)"
	[ "$(echo "$after_groups" | wc -l)" -eq "$(echo "$before_groups" | wc -l)" ] ||
		fail "groups left by the run: before $before_groups, after $after_groups"
	[ "$after_groups" != "$before_groups" ] || fail "the spare's groups did not change: $after_groups"
	[ -z "$(stale_groups)" ] || fail "groups of a finished run left: $(stale_groups)"
fi
make -s -f "$T/s-warmth/Makefile" stop || fail "make stop failed"
# Stopped, not only told to: no run after make stop finds it.
[ -z "$state" ] || [ ! -e "$state.sock" ] || fail "make stop returned with the worker still serving"

# In a Slurm job step, a run starts no worker (the step's end would kill
# it): it runs cold and says why.
SLURM_STEP_ID=3 "$CR_RUN_ONE" -q -o "$T/step.json" "$T/s-warmth" "$id" || fail "the run in a step failed"
grep -q '"mode":"cold","cold_reason":"no worker in a Slurm step"' "$T/step.json" ||
	fail "the run in a step: $(cat "$T/step.json")"
[ -n "$state" ] || fail "the warm worker's state was not found, to check a run in a step"
[ ! -e "$state.sock" ] || fail "a run in a step started a worker"

# The workers are gone once stopped; nothing they or their children started
# (the thread test_e left sleeping) is left.
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -z "$(procs_in "$T")" ] && break
	sleep 0.5
done
[ -z "$(procs_in "$T")" ] || fail "processes outlived the runs: $(procs_in "$T" | head -3)"
exit 0

#!/bin/sh
# A real Slurm cluster on this machine (one slurmctld, four slurmd as four
# nodes): the fixture's plan runs through crmake.sbatch, one job step per
# mutant, with a result for every mutant, the verdicts of a local run, and
# work on several nodes. Then, with each mutant a job of its own, a node
# dies mid-run (its slurmd, its steps and their tests, as in a crash): srun
# reports a node failure and exits 0, make -k ends with an error for
# exactly the targets left without a result, and the next make runs
# exactly those, with the same verdicts. A project and a session of odd
# names run through sbatch too.
. "${CR_SRCDIR:?}/tests/e2e/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: slurmd needs root" >&2; exit 77; }
cluster=$T/cluster
# munged wants every directory above its socket searchable by all.
chmod go+x "$T" && mkdir -p "$cluster" || exit 99
trap 'sh "$CR_SRCDIR/tests/slurm/cluster.sh" stop "$cluster" >/dev/null 2>&1; rm -rf "$T"' EXIT
sh "$CR_SRCDIR/tests/slurm/cluster.sh" start "$cluster" 4 >"$T/cluster.out" 2>&1 ||
	fail "the cluster did not start: $(cat "$T/cluster.out")"
SLURM_CONF=$cluster/slurm.conf
export SLURM_CONF
sbatch_script=$CR_SRCDIR/mk/crmake.sbatch

p=$(fixture waiting)
cd "$p" || exit 99
# Each test waits 2 s, so that a run is long enough to lose a node in.
RETRY_SETTLE=2
export RETRY_SETTLE

# The reference: a local run.
reference_run "$T/local" 4

# The whole plan through sbatch: one step per mutant, four at a time.
plan_unittest "$T/s"
sbatch --wait -n 4 -o "$T/job.out" "$sbatch_script" "$T/s" >"$T/sbatch.out" 2>&1 ||
	fail "sbatch: $(cat "$T/sbatch.out") $(tail -n 20 "$T/job.out")"
same_as_reference "$T/s" "through sbatch"
"$PY" - "$T/s/results" <<'PYEOF' || fail "where the steps ran"
import glob, json, sys
rs = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.json")]
nodes = {r["slurm_node"] for r in rs}
assert None not in nodes and len(nodes) >= 2, nodes
assert all(r["slurm_job"] and r["slurm_step"] is not None for r in rs)
assert len({(r["slurm_job"], r["slurm_step"]) for r in rs}) == len(rs), "a step ran two mutants"
# crmake.sbatch runs the steps cold, and each result says so.
why = {r["cold_reason"] for r in rs if r["mode"] is not None}
assert all(r["mode"] in ("cold", None) for r in rs), [r["mode"] for r in rs]
assert why == {"warm runs off"}, why
print("nodes:", sorted(nodes), file=sys.stderr)
PYEOF

# Odd names through sbatch: a project, its files and a session whose names
# hold a blank, quotes, $, #, :, ; and a newline.
nl=$(printf '\nx') && nl=${nl%x}
odd_project " '\"\$#:;$nl"
S="$T/o '\"\$#:;${nl}s"
(cd "$ODD" && "$CR_PLAN" -s "$S" -t "$PY -m unittest discover -q -s tests" "$ODD_DIR") \
    >"$T/out" 2>&1 || fail "odd names: cr-plan: $(cat "$T/out")"
(cd "$ODD" && sbatch --wait -n 4 -o "$T/odd.out" "$sbatch_script" "$S") >"$T/sbatch.out" 2>&1 ||
	fail "odd names: sbatch: $(cat "$T/sbatch.out") $(tail -n 20 "$T/odd.out")"
[ "$(counts "$S")" = "14 2 0 0 0 0 0" ] || fail "odd names: counts $(counts "$S")"
[ -z "$(grep -L '"slurm_step":"[0-9]' "$S"/results/*.json)" ] ||
	fail "odd names: a mutant ran outside a job step"
cd "$p" || exit 99

# A node dies mid-run, with make outside any allocation: each mutant is
# a job of its own, as from a login node.
plan_unittest "$T/f"
CR_LAUNCH='srun -n1 -c1 --quiet' make -k -f "$T/f/Makefile" -j4 CR_WARM=0 \
    >"$T/f.out" 2>&1 &
mk=$!
# The node of a test running now on a node other than node1, that test
# stopped so that its mutant cannot finish before the node dies.
stop_a_test() {
	for env in $(grep -l -z -x 'SLURMD_NODENAME=node[2-9]' /proc/[0-9]*/environ 2>/dev/null); do
		pid=${env#/proc/}
		pid=${pid%/environ}
		read -r comm 2>/dev/null <"/proc/$pid/comm" || continue
		case $comm in python*) ;; *) continue ;; esac
		kill -STOP "$pid" 2>/dev/null || continue
		# Stopped before it ended (a signal takes effect when the process
		# next runs): no result can come of it now.
		k=0
		while [ "$k" -lt 100 ]; do
			state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
			case $state in
			T)
				tr '\0' '\n' <"$env" | sed -n 's/^SLURMD_NODENAME=//p'
				return ;;
			Z | X | "") break ;;
			esac
			k=$((k + 1))
			sleep 0.02
		done
		kill -CONT "$pid" 2>/dev/null
	done
}
victim=
i=0
while [ -z "$victim" ]; do
	i=$((i + 1))
	[ "$i" -ge 300 ] && fail "no mutant ran on node2..node4: $(squeue)"
	sleep 0.2
	[ "$(n_results "$T/f")" -ge 2 ] || continue
	victim=$(stop_a_test)
done
# As a crash: the node's slurmd, its job steps' slurmstepd, then every
# process of its jobs, until none is left three looks in a row (a step
# that was starting a task when it was killed may still exec it).
kill -KILL "$(cat "$cluster/run/slurmd-$victim.pid")" || fail "no slurmd for $victim"
for step in $(squeue -h -s -o "%i %N" 2>/dev/null | awk -v n="$victim" '$2 == n { print $1 }'); do
	pkill -KILL -f "slurmstepd: \[$step\]"
done
quiet=0
i=0
while [ "$quiet" -lt 3 ]; do
	i=$((i + 1))
	[ "$i" -ge 100 ] && fail "processes of $victim outlive every kill"
	pids=$(grep -l -z -x "SLURMD_NODENAME=$victim" /proc/[0-9]*/environ 2>/dev/null |
	    sed 's|/proc/\([0-9]*\)/environ|\1|')
	if [ -z "$pids" ]; then
		quiet=$((quiet + 1))
	else
		quiet=0
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
	fi
	sleep 0.1
done
wait "$mk" && fail "make -k exited 0 with a node lost: $(tail -n 30 "$T/f.out")"
lost=$(grep -c "no result was written (srun ended without an error)" "$T/f.out")
[ "$lost" -ge 1 ] || fail "no run was lost: $(tail -n 30 "$T/f.out")"
[ "$(n_results "$T/f")" -eq $((all - lost)) ] ||
	fail "$(n_results "$T/f") results, $lost lost of $all: $(tail -n 30 "$T/f.out")"
# make -k ended with an error for exactly the targets without a result.
# (make[N]: when make check runs this under make.)
sed -n 's|^make[][0-9]*: \*\*\* \[.*[ /]results/\([0-9a-f]*\)\.json\] Error.*|\1|p' "$T/f.out" | sort >"$T/failed"
"$CR_RUN_ONE" --targets "$T/f" | while read -r id; do
	[ -f "$T/f/results/$id.json" ] || echo "$id"
done | sort >"$T/missing"
cmp -s "$T/failed" "$T/missing" || fail "failed targets are not the missing ones: $(diff "$T/failed" "$T/missing")"
# No verdict came from the lost runs, and the next make runs exactly them.
make -n -f "$T/f/Makefile" 2>/dev/null | sed -n 's|.* -o [^ ]*/results/\([0-9a-f]*\)\.json .*|\1|p' | sort >"$T/would"
cmp -s "$T/would" "$T/missing" || fail "make -n would run: $(diff "$T/missing" "$T/would")"
CR_LAUNCH='srun -n1 -c1 --quiet' make -s -f "$T/f/Makefile" -j4 CR_WARM=0 >"$T/f2.out" 2>&1 ||
	fail "the second make: $(tail -n 20 "$T/f2.out")"
[ "$(grep -c " → killed \| → survived \| → timeout " "$T/f2.out")" -eq "$lost" ] ||
	fail "the second make ran $(grep -c " → killed \| → survived \| → timeout " "$T/f2.out"), $lost were lost"
same_as_reference "$T/f" "after the node failure"
exit 0

#!/bin/sh
# Runs on a Slurm cluster made on this machine (tests/slurm/cluster.sh:
# one slurmctld, slurmd daemons as separate nodes of CPUS each) and on ssh
# hosts made on it (tests/ssh/hosts.sh: network namespaces with their own
# sshd): the per-mutant overhead of a job step, and of a run over ssh,
# over a local run, and the speed-up from 1 to 2 to 4 nodes, on the
# fixture whose tests mostly wait (0.5 s of sleep each), so that the
# nodes, not this machine's two cores, bound the speed. Every run is cold.
#
# Usage: sh bench/cluster.sh [BIN]    (as root: slurmd starts the tasks)
# BIN holds cr-plan, cr-run-one and cr-report (default: $CR_BIN, else build/
# at the top of the repository).
#
# Environment: CPUS, the CPUs each node declares (default 2).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${CR_BIN:-$top/build}}
test -x "$bin/cr-plan" || { echo "cluster.sh: no cr-plan in $bin" >&2; exit 1; }
bin=$(cd "$bin" && pwd)
test "$(id -u)" -eq 0 || { echo "cluster.sh: run as root (slurmd starts the tasks)" >&2; exit 1; }
cpus=${CPUS:-2}
py=/usr/bin/python3
export CR_MKDIR="$top/mk"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-cluster.XXXXXX")
chmod go+x "$tmp"
trap 'sh "$top/tests/slurm/cluster.sh" stop "$tmp/cluster" >/dev/null 2>&1; sh "$top/tests/ssh/hosts.sh" stop "$tmp/hosts" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$tmp/cluster"
CLUSTER_CPUS=$cpus sh "$top/tests/slurm/cluster.sh" start "$tmp/cluster" 4 >/dev/null
SLURM_CONF=$tmp/cluster/slurm.conf
export SLURM_CONF

cp -R "$top/tests/fixtures/waiting" "$tmp/project"
cd "$tmp/project"
# session NAME: plan a fresh session, and print its directory.
session() {
	"$bin/cr-plan" -s "$tmp/$1" -t "$py -m unittest discover -q -s tests" -e 'tests/*' . >/dev/null
	echo "$tmp/$1"
}
now() {
	$py -c 'import time; print("%.3f" % time.time())'
}
# cpu: the machine's busy and total CPU time so far, in clock ticks.
cpu() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat
}
# run SESSION COMMAND...: run, print the seconds it took and how busy the
# machine's CPUs were meanwhile (a fraction).
run() {
	s=$1
	shift
	c0=$(cpu)
	a=$(now)
	"$@" >"$tmp/out" 2>&1 || { echo "cluster.sh: failed: $*" >&2; tail -n 20 "$tmp/out" >&2; exit 1; }
	b=$(now)
	c1=$(cpu)
	test "$(find "$s/results" -name '*.json' | wc -l)" -eq "$count" ||
		{ echo "cluster.sh: results missing after: $*" >&2; exit 1; }
	$py -c "
a, b = map(float, '$c0'.split()), map(float, '$c1'.split())
(b0, t0), (b1, t1) = a, b
print('%.3f %.2f' % ($b - $a, (b1 - b0) / max(t1 - t0, 1)))"
}

s=$(session local)
count=$("$bin/cr-run-one" --targets "$s" | wc -l)
echo "== $count mutants of tests/fixtures/waiting, each test 0.5 s of sleep; nodes of $cpus CPUs"

# One at a time: local, then each a job step of a one-task allocation.
local1=$(run "$s" make -s -f "$s/Makefile" -j1 CR_WARM=0 | cut -d' ' -f1)
s=$(session step)
step1=$(run "$s" salloc -Q -n1 make -s -f "$s/Makefile" -j1 CR_WARM=0 \
    CR_LAUNCH='srun -n1 --exact --quiet' | cut -d' ' -f1)
mkdir "$tmp/hosts"
sh "$top/tests/ssh/hosts.sh" start "$tmp/hosts" 1 >/dev/null
s=$(session ssh)
ssh1=$(run "$s" env CR_SSH="ssh -F $tmp/hosts/ssh_config" CR_HOSTS=h1/1 \
    make -s -f "$s/Makefile" -j1 CR_WARM=0 | cut -d' ' -f1)
$py - "$local1" "$step1" "$ssh1" "$count" <<'PYEOF'
import sys
l, s, h, n = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print("one at a time:   local %.3f s per mutant; srun step %.3f s: overhead %.0f ms; "
      "ssh %.3f s: overhead %.0f ms" % (l / n, s / n, 1000 * (s - l) / n, h / n, 1000 * (h - l) / n))
PYEOF

# The speed-up with nodes, through crmake.sbatch (CPUS steps per node).
base=
for nodes in 1 2 4; do
	s=$(session "nodes$nodes")
	# salloc, not sbatch --wait, whose polling would round the times up.
	t=$(run "$s" salloc -Q -N "$nodes" -n $((nodes * cpus)) \
	    sh "$top/mk/crmake.sbatch" "$s")
	base=${base:-${t% *}}
	$py - "$nodes" ${t} "$base" "$count" "$((nodes * cpus))" <<'PYEOF'
import sys
nodes, t, busy, base, n, jobs = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print("%d node%s (make -j%d): %6.2f s, %.2f mutants/s, speed-up %.2fx; this machine's CPUs %.0f%% busy"
      % (nodes, "" if nodes == 1 else "s", jobs, t, n / t, base / t, 100 * busy))
PYEOF
done

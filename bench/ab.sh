#!/bin/sh
# Two builds of crmake against each other, on the same mutants, in
# alternating rounds: for a change worth a few per cent, which this kind of
# machine's drift (up to a fifth over a minute) hides between two separate
# runs of bench/warm.sh.
#
# Usage: sh bench/ab.sh BIN_A BIN_B
# BIN_A and BIN_B hold cr-plan, cr-run-one and cr-report: two builds, e.g.
# the build/ of a worktree at another commit. Each plans a session of its
# own over one copy of the project, so each runs its own hooks and worker.
#
# The project is a copy of /usr/lib/python3.11/MODULE.py against
# test.test_MODULE (Debian's libpython3.11-testsuite). The mutants are
# chosen from a first run of every mutant with A: those that A's path
# (warm, or cold with MODE=cold) killed or let survive with no limit
# reached and no test set aside, spread evenly: the cost of the path per
# mutant, not of time limits. Each round then runs them with A and with B
# (make -jJOBS, a fresh worker each time), A first in odd rounds and B first
# in even ones, and the script prints each run's wall-clock time and the
# processors' busy and idle time (/proc/stat), then the means, B's time
# over A's, and in how many rounds B was the faster.
#
# Environment: MODULE (default fractions), MUTANTS (default 700), ROUNDS
# (default 6), JOBS (default 2), MODE (warm, the default, or cold), STDLIB
# (default /usr/lib/python3.11), KEEP=1 keeps the sessions.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
test $# -eq 2 || { echo "usage: sh bench/ab.sh BIN_A BIN_B" >&2; exit 2; }
campaign_bin ab.sh "$1"
# shellcheck disable=SC2154
bin_a=$bin
campaign_bin ab.sh "$2"
bin_b=$bin
module=${MODULE:-fractions}
count=${MUTANTS:-700}
rounds=${ROUNDS:-6}
jobs=${JOBS:-2}
mode=${MODE:-warm}
stdlib=${STDLIB:-/usr/lib/python3.11}
py=/usr/bin/python3
case $mode in
warm) flags= ;;
cold) flags=CR_WARM=0 ;;
*) echo "ab.sh: MODE is warm or cold, not '$mode'" >&2; exit 2 ;;
esac
test -f "$stdlib/test/test_$module.py" || {
	echo "ab.sh: no $stdlib/test/test_$module.py (Debian package libpython3.11-testsuite)" >&2
	exit 2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-ab.XXXXXX")
cleanup() {
	for v in a b; do
		test -f "$tmp/$v/Makefile" &&
		    make -s -f "$tmp/$v/Makefile" stop >/dev/null 2>&1
	done
	if test -n "${KEEP:-}"; then
		echo "ab.sh: sessions kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir "$tmp/project"
cp "$stdlib/$module.py" "$tmp/project/"
cd "$tmp/project"
for v in a b; do
	case $v in a) b=$bin_a ;; *) b=$bin_b ;; esac
	"$b/cr-plan" --session "$tmp/$v" \
	    --test-command "PYTHONPATH=. $py -m unittest -q test.test_$module" \
	    "$module.py" >/dev/null
done

# The mutants: A's first run of them all.
targets "$tmp/a" >"$tmp/all"
echo "== $module: $(wc -l <"$tmp/all") mutants; a first run of them all with A ($mode)"
# shellcheck disable=SC2086
make -s -k -f "$tmp/a/Makefile" -j"$jobs" $flags CR_PROGRESS=0 >/dev/null 2>&1 || true
$py - "$tmp/a/results" "$mode" >"$tmp/fit" <<'EOF'
import json, os, sys
d, mode = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(d)):
    try:
        r = json.load(open(os.path.join(d, name)))
    except (OSError, ValueError):
        continue
    if r.get("outcome") in ("killed", "survived") and r.get("mode") == mode and \
            not r.get("limit") and not r.get("set_aside"):
        print(r["id"])
EOF
spread "$count" "$tmp/fit" >"$tmp/ids"
n=$(wc -l <"$tmp/ids")
test "$n" -gt 0 || { echo "ab.sh: no mutant fit to compare" >&2; exit 1; }
echo "$n mutants (of $(wc -l <"$tmp/fit") fit), $rounds rounds, make -j$jobs, $mode"

# cpu: the processors' busy and idle time so far, in clock ticks.
cpu() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat
}

: >"$tmp/times"
r=1
while test "$r" -le "$rounds"; do
	if test $((r % 2)) -eq 1; then order="a b"; else order="b a"; fi
	for v in $order; do
		s=$tmp/$v
		make -s -f "$s/Makefile" stop >/dev/null 2>&1 || true
		sed "s|^|$s/results/|; s|\$|.json|" "$tmp/ids" | xargs rm -f
		# shellcheck disable=SC2046
		set -- $(cpu)
		t0=$($py -c 'import time; print(time.time())')
		# shellcheck disable=SC2046,SC2086
		make -s -k -f "$s/Makefile" -j"$jobs" $flags CR_PROGRESS=0 \
		    $(sed "s|^|$s/results/|; s|\$|.json|" "$tmp/ids") >/dev/null 2>&1 || true
		t1=$($py -c 'import time; print(time.time())')
		# shellcheck disable=SC2046
		set -- "$@" $(cpu)
		echo "$r $v $t0 $t1 $1 $2 $3 $4" >>"$tmp/times"
	done
	r=$((r + 1))
done
make -s -f "$tmp/a/Makefile" stop >/dev/null 2>&1 || true
make -s -f "$tmp/b/Makefile" stop >/dev/null 2>&1 || true

$py - "$tmp/times" "$n" "$tmp/a/results" "$tmp/b/results" "$tmp/ids" <<'EOF'
import json, os, sys
hz = os.sysconf("SC_CLK_TCK")
runs = {"a": [], "b": []}
for line in open(sys.argv[1]):
    r, v, t0, t1, b0, i0, b1, i1 = line.split()
    runs[v].append((int(r), float(t1) - float(t0), (int(b1) - int(b0)) / hz,
                    (int(i1) - int(i0)) / hz))
n = int(sys.argv[2])
for r in range(len(runs["a"])):
    a, b = runs["a"][r], runs["b"][r]
    print("round %d: A %.2f s (busy %.2f s, idle %.2f s)   B %.2f s (busy %.2f s, idle %.2f s)   B/A %.3f"
          % (a[0], a[1], a[2], a[3], b[1], b[2], b[3], b[1] / a[1]))
def mean(v, k):
    return sum(x[k] for x in runs[v]) / len(runs[v])
wins = sum(1 for a, b in zip(runs["a"], runs["b"]) if b[1] < a[1])
for v in "ab":
    print("%s: %.3f s, %.1f mutants/s, busy %.2f s, idle %.2f s (means)"
          % (v.upper(), mean(v, 1), n / mean(v, 1), mean(v, 2), mean(v, 3)))
print("B/A: %.3f of the time; B faster in %d of %d rounds" % (
    mean("b", 1) / mean("a", 1), wins, len(runs["a"])))
# The last round's verdicts, which the two builds should share.
differ = []
for i in open(sys.argv[5]).read().split():
    try:
        ra = json.load(open(os.path.join(sys.argv[3], i + ".json")))
        rb = json.load(open(os.path.join(sys.argv[4], i + ".json")))
    except (OSError, ValueError):
        differ.append(i)
        continue
    if ra["outcome"] != rb["outcome"]:
        differ.append(i)
print("verdicts that differ in the last round: %d%s" % (
    len(differ), (" (" + ", ".join(differ[:5]) + ")") if differ else ""))
EOF

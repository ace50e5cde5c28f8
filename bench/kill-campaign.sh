#!/bin/sh
# Kill campaign: SIGKILL make, a cr-run-one, a test process or the warm
# worker at a random moment of a run, KILLS times, resuming each time, and
# check that nothing was lost or left.
#
# Usage: sh bench/kill-campaign.sh [BIN]
# BIN holds cr-plan, cr-run-one and cr-report (default: $CR_BIN, else
# build/ at the top of the repository).
#
# The project is a copy of tests/fixtures/calc (68 mutants, unittest). A
# reference session runs once, uninterrupted. Then, KILLS times, the
# campaign session forgets up to FORGET of its results (so that every round
# has mutants to run), make -k -j2 starts, and after a random 0.1 to 1.2 s
# one process of a random kind is killed: make itself, a cr-run-one, a test
# process (a cold run's Python or a warm worker's child) or the warm
# worker; then make (or, if make was the one killed, the runs it left) is
# waited for. After every round each result file must be whole JSON, with
# no temporary file beside it. At the end one make finishes the plan, the
# worker is stopped, and the campaign checks that:
#   - every verdict is the reference's (results lost: those that differ or
#     are missing),
#   - no mount under the campaign's directory is left, in any namespace,
#   - no process of the campaign is left,
#   - no temporary directory of a killed cr-run-one (/tmp/crmake-run.PID.*)
#     and no control group of one is left,
#   - the project tree is byte- and mtime-identical.
# It prints the counts as one line per check and a last line
#   kill campaign: N kills (make A, cr-run-one B, test C, worker D), L lost, H half results, M mounts, P processes, X temporary directories, G groups, tree unchanged|changed
# and exits 1 if any count that must be 0 is not.
#
# Environment: KILLS (default 50), FORGET (default 25), SEED (default: the
# time), JOBS (default 2).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
campaign_bin kill-campaign.sh "${1:-}"
kills=${KILLS:-50}
forget=${FORGET:-25}
seed=${SEED:-$(date +%s)}
jobs=${JOBS:-2}
py=/usr/bin/python3
export CR_MKDIR="$top/mk"

T=$(mktemp -d /tmp/crmake-kill.XXXXXX) || exit 2
cleanup() {
	make -s -f "$T/s/Makefile" stop >/dev/null 2>&1
	make -s -f "$T/ref/Makefile" stop >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
cp -R "$top/tests/fixtures/calc" "$T/p" || exit 2
find "$T/p" -name __pycache__ -prune -exec rm -rf {} +


# A random number in [0, $1), the $2-th of the round, from the seed.
rand() {
	awk -v s="$seed" -v r="$round" -v k="$2" -v m="$1" \
	    'BEGIN { srand((s % 100003) * 1000 + r * 10 + k); rand(); rand(); print int(rand() * m) }'
}

outcomes() {
	"$bin/cr-report" --json --all "$1" | "$py" -c '
import json, sys
for m in sorted(json.load(sys.stdin)["mutants"], key=lambda m: m["id"]):
    print(m["id"], m["outcome"], m.get("killed_by"))'
}

# The processes of a kind, by PID, one a line.
#   run     cr-run-one processes of a mutant (not a warm worker's keeper)
#   test    the tests: Python below a cold run, or a warm worker's child
#   worker  the warm worker
procs() {
	for pid in $(pgrep -f 'python3|cr-run-one'); do
		p=/proc/$pid
		args=$( (tr '\0' ' ' <"$p/cmdline") 2>/dev/null) || continue
		case "$args" in *"$T"*|*python3*) ;; *) continue ;; esac
		env=$( (tr '\0' '\n' <"$p/environ") 2>/dev/null)
		ppid=$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null)
		pargs=$( (tr '\0' ' ' <"/proc/$ppid/cmdline") 2>/dev/null)
		serving=$(printf '%s\n' "$env" | grep -c '^CRMAKE_SERVE=')
		case $1 in
		run)
			case "$args" in *cr-run-one*"$T/s "*) ;; *) continue ;; esac
			[ "$serving" -eq 0 ] && echo "$pid" ;;
		test)
			case "$args" in *python3*) ;; *) continue ;; esac
			if [ "$serving" -gt 0 ]; then
				case "$pargs" in *python3*) echo "$pid" ;; esac
			elif printf '%s\n' "$env" | grep -q "^CR_MAKE_RUN="; then
				echo "$pid"
			fi ;;
		worker)
			[ "$serving" -gt 0 ] || continue
			case "$args" in *python3*) ;; *) continue ;; esac
			case "$pargs" in *python3*) ;; *) echo "$pid" ;; esac ;;
		esac
	done
}

# Every process of the campaign (its directory in the command line or as
# the working directory), but this script's own.
leftover_procs() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] && continue
		cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
		args=$( (tr '\0' ' ' <"$p/cmdline") 2>/dev/null)
		case "$cwd $args" in *"$T/"*|"$T "*)
			case "$args" in *kill-campaign.sh*) continue ;; esac
			echo "$pid $args" ;;
		esac
	done
}

# Result files that are not whole JSON, and temporary files among them.
half_results() {
	"$py" - "$T/s/results" <<'EOF'
import json, os, sys
d = sys.argv[1]
bad = 0
for name in os.listdir(d) if os.path.isdir(d) else ():
    path = os.path.join(d, name)
    if not name.endswith(".json"):
        print("stray", name, file=sys.stderr)
        bad += 1
        continue
    try:
        with open(path) as f:
            json.load(f)
    except (OSError, ValueError) as e:
        print("half", name, e, file=sys.stderr)
        bad += 1
print(bad)
EOF
}

plan() {
	(cd "$T/p" && "$bin/cr-plan" -s "$1" -t "$py -m unittest discover -q -s tests" \
	    -e 'tests/*' . >/dev/null 2>"$T/err") || {
		echo "kill-campaign.sh: cr-plan: $(cat "$T/err")" >&2; exit 2; }
}

before=$(snapshot "$T/p")
tmp_before=$(ls -d /tmp/crmake-run.* 2>/dev/null | sort)
plan "$T/ref"
plan "$T/s"
(cd "$T/p" && make -s -f "$T/ref/Makefile" -j"$jobs" >/dev/null 2>&1) || {
	echo "kill-campaign.sh: the reference run failed" >&2; exit 2; }
make -s -f "$T/ref/Makefile" stop >/dev/null 2>&1
outcomes "$T/ref" >"$T/ref.outcomes"

k_make=0 k_run=0 k_test=0 k_worker=0 half=0 round=0
while [ "$round" -lt "$kills" ]; do
	round=$((round + 1))
	# Forget some results, so that the round has mutants to run.
	ls "$T/s/results"/*.json 2>/dev/null | awk -v s="$seed" -v r="$round" -v n="$forget" \
	    'BEGIN { srand(s % 100003 + r) } { if (rand() < n / 68) print }' | xargs -r rm -f
	: >"$T/round.log"
	(cd "$T/p" && exec make -s -k -f "$T/s/Makefile" -j"$jobs" >>"$T/make.log" 2>&1) &
	mk=$!
	sleep "$(awk -v r="$(rand 1100 1)" 'BEGIN { print 0.1 + r / 1000 }')"
	kinds="make run test worker"
	kind=$(echo $kinds | cut -d' ' -f$(($(rand 4 2) + 1)))
	victim=
	case $kind in
	make) victim=$(pgrep -P "$mk" -x make || echo "$mk") ;;
	*) victim=$(procs "$kind" | head -n "$(($(rand 3 3) + 1))" | tail -n 1) ;;
	esac
	if [ -z "$victim" ]; then
		# Nothing of that kind at this moment (a worker not yet started,
		# a round already over): make, then.
		echo "round $round: no $kind process to kill; killing make" >&2
		kind=make
		victim=$(pgrep -P "$mk" -x make || echo "$mk")
	fi
	kill -KILL "$victim" 2>/dev/null
	case $kind in
	make) k_make=$((k_make + 1)) ;;
	run) k_run=$((k_run + 1)) ;;
	test) k_test=$((k_test + 1)) ;;
	worker) k_worker=$((k_worker + 1)) ;;
	esac
	wait "$mk" 2>/dev/null
	# A killed make leaves its runs going: they finish by themselves.
	i=0
	while [ -n "$(procs run)" ] && [ "$i" -lt 600 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	h=$(half_results 2>>"$T/half.log")
	half=$((half + h))
done

# Resume to the end.
(cd "$T/p" && make -s -k -f "$T/s/Makefile" -j"$jobs" >>"$T/make.log" 2>&1)
final=$?
make -s -f "$T/s/Makefile" stop >/dev/null 2>&1
outcomes "$T/s" >"$T/s.outcomes"
lost=$(diff "$T/ref.outcomes" "$T/s.outcomes" | grep -c '^>')
[ "$final" -eq 0 ] || echo "the last make failed: $(tail -n 5 "$T/make.log")" >&2
h=$(half_results 2>>"$T/half.log")
half=$((half + h))
[ "$half" -eq 0 ] || sed 's/^/  /' "$T/half.log" >&2

# What is left, once a stopped worker has had its moment to go.
i=0
while :; do
	mounts=$(cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -cF -- "$T/")
	left=$(leftover_procs | wc -l)
	[ "$mounts" -eq 0 ] && [ "$left" -eq 0 ] && break
	i=$((i + 1))
	[ "$i" -ge 50 ] && break
	sleep 0.2
done
[ "$left" -eq 0 ] || leftover_procs | sed 's/^/  left: /' >&2
# Temporary directories of processes that are gone, new since the start.
tmpdirs=0
for d in $(ls -d /tmp/crmake-run.* 2>/dev/null); do
	printf '%s\n' "$tmp_before" | grep -qxF "$d" && continue
	# Named crmake-run.PID.XXXXXX; a name without a PID is no run of this crmake's.
	pid=$(echo "${d#/tmp/crmake-run.}" | sed -n 's/^\([0-9][0-9]*\)\..*/\1/p')
	[ -n "$pid" ] || continue
	kill -0 "$pid" 2>/dev/null && continue
	tmpdirs=$((tmpdirs + 1))
	echo "  left: $d" >&2
done
groups=0
for g in $(find /sys/fs/cgroup -maxdepth 6 -type d -name 'crmake-*' 2>/dev/null); do
	# crmake-PID, or crmake-PID-N: made by process PID.
	p=${g##*/crmake-}
	kill -0 "${p%%-*}" 2>/dev/null && continue
	groups=$((groups + 1))
	echo "  left: $g" >&2
done
if [ "$before" = "$(snapshot "$T/p")" ]; then tree=unchanged; else tree=changed; fi

echo "seed: $seed"
echo "kills: $kills (make $k_make, cr-run-one $k_run, test $k_test, worker $k_worker)"
echo "results lost or different: $lost of $(wc -l <"$T/ref.outcomes")"
echo "half or stray result files: $half"
echo "mounts left: $mounts"
echo "processes left: $left"
echo "temporary directories left: $tmpdirs"
echo "control groups left: $groups"
echo "project tree: $tree"
echo "kill campaign: $kills kills (make $k_make, cr-run-one $k_run, test $k_test, worker $k_worker), $lost lost, $half half results, $mounts mounts, $left processes, $tmpdirs temporary directories, $groups groups, tree $tree"
[ "$final" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$half" -eq 0 ] && [ "$mounts" -eq 0 ] &&
    [ "$left" -eq 0 ] && [ "$tmpdirs" -eq 0 ] && [ "$groups" -eq 0 ] && [ "$tree" = unchanged ]

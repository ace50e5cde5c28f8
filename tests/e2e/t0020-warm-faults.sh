#!/bin/sh
# Faults on the warm path: SIGKILL of the worker in the middle of a run, of
# a warm child, of make, of the worker's reaper, and of its fresh server
# (which runs module-level mutants). Each leaves no
# process, mount or half result behind, and the next make finishes with the
# verdicts of a clean cold run.
# A new worker sweeps away the files of workers that are gone.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }

P=$(fixture shapes)
before=$(snapshot "$P")
cd "$P" || exit 99
cmd="env PYTHONPATH=src $PY -m pytest -x -q -p no:cacheprovider tests"
for s in ref a b c e f; do
	"$CR_PLAN" -s "$T/$s" -t "$cmd" src >/dev/null 2>"$T/err" || fail "cr-plan failed: $(cat "$T/err")"
done
cd "$T" || exit 99
make -s -f "$T/ref/Makefile" -j2 CR_WARM=0 >/dev/null 2>&1 || fail "the reference run failed"
outcomes "$T/ref" >"$T/ref.txt"

# The worker of the project: the test command's Python whose parent is not
# one (but the shell that runs the command).
worker() {
	for pid in $(pgrep -f -- "-m pytest -x -q -p no:cacheprovider tests"); do
		case $(ps -o comm= -p "$pid") in python*) ;; *) continue ;; esac
		ppid=$(ps -o ppid= -p "$pid" | tr -d ' ')
		[ -n "$ppid" ] || continue
		case $(ps -o comm= -p "$ppid") in python*) continue ;; esac
		readlink "/proc/$pid/cwd" | grep -qF "$P" && { echo "$pid"; return; }
	done
}
# SIGKILL a child of the worker whose "PID PGID" line meets the awk
# condition COND (and, with "serving", that has a child of its own), trying
# every 20 ms, TRIES times; 1 if there was none.
kill_worker_child() {
	for i in $(seq "$1"); do
		w=$(worker)
		c=
		[ -n "$w" ] && c=$(ps -o pid=,pgid= --ppid "$w" 2>/dev/null | awk "$2 { print \$1; exit }")
		if [ -n "$c" ] && { [ -z "${3:-}" ] || [ -n "$(ps -o pid= --ppid "$c" 2>/dev/null)" ]; }; then
			kill -9 "$c" && return 0
		fi
		sleep 0.02
	done
	return 1
}
# Wait until N results of SESSION exist.
wait_results() {
	i=0
	while [ "$(ls "$1/results" 2>/dev/null | grep -c '\.json$')" -lt "$2" ]; do
		i=$((i + 1))
		[ "$i" -gt 600 ] && fail "no progress in $1"
		sleep 0.1
	done
}
# Check that SESSION ends complete, clean and right.
check() {
	(make -s -f "$T/$1/Makefile" -j2 >"$T/$1.again" 2>&1) || fail "$1: make after the fault failed: $(tail -3 "$T/$1.again")"
	outcomes "$T/$1" >"$T/$1.txt"
	cmp -s "$T/ref.txt" "$T/$1.txt" || fail "$1: verdicts differ: $(diff "$T/ref.txt" "$T/$1.txt" | head -5)"
	ls -a "$T/$1/results" | grep -q '\.tmp\.' && fail "$1: a half result was left"
	make -s -f "$T/$1/Makefile" stop
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -z "$(procs_in "$P")" ] && break
		sleep 0.5
	done
	[ -z "$(procs_in "$P")" ] || fail "$1: processes left: $(procs_in "$P" | head -3)"
	assert_no_mounts "$P"
}

# SIGKILL of the worker while mutants run in it: the rest go to a new one.
make -s -k -f "$T/a/Makefile" -j2 >"$T/a.make" 2>&1 &
m=$!
wait_results "$T/a" 10
w=$(worker)
[ -n "$w" ] || fail "no worker found"
kill -9 "$w"
wait "$m" || fail "make failed after the worker was killed: $(tail -3 "$T/a.make")"
check a

# SIGKILL of a warm child: its mutant runs cold instead.
make -s -k -f "$T/b/Makefile" -j2 >"$T/b.make" 2>&1 &
m=$!
wait_results "$T/b" 5
# A spare or a child, each in a process group of its own; the fresh
# server stays in the worker's.
kill_worker_child 200 '$1 == $2' || fail "no warm child to kill"
wait "$m" || fail "make failed after a warm child was killed: $(tail -3 "$T/b.make")"
check b

# SIGKILL of the fresh server once it serves (its spare is there), as the
# runs start (the module-level mutants come first): its spare goes with it,
# and its mutants run cold.
make -s -k -f "$T/f/Makefile" -j2 >"$T/f.make" 2>&1 &
m=$!
kill_worker_child 500 '$1 != $2' serving || fail "no fresh server to kill"
wait "$m" || fail "make failed after the fresh server was killed: $(tail -3 "$T/f.make")"
check f

# SIGKILL of make: the runs it started finish or leave no result; the next
# make finishes the rest.
make -s -k -f "$T/c/Makefile" -j2 >"$T/c.make" 2>&1 &
m=$!
wait_results "$T/c" 10
kill -9 "$m"
wait "$m" 2>/dev/null
check c

# SIGKILL of the worker's reaper (the process its groups are named after,
# in KEY.pid), which makes the groups of the spares: the worker ends too,
# the rest go to a new worker with a reaper of its own, and no group of
# the killed one is left.
mkdir -p "$T/run-e" || exit 99
export XDG_RUNTIME_DIR="$T/run-e"
id=$(grep -l '"mode":"warm"' "$T"/a/results/*.json | head -n 1)
id=${id##*/}
id=${id%.json}
[ -n "$id" ] || fail "e: no warm mutant in a"
# The worker's owner, the parent of the cr-run-one that starts it, stays:
# nothing but the reaper's end may end the worker.
sh -c '"$1" -q -o "$2" "$3" "$4"; exec sleep 60' sh "$CR_RUN_ONE" "$T/e1.json" "$T/e" "$id" &
owner=$!
for i in $(seq 300); do
	[ -s "$T/e1.json" ] && break
	sleep 0.1
done
grep -q '"mode":"warm"' "$T/e1.json" || fail "e: the run was not warm: $(cat "$T/e1.json")"
reaper=$(cat "$T/run-e"/crmake-*/*.pid 2>/dev/null)
w=$(worker)
[ -n "$w" ] && [ -n "$reaper" ] || fail "e: no worker or reaper found"
kill -9 "$reaper"
# (Gone: no longer there, or a zombie that nothing has reaped yet.)
running() {
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	'' | Z*) return 1 ;;
	esac
}
for i in $(seq 50); do
	running "$w" || break
	sleep 0.1
done
running "$w" && fail "e: the worker outlived its reaper by 5 s"
kill "$owner"
wait "$owner" 2>/dev/null
# The worker took its files with it: the next run starts a new one.
[ -z "$(ls "$T/run-e"/crmake-* 2>/dev/null | grep '\.pid$')" ] ||
	fail "e: the gone worker's files were left: $(ls "$T/run-e"/crmake-*)"
check e
unset XDG_RUNTIME_DIR
grep -q '"mode":"warm"' "$T"/e/results/*.json || fail "e: no warm run after the reaper was killed"
left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "crmake-$reaper-*" 2>/dev/null)
[ -z "$left" ] || fail "e: the killed reaper's groups were left: $left"

# A new worker removes what workers that are gone left in the state
# directory, and leaves a live worker's files and a cold session's reason.
dir=$T/run/crmake-$(id -u)
mkdir -p "$T/run" && mkdir -m 700 "$dir" || exit 99
sh -c 'echo $$' >"$dir/0000000000dead01.pid"
for part in sock rec log files lock; do : >"$dir/0000000000dead01.$part"; done
sleep 600 &
live=$!
echo "$live" >"$dir/00000000000a1ve1.pid"
: >"$dir/00000000000a1ve1.log"
sh -c 'echo $$' >"$dir/0000000000c01d01.pid"
echo "it did not serve" >"$dir/0000000000c01d01.off"
cd "$P" || exit 99
"$CR_PLAN" -s "$T/d" -t "$cmd" src >/dev/null 2>"$T/err" || fail "cr-plan failed: $(cat "$T/err")"
cd "$T" || exit 99
XDG_RUNTIME_DIR=$T/run make -s -f "$T/d/Makefile" -j2 >"$T/d.make" 2>&1 || fail "d: make failed: $(tail -3 "$T/d.make")"
XDG_RUNTIME_DIR=$T/run make -s -f "$T/d/Makefile" stop
kill "$live"
left=$(ls "$dir" | grep -c '^0000000000dead01')
[ "$left" -eq 0 ] || fail "a gone worker's files were left: $(ls "$dir")"
[ -f "$dir/00000000000a1ve1.pid" ] && [ -f "$dir/00000000000a1ve1.log" ] ||
	fail "a live worker's files were removed: $(ls "$dir")"
[ -f "$dir/0000000000c01d01.off" ] || fail "a cold session's reason was removed: $(ls "$dir")"
outcomes "$T/d" >"$T/d.txt"
cmp -s "$T/ref.txt" "$T/d.txt" || fail "d: verdicts differ: $(diff "$T/ref.txt" "$T/d.txt" | head -5)"

[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
exit 0

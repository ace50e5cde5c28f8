#!/bin/sh
# Session faults: what a session goes through outside crmake's control, one
# case after another on a copy of tests/fixtures/calc, each checked against
# an uninterrupted reference run.
#
# Usage: sh bench/session-faults.sh [BIN]   (as root: it mounts tmpfs and
# read-only bind mounts)
#
# Cases:
#   corrupt       a result file truncated, one emptied, one not JSON: make
#                 moves them to corrupt/ and runs their mutants again
#   schema        a session of a newer schema version: cr-report and
#                 cr-run-one refuse it, saying so
#   missing       a session directory that is not there: a clear error
#   read-only     a session directory mounted read-only: every run fails
#                 saying why, no result is half written
#   two-makes     two make runs on one session at once: safe
#   report-while  cr-report while make runs: every report reads
#   full-disk     the session on a full file system: runs fail saying so, no
#                 half result; with space again, make finishes
#   edited        a planned file edited while make runs: the runs after the
#                 edit refuse (stale plan); no verdict of the edited code
# Each case prints "CASE: ok" or "CASE: FAIL: why"; the last line is
#   session faults: N cases, F failed, L results lost, H half results
# and the exit status is 1 if any case failed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
campaign_bin session-faults.sh "${1:-}"
py=/usr/bin/python3
export CR_MKDIR="$top/mk"
[ "$(id -u)" -eq 0 ] || { echo "session-faults.sh: run as root" >&2; exit 2; }

T=$(mktemp -d /tmp/crmake-faults.XXXXXX) || exit 2
cleanup() {
	for m in "$T/ro" "$T/small"; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
	for s in "$T"/*/Makefile; do
		[ -f "$s" ] && make -s -f "$s" stop >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

cases=0 failed=0 lost=0 half=0
ok() { cases=$((cases + 1)); echo "$1: ok${2:+ ($2)}"; }
bad() { cases=$((cases + 1)); failed=$((failed + 1)); echo "$1: FAIL: $2"; }

cp -R "$top/tests/fixtures/calc" "$T/p" || exit 2
find "$T/p" -name __pycache__ -prune -exec rm -rf {} +
cmd="$py -m unittest discover -q -s tests"

plan() {
	(cd "$T/p" && "$bin/cr-plan" -s "$1" -t "$cmd" -e 'tests/*' . >/dev/null 2>"$T/err") || {
		echo "session-faults.sh: cr-plan: $(cat "$T/err")" >&2; exit 2; }
}
run() { (cd "$T/p" && make -s -k -f "$1/Makefile" -j2 >"$T/make.out" 2>&1); }
outcomes() {
	"$bin/cr-report" --json --all "$1" 2>/dev/null | "$py" -c '
import json, sys
for m in sorted(json.load(sys.stdin)["mutants"], key=lambda m: m["id"]):
    print(m["id"], m["outcome"], m.get("killed_by"))'
}
# Results that differ from the reference's (missing ones included).
differ() {
	outcomes "$1" >"$T/o"
	diff "$T/ref.outcomes" "$T/o" | grep -c '^[<>]' | awk '{ print int(($1 + 1) / 2) }'
}
# Files in a results directory that are not whole results.
halves() {
	"$py" - "$1" <<'EOF'
import json, os, sys
n = 0
for name in os.listdir(sys.argv[1]) if os.path.isdir(sys.argv[1]) else ():
    try:
        assert name.endswith(".json")
        json.load(open(os.path.join(sys.argv[1], name)))["outcome"]
    except Exception:
        n += 1
print(n)
EOF
}

plan "$T/ref"
run "$T/ref" || { echo "session-faults.sh: reference run: $(tail -3 "$T/make.out")" >&2; exit 2; }
make -s -f "$T/ref/Makefile" stop >/dev/null 2>&1
outcomes "$T/ref" >"$T/ref.outcomes"
total=$(grep -vc ' skipped ' "$T/ref.outcomes")

# corrupt
plan "$T/c"
cp -R "$T/ref/results" "$T/c/" && touch "$T/c/results"/*.json
set -- $(ls "$T/c/results" | head -n 3)
head -c 40 "$T/c/results/$1" >"$T/cut" && cat "$T/cut" >"$T/c/results/$1"
: >"$T/c/results/$2"
echo 'not json' >"$T/c/results/$3"
run "$T/c"
r=$?
n=$(ls "$T/c/corrupt" 2>/dev/null | wc -l)
d=$(differ "$T/c")
lost=$((lost + d))
if [ "$r" -eq 0 ] && [ "$n" -eq 3 ] && [ "$d" -eq 0 ] &&
    grep -q "$1:1:40: .*moved to .*corrupt/$1: its mutant runs again" "$T/make.out" &&
    [ "$(grep -c '→' "$T/make.out")" -eq 3 ]; then
	ok corrupt "3 bad files moved, 3 mutants run again"
else
	bad corrupt "status $r, $n moved, $d differ: $(head -n 5 "$T/make.out")"
fi

# schema
plan "$T/v"
sqlite3 "$T/v/session.db" 'PRAGMA user_version = 99' 2>/dev/null ||
    "$py" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$T/v/session.db"
"$bin/cr-report" "$T/v" >/dev/null 2>"$T/err"
r1=$?
run "$T/v"
r2=$?
if [ "$r1" -ne 0 ] && grep -q "schema version 99, this crmake reads version" "$T/err" &&
    [ "$r2" -ne 0 ] && grep -q "schema version 99" "$T/make.out" &&
    [ "$(halves "$T/v/results")" -eq 0 ] && [ -z "$(ls "$T/v/results" 2>/dev/null)" ]; then
	ok schema "refused by cr-report and cr-run-one"
else
	bad schema "cr-report $r1 ($(cat "$T/err")), make $r2 ($(head -n 3 "$T/make.out"))"
fi

# missing
"$bin/cr-report" "$T/nowhere" >/dev/null 2>"$T/err"
r1=$?
"$bin/cr-run-one" -o "$T/x.json" "$T/nowhere" 0123456789abcdef >/dev/null 2>"$T/err2"
r2=$?
if [ "$r1" -ne 0 ] && grep -q "nowhere" "$T/err" && [ "$r2" -ne 0 ] &&
    grep -q "nowhere" "$T/err2" && [ ! -e "$T/x.json" ]; then
	ok missing "$(head -n 1 "$T/err")"
else
	bad missing "cr-report $r1 ($(cat "$T/err")), cr-run-one $r2 ($(cat "$T/err2"))"
fi

# read-only
plan "$T/ro"
mount --bind "$T/ro" "$T/ro" && mount -o remount,bind,ro "$T/ro" "$T/ro" || exit 2
run "$T/ro"
r=$?
n=$(ls "$T/ro/results" 2>/dev/null | wc -l)
umount "$T/ro"
if [ "$r" -ne 0 ] && [ "$n" -eq 0 ] && grep -q "Read-only file system" "$T/make.out"; then
	ok read-only "make failed, $(grep -c 'Read-only file system' "$T/make.out") messages, no file"
else
	bad read-only "status $r, $n files: $(head -n 3 "$T/make.out")"
fi
# And then, writable again, it finishes.
run "$T/ro"
d=$(differ "$T/ro")
lost=$((lost + d))
[ "$d" -eq 0 ] || bad read-only "after: $d differ"

# two-makes
plan "$T/two"
(cd "$T/p" && make -s -k -f "$T/two/Makefile" -j2 >"$T/two.1" 2>&1) &
a=$!
(cd "$T/p" && make -s -k -f "$T/two/Makefile" -j2 >"$T/two.2" 2>&1) &
b=$!
wait "$a"; ra=$?
wait "$b"; rb=$?
make -s -f "$T/two/Makefile" stop >/dev/null 2>&1
d=$(differ "$T/two")
h=$(halves "$T/two/results")
lost=$((lost + d))
half=$((half + h))
if [ "$d" -eq 0 ] && [ "$h" -eq 0 ] && [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ]; then
	ok two-makes "both finished, $(cat "$T/two.1" "$T/two.2" | grep -c '→') verdict lines for $total planned mutants"
else
	bad two-makes "status $ra/$rb, $d differ, $h half"
fi

# report-while
plan "$T/rw"
(cd "$T/p" && make -s -k -f "$T/rw/Makefile" -j2 >/dev/null 2>&1) &
m=$!
reads=0 errs=0 prev=0 back=0
while kill -0 "$m" 2>/dev/null; do
	if out=$("$bin/cr-report" --json "$T/rw" 2>"$T/err"); then
		reads=$((reads + 1))
		p=$(printf '%s' "$out" | "$py" -c 'import json, sys; print(json.load(sys.stdin)["counts"]["pending"])')
		[ "$reads" -gt 1 ] && [ "$p" -gt "$prev" ] && back=$((back + 1))
		prev=$p
	else
		errs=$((errs + 1))
	fi
done
wait "$m"
make -s -f "$T/rw/Makefile" stop >/dev/null 2>&1
d=$(differ "$T/rw")
lost=$((lost + d))
if [ "$errs" -eq 0 ] && [ "$back" -eq 0 ] && [ "$reads" -ge 3 ] && [ "$d" -eq 0 ]; then
	ok report-while "$reads reports during the run, pending never rose"
else
	bad report-while "$reads reads, $errs failed ($(cat "$T/err")), pending rose $back times, $d differ"
fi

# full-disk
mkdir "$T/small" && mount -t tmpfs -o size=2m tmpfs "$T/small" || exit 2
plan "$T/small/s"
# Leave almost no room.
dd if=/dev/zero of="$T/small/filler" bs=4k 2>/dev/null
run "$T/small/s"
r=$?
h=$(halves "$T/small/s/results")
half=$((half + h))
n=$(ls "$T/small/s/results" 2>/dev/null | wc -l)
msg=$(grep -c "No space left on device" "$T/make.out")
rm -f "$T/small/filler"
run "$T/small/s"
r2=$?
d=$(differ "$T/small/s")
lost=$((lost + d))
make -s -f "$T/small/s/Makefile" stop >/dev/null 2>&1
if [ "$r" -ne 0 ] && [ "$h" -eq 0 ] && [ "$msg" -ge 1 ] && [ "$r2" -eq 0 ] && [ "$d" -eq 0 ]; then
	ok full-disk "$msg runs said so, $n whole results kept, then all $total"
else
	bad full-disk "status $r then $r2, $h half, $msg messages, $d differ: $(head -n 3 "$T/make.out")"
fi
umount "$T/small"

# edited
plan "$T/e"
(cd "$T/p" && make -s -k -f "$T/e/Makefile" -j2 >"$T/e.out" 2>&1) &
m=$!
while [ "$(ls "$T/e/results" 2>/dev/null | wc -l)" -lt 5 ]; do sleep 0.05; done
cp "$T/p/calc.py" "$T/calc.py.orig"
printf '\n# edited\n' >>"$T/p/calc.py"
edited=$(date +%s.%N)
wait "$m"
r=$?
make -s -f "$T/e/Makefile" stop >/dev/null 2>&1
# A result written after the edit must be of a run that read the file before it.
late=$("$py" - "$T/e/results" "$edited" <<'EOF'
import os, sys
d, t = sys.argv[1], float(sys.argv[2])
# A run that started before the edit may end after it: 2 s of grace.
print(sum(1 for n in os.listdir(d) if os.stat(os.path.join(d, n)).st_mtime > t + 2))
EOF
)
stale=$(grep -c "stale plan\|changed since\|run cr-plan again\|plan again" "$T/e.out")
cp "$T/calc.py.orig" "$T/p/calc.py"
if [ "$r" -ne 0 ] && [ "$stale" -ge 1 ] && [ "$late" -eq 0 ]; then
	ok edited "make stopped with a request to plan again; no verdict after the edit"
else
	bad edited "status $r, $stale stale messages, $late results after the edit: $(head -n 3 "$T/e.out")"
fi

echo "session faults: $cases cases, $failed failed, $lost results lost, $half half results"
[ "$failed" -eq 0 ]

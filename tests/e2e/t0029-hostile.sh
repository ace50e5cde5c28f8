#!/bin/sh
# Hostile mutants are contained and classified, warm and cold alike: an
# endless loop (timeout), a grandchild that ignores SIGTERM and a daemon
# (survived, and gone after), a fork storm (killed at the process limit),
# a test that deletes and rewrites the project's files (survived; the tree
# untouched), one that fills /tmp (killed: its private /tmp is full; the
# real one untouched), a gigabyte of output (timeout at the output limit)
# and a memory hog (timeout at the memory limit). Nothing is left behind:
# no process, no mount, no control group, no file in /tmp.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }

P=$(fixture hostile)
before=$(snapshot "$P")
cd "$P" || exit 99
fill=/tmp/crmake-hostile-fill
[ -e "$fill" ] && fail "$fill exists before the run"

leftovers() {
	pgrep -a -f crmake-hostile
	# Control groups of runs whose cr-run-one is gone.
	find /sys/fs/cgroup -maxdepth 6 -type d -name 'crmake-*' 2>/dev/null |
	    while read -r g; do
		kill -0 "${g##*/crmake-}" 2>/dev/null || echo "group $g"
	done
	[ -e "$fill" ] && echo "$fill"
}

"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" -e 'tests/*' \
    --operators core/ReplaceFalseWithTrue --timeout-constant 6 \
    --cpu-timeout-constant 20 --max-memory 256M --max-procs 32 \
    --max-output 8M . >"$T/plan.out" 2>"$T/err" ||
	fail "cr-plan failed: $(cat "$T/err")"
grep -q "8 mutants" "$T/plan.out" || fail "not 8 mutants: $(cat "$T/plan.out")"

check() {
	"$PY" - "$T/s/results" "$1" "$P/hostile.py" <<'PYEOF' || fail "$1: outcomes"
import glob, json, re, sys
results, mode, source = sys.argv[1:]
# The function each line is in.
where, name = {}, None
for n, line in enumerate(open(source), 1):
    m = re.match(r"def (\w+)", line)
    if m:
        name = m.group(1)
    where[n] = name
expected = {
    "loop": ("timeout", ("wall", "cpu")),
    "stubborn": ("survived", (None,)),
    "daemon": ("survived", (None,)),
    "storm": ("killed", ("processes",)),
    "scribble": ("survived", (None,)),
    "fill_tmp": ("killed", (None,)),
    "shout": ("timeout", ("output",)),
    "hog": ("timeout", ("memory",)),
}
seen, modes = {}, {}
for f in glob.glob(results + "/*.json"):
    r = json.load(open(f))
    fn = where[r["line"]]
    seen[fn] = (r["outcome"], r.get("limit"))
    modes[r["mode"]] = modes.get(r["mode"], 0) + 1
    outcome, limits = expected[fn]
    assert r["outcome"] == outcome and r.get("limit") in limits, (fn, r["outcome"], r.get("limit"), r["output"][-500:])
    if fn == "fill_tmp":
        assert "No space left on device" in r["output"], r["output"][-500:]
    if fn == "shout":
        assert len(r["output"]) <= 64 * 1024, len(r["output"])
assert sorted(seen) == sorted(expected), sorted(seen)
if mode == "warm":
    assert modes.get("warm", 0) >= 6, modes
else:
    assert modes == {"cold": 8}, modes
print(mode, modes, file=sys.stderr)
PYEOF
}

start=$(date +%s)
make -s -k -f "$T/s/Makefile" -j2 >"$T/warm.out" 2>&1 ||
	fail "make (warm) failed: $(tail -n 20 "$T/warm.out")"
check warm
make -s -f "$T/s/Makefile" stop >/dev/null 2>&1
rm -f "$T"/s/results/*.json
make -s -k -f "$T/s/Makefile" -j2 CR_WARM=0 >"$T/cold.out" 2>&1 ||
	fail "make (cold) failed: $(tail -n 20 "$T/cold.out")"
check cold
end=$(date +%s)
[ $((end - start)) -lt 120 ] || fail "the two runs took $((end - start)) s"

[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
assert_no_mounts "$P"
i=0
while [ -n "$(leftovers)" ]; do
	i=$((i + 1))
	[ "$i" -ge 25 ] && fail "left behind: $(leftovers)"
	sleep 0.2
done
exit 0

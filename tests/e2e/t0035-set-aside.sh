#!/bin/sh
# A test that overruns its own CPU budget is set aside and runs after the
# others. A mutant that sends the first test into an endless loop is then
# killed by the next test, which fails, in a fraction of the CPU limit, and
# not called a timeout; a mutant whose only test hangs still times out.
# Warm and cold agree, under unittest and pytest; under pytest, a session
# fixture that takes longer than a budget to set up sets no test aside.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }

P=$(fixture pacing)
before=$(snapshot "$P")

# check NAME CMD: plan with CMD, run warm, then cold; check both.
check() {
	name=$1
	cmd=$2
	(cd "$P" && "$CR_PLAN" -s "$T/s-$name" -t "$cmd" -e 'tests/*' . \
	    >"$T/$name.plan" 2>"$T/err") ||
		fail "cr-plan ($name) failed: $(cat "$T/err")"
	(cd "$T" && make -s -f "$T/s-$name/Makefile" -j2 >"$T/$name-warm.make" 2>&1) ||
		fail "make ($name, warm) failed: $(tail -3 "$T/$name-warm.make")"
	cp -R "$T/s-$name/results" "$T/$name-warm" || exit 99
	make -s -f "$T/s-$name/Makefile" stop clean || fail "make stop clean failed"
	(cd "$T" && make -s -f "$T/s-$name/Makefile" -j2 CR_WARM=0 >"$T/$name-cold.make" 2>&1) ||
		fail "make ($name, cold) failed: $(tail -3 "$T/$name-cold.make")"
	"$PY" "$CR_SRCDIR/tests/e2e/warmcold.py" "$name" "$T/$name-warm" "$T/s-$name/results" ||
		fail "$name: warm and cold disagree"
	for mode in warm cold; do
		dir="$T/$name-warm"
		[ $mode = cold ] && dir="$T/s-$name/results"
		"$PY" - "$dir" "$mode" <<'PYEOF' || fail "$name ($mode): tests set aside"
import json, os, sys
d, mode = sys.argv[1], sys.argv[2]
rs = [json.load(open(os.path.join(d, f))) for f in sorted(os.listdir(d))]
rs = [r for r in rs if r["outcome"] != "skipped"]
hang = {"Add", "Mul", "FloorDiv", "Div", "Pow", "LShift", "BitOr", "BitAnd", "BitXor"}
aside = [r for r in rs if r["set_aside"]]
want = [r for r in rs if r["line"] == 10 and
        r["operator"].rsplit("_", 1)[-1] in hang]
assert len(want) == len(hang), [r["operator"] for r in want]
# The nine, and the default step of 0 (line 4), and no other.
assert sorted(r["id"] for r in aside) == sorted(
    [r["id"] for r in want] +
    [r["id"] for r in rs if r["line"] == 4 and r["set_aside"]]), aside
assert len(aside) == 10, [(r["line"], r["operator"]) for r in aside]
# The only test hangs: a timeout, with nothing set aside.
timeouts = [r for r in rs if r["outcome"] == "timeout"]
assert [(r["line"], r["limit"], r["set_aside"]) for r in timeouts] == [(18, "cpu", 0)], timeouts
limit = timeouts[0]["cpu"]
assert limit >= 1, timeouts
for r in aside:
    assert r["set_aside"] == 1, r
    assert r["outcome"] == "killed", r
    assert r["killed_by"].endswith("test_bounded"), r
    # Less CPU time than a timeout takes, all runs counted.
    assert r["cpu"] < limit, (limit, r)
warm = [r for r in want if r["mode"] == "warm"]
if mode == "warm":
    assert len(warm) >= 5, [(r["mode"], r["cold_reason"]) for r in want]
else:
    assert not warm, warm
print("%s: %d set aside (%d warm), 1 timeout" % (mode, len(aside), len(warm)))
PYEOF
	done
	make -s -f "$T/s-$name/Makefile" stop || fail "make stop failed"
}

check unittest "$PY -m unittest discover -q -s tests"
check pytest "$PY -m pytest -q -p no:cacheprovider tests"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
assert_no_mounts "$P"
exit 0

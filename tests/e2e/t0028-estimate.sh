#!/bin/sh
# cr-report --estimate: the survival rate of a partly run plan, with a
# confidence interval that holds the rate of the whole run, from a plan made
# in a random order (cr-plan --order random --seed N); its gate; and the
# warning when the order was not random.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
cd "$P" || exit 99

# The order in the Makefile, one ID a line.
order() {
	sed -n '/^CR_MUTANTS := /,/^$/p' "$1/Makefile" | grep -o '[0-9a-f]\{16\}'
}

plan_unittest "$T/r" --order random --seed 7
plan_unittest "$T/r2" --order random --seed 7
plan_unittest "$T/r3" --order random --seed 8
plan_unittest "$T/c"
order "$T/r" >"$T/r.order"
order "$T/c" >"$T/c.order"
n=$(wc -l <"$T/r.order")
[ "$n" -eq 68 ] || fail "68 targets expected, $n planned"
# Random, fixed by the seed: the same plan with the same seed, another one
# with another seed, and unlike the longest-first order.
order "$T/r2" | cmp -s - "$T/r.order" || fail "the same seed gave another order"
order "$T/r3" | cmp -s - "$T/r.order" && fail "another seed gave the same order"
cmp -s "$T/r.order" "$T/c.order" && fail "--order random is the longest-first order"
"$PY" - 7 "$T/r.order" <<'PY' || fail "not the order of the seed's digests"
import hashlib, sys
seed, ids = sys.argv[1], open(sys.argv[2]).read().split()
assert ids == sorted(ids, key=lambda i: hashlib.sha256(("%s:%s" % (seed, i)).encode()).hexdigest())
PY

# A sample: the first 30 of the random order, as a cut-short run makes them.
# shellcheck disable=SC2046
make -s -f "$T/r/Makefile" -j2 $(head -n 30 "$T/r.order" | sed "s|^|$T/r/results/|; s|\$|.json|") \
    >/dev/null 2>&1 || fail "make of the sample failed"
"$CR_REPORT" --estimate --confidence 99 --json "$T/r" >"$T/est.json" || fail "cr-report --estimate failed"
"$CR_REPORT" --estimate --confidence 99 "$T/r" >"$T/est.txt" || fail "cr-report --estimate failed"
grep -q "^estimate: .* at 99% confidence (30 of 68 run, in a random order)$" "$T/est.txt" ||
	fail "estimate line: $(grep estimate "$T/est.txt")"

# The whole run: its rate lies in the interval.
make -s -f "$T/r/Makefile" -j2 >/dev/null 2>&1 || fail "make failed"
"$CR_REPORT" --json "$T/r" >"$T/all.json" || fail "cr-report failed"
"$PY" - "$T/est.json" "$T/all.json" >"$T/high" <<'PY' || fail "the interval: $(cat "$T/est.json")"
import json, sys
e = json.load(open(sys.argv[1]))["estimate"]
c = json.load(open(sys.argv[2]))["counts"]
assert e["sample"] == 30 and e["population"] == 68 and e["random_order"] is True, e
assert e["confidence"] == 99 and e["low"] <= e["rate"] <= e["high"] and e["high"] - e["low"] > 1, e
done = c["killed"] + c["survived"] + c["timeout"]
assert done == 68, c
truth = 100.0 * c["survived"] / done
assert e["low"] <= truth <= e["high"], (truth, e)
# What the pending mutants could make of it bounds the interval.
assert e["high"] <= 100.0 * (e["rate"] * 30 / 100 + 38) / 68 + 1e-9, e
print("%.4f" % e["high"])
PY

# The gate takes the interval's upper bound: run the sample's report again.
rm -f "$T"/r/results/*.json
# shellcheck disable=SC2046
make -s -f "$T/r/Makefile" -j2 $(head -n 30 "$T/r.order" | sed "s|^|$T/r/results/|; s|\$|.json|") \
    >/dev/null 2>&1 || fail "make of the sample failed"
high=$(cat "$T/high")
above=$("$PY" -c 'import sys; print("%.3f" % min(100, float(sys.argv[1]) + 0.01))' "$high")
below=$("$PY" -c 'import sys; print("%.3f" % max(0, float(sys.argv[1]) - 0.01))' "$high")
"$CR_REPORT" --estimate --confidence 99 --fail-over "$above" "$T/r" >/dev/null ||
	fail "--fail-over $above failed with an upper bound of $high"
"$CR_REPORT" --estimate --confidence 99 --fail-over "$below" "$T/r" >/dev/null
[ $? -eq 3 ] || fail "--fail-over $below did not exit 3 with an upper bound of $high"
# Without --estimate, the gate is the sample's own rate.
"$CR_REPORT" --fail-over "$below" "$T/r" >/dev/null ||
	fail "--fail-over $below failed without --estimate"

# A plan in the longest-first order is no random sample, and says so.
# shellcheck disable=SC2046
make -s -f "$T/c/Makefile" -j2 $(head -n 30 "$T/c.order" | sed "s|^|$T/c/results/|; s|\$|.json|") \
    >/dev/null 2>&1 || fail "make of the first 30 failed"
"$CR_REPORT" --estimate "$T/c" >"$T/c.txt" || fail "cr-report --estimate failed"
grep -q "^estimate: .* at 95% confidence (30 of 68 run, longest first, not in a random order" "$T/c.txt" ||
	fail "no warning: $(grep estimate "$T/c.txt")"
for bad in 0 100 x; do
	"$CR_REPORT" --estimate --confidence "$bad" "$T/c" >/dev/null 2>&1
	[ $? -eq 2 ] || fail "--confidence $bad did not exit 2"
done
"$CR_PLAN" -s "$T/bad" -t true --order size . >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "'size' is not cost or random" "$T/err" || fail "--order size: $(cat "$T/err")"
exit 0

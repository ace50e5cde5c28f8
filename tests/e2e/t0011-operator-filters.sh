#!/bin/sh
# Operator filters: --operators selects by ID prefix (a regex matched from the
# start), --exclude-operators records the mutants it drops as skipped; skipped
# mutants get no target, never run, and cr-report counts them by reason.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
cd "$P" || exit 99
cmd="$PY -m unittest discover -q -s tests"

# Mutants per operator of the default plan, as "COUNT OPERATOR" lines.
"$CR_PLAN" --list -e 'tests/*' . >"$T/default" || fail "cr-plan --list failed"
per_op() {
	cut -f3 "$1" | sort | uniq -c | awk '{print $1, $2}'
}
n_of() {
	grep -c "	$1" "$T/default"
}
nall=$(wc -l <"$T/default")
nnum=$(n_of 'core/NumberReplacer	')
nlte=$(n_of 'core/ReplaceComparisonOperator_LtE_')
ncmp=$(n_of 'core/ReplaceComparisonOperator_')
[ "$nnum" -gt 0 ] && [ "$nlte" -gt 0 ] && [ "$ncmp" -gt "$nlte" ] ||
	fail "unexpected default plan: $nnum $nlte $ncmp"

# A directory an exclusion names is not searched: nothing of it is planned,
# not even as skipped; a glob that names its files records them as skipped.
"$CR_PLAN" --list --all -e tests . >"$T/dir" || fail "cr-plan --list -e tests failed"
grep -q 'tests/' "$T/dir" && fail "an excluded directory was searched"
"$CR_PLAN" --list --all -e 'tests/*' . >"$T/files" || fail "cr-plan --list failed"
grep -q '	tests/test_calc.py:.*	excluded module$' "$T/files" ||
	fail "excluded files are not recorded as skipped"

# --operators keeps only the operators it names, with the same IDs.
"$CR_PLAN" --list --operators core/NumberReplacer -e 'tests/*' . >"$T/num" ||
	fail "cr-plan --list --operators failed"
[ "$(per_op "$T/num")" = "$nnum core/NumberReplacer" ] ||
	fail "--operators core/NumberReplacer: $(per_op "$T/num")"
grep 'core/NumberReplacer	' "$T/default" | cmp -s - "$T/num" ||
	fail "selecting an operator changed its mutants"

# Matched from the start of the ID, as Python's re.match: "Replacer" is no
# prefix of any ID, ".*Replacer" is; an alternation stays anchored.
"$CR_PLAN" --list --operators Replacer -e 'tests/*' . >"$T/none" 2>"$T/err" ||
	fail "cr-plan --list --operators Replacer failed"
[ -s "$T/none" ] && fail "an unanchored match: $(head -1 "$T/none")"
grep -q "'Replacer' matches no operator" "$T/err" || fail "no warning: $(cat "$T/err")"
"$CR_PLAN" --list --operators '.*Replacer' -e 'tests/*' . >"$T/dot" ||
	fail "cr-plan --list --operators .*Replacer failed"
cmp -s "$T/num" "$T/dot" || fail "'.*Replacer' did not select NumberReplacer"
"$CR_PLAN" --list --operators 'core/NumberReplacer|core/ReplaceComparison' \
    -e 'tests/*' . >"$T/two" || fail "cr-plan --list with an alternation failed"
[ "$(wc -l <"$T/two")" -eq $((nnum + ncmp)) ] ||
	fail "alternation: $(wc -l <"$T/two") mutants, want $((nnum + ncmp))"

# A bad regex is a usage error that names it.
"$CR_PLAN" --list --exclude-operators 'core/(' . >"$T/out" 2>"$T/err"
[ $? -eq 2 ] || fail "a bad regex did not exit 2"
grep -q "exclude-operators: bad regular expression 'core/('" "$T/err" ||
	fail "the bad regex is not named: $(cat "$T/err")"

# A session: excluded operators are recorded as skipped, without targets.
"$CR_PLAN" --runner none -s "$T/s" -t "$cmd" -e 'tests/*' \
    --operators 'core/NumberReplacer|core/ReplaceComparisonOperator_' \
    --exclude-operators 'core/ReplaceComparisonOperator_LtE' . \
    >"$T/out" 2>"$T/err" || fail "cr-plan failed: $(cat "$T/err")"
nt=$("$CR_PLAN" --list --operators 'core/NumberReplacer|core/ReplaceComparisonOperator_' \
    tests | wc -l)
total=$((nnum + ncmp + nt))
skipped=$((nlte + nt))
grep -Eq "^2 files, [0-9]+ lines, $total mutants \\($skipped skipped\\) in [0-9.]+ s\$" "$T/out" ||
	fail "unexpected summary: $(cat "$T/out")"
[ "$(grep -c '^	[0-9a-f]\{16\}' "$T/s/Makefile")" -eq $((total - skipped)) ] ||
	fail "targets: $(grep -c '^	[0-9a-f]\{16\}' "$T/s/Makefile"), want $((total - skipped))"
"$CR_REPORT" --json --all "$T/s" >"$T/r.json" || fail "cr-report --json failed"
"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
for m in r["mutants"]:
    if m["operator"].startswith("core/ReplaceComparisonOperator_LtE"):
        print(m["id"])
' "$T/r.json" >"$T/lte"
[ "$(wc -l <"$T/lte")" -eq "$nlte" ] || fail "LtE mutants are not all recorded"
while read -r id; do
	grep -q "$id" "$T/s/Makefile" && fail "skipped mutant $id has a target"
done <"$T/lte"

make -s -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 || fail "make failed: $(tail -3 "$T/make.out")"
[ "$(ls "$T/s/results" | grep -c '\.json$')" -eq $((total - skipped)) ] ||
	fail "not one result per runnable mutant"
while read -r id; do
	[ -e "$T/s/results/$id.json" ] && fail "skipped mutant $id ran"
done <"$T/lte"

# The report counts the skipped apart, by reason, out of the rate.
"$CR_REPORT" --json --all "$T/s" | "$PY" -c '
import json, sys
nlte, nt, total = map(int, sys.argv[1:])
r = json.load(sys.stdin)
c = r["counts"]
assert r["total"] == total, r["total"]
assert c["skipped"] == nlte + nt and c["pending"] == 0, c
assert r["skipped_by_reason"] == {"operator filter": nlte, "excluded module": nt}, r["skipped_by_reason"]
done = c["killed"] + c["survived"] + c["timeout"]
assert done == total - nlte - nt, c
assert abs(r["survival_rate"] - 100.0 * c["survived"] / done) < 1e-3, r["survival_rate"]
for m in r["mutants"]:
    lte = m["operator"].startswith("core/ReplaceComparisonOperator_LtE")
    if lte:
        assert m["outcome"] == "skipped" and m["skip"] == "operator filter", m
    elif m["path"].startswith("tests/"):
        assert m["outcome"] == "skipped" and m["skip"] == "excluded module", m
    else:
        assert m["outcome"] in ("killed", "survived") and m["skip"] is None, m
' "$nlte" "$nt" "$total" || fail "bad JSON report"
"$CR_REPORT" "$T/s" >"$T/report" || fail "cr-report failed"
grep -Eq "^  skipped +$skipped  \\((excluded module $nt, operator filter $nlte|operator filter $nlte, excluded module $nt)\\)\$" "$T/report" ||
	fail "no breakdown of the skipped: $(grep skipped "$T/report")"
"$CR_REPORT" --all --no-diff "$T/s" >"$T/all" || fail "cr-report --all failed"
[ "$(grep -c ' core/ReplaceComparisonOperator_LtE_[A-Za-z]* skipped (operator filter)$' "$T/all")" -eq "$nlte" ] ||
	fail "--all does not give the reason: $(grep skipped "$T/all" | head -3)"
exit 0

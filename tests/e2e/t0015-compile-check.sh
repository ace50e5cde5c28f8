#!/bin/sh
# Every mutant of every operator, default, extended and parameterised,
# compiles with Python's own compiler on a corpus of tricky syntax, the
# fixtures, the example project and a module of the standard library.
. "$CR_SRCDIR/tests/e2e/lib.sh"

mkdir "$T/corpus" || exit 99
cp -R "$FIXTURES/constructs" "$FIXTURES/calc" "$FIXTURES/slow" \
    "$CR_SRCDIR/examples/inventory" "$T/corpus/" || exit 99
cp /usr/lib/python3.11/fractions.py "$T/corpus/" || exit 99
cd "$T/corpus" || exit 99
"$CR_PLAN" --list --json --operators 'core/|crmake/' \
    --variable-replacer n --variable-replacer a:merged \
    --variable-inserter n:caught --seed 7 . >"$T/plan.jsonl" 2>"$T/err" ||
	fail "cr-plan --list failed: $(cat "$T/err")"
[ -s "$T/err" ] && fail "warnings on a valid corpus: $(cat "$T/err")"
"$PY" "$CR_SRCDIR/bench/compile-check.py" --show 10 <"$T/plan.jsonl" \
    >"$T/check" 2>"$T/failures" ||
	fail "mutants that do not compile: $(cat "$T/failures")"
total=$(awk '$1 == "total" { print $2 }' "$T/check")
[ "${total:-0}" -gt 3000 ] || fail "only ${total:-0} mutants checked"
# The corpus reaches every operator family, the extended set included.
for op in core/AddNot core/ExceptionReplacer core/RemoveDecorator \
    core/ZeroIterationForLoop core/ReplaceBreakWithContinue \
    core/ReplaceContinueWithBreak core/NumberReplacer \
    core/VariableReplacer core/VariableInserter \
    crmake/ReplaceInWithNotIn crmake/ReplaceNotInWithIn \
    crmake/ReplaceReturnWithNone crmake/ReplaceStringLiteral \
    crmake/RemoveMatchCase crmake/ReplaceAndWithLeft \
    crmake/ReplaceOrWithRight crmake/ReplaceAugmentedAssignment_Add_Sub \
    core/ReplaceUnaryOperator_USub_UAdd core/ReplaceComparisonOperator_Is_IsNot; do
	grep -q "^$op " "$T/check" || fail "the corpus has no $op mutant"
done
exit 0

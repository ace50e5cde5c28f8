#!/bin/sh
# No run compiles a module outside the project from source, whatever the
# environment says of byte code (a prefix with nothing in it, writing turned
# off, as a CI job may set them), and no run writes byte code into the tree.
# The mutated module itself is compiled, from the mutated source.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
before=$(snapshot "$P")
mkdir "$T/logs" "$T/empty-prefix" || exit 99
cd "$P" || exit 99
# Each run writes Python's import log (-v) beside the project; pytest -s
# leaves it all there instead of capturing what happens during the tests.
cmd="log=\$(mktemp \"$T/logs/run.XXXXXX\") && env PYTHONDONTWRITEBYTECODE=1 $PY -v -m pytest -q -x -s -p no:cacheprovider tests 2>\"\$log\""
export PYTHONPYCACHEPREFIX="$T/empty-prefix"
export PYTHONDONTWRITEBYTECODE=1
"$CR_PLAN" -s "$T/s" --tmp shared -t "$cmd" --operators 'core/ReplaceBinaryOperator_Add_Sub|core/NumberReplacer' \
    calc.py >/dev/null 2>"$T/err" || fail "cr-plan failed: $(cat "$T/err")"
rm -f "$T"/logs/*
# Cold runs: a new interpreter for each mutant.
(cd "$T" && make -s -f "$T/s/Makefile" -j2 CR_WARM=0 >"$T/make.out" 2>&1) || fail "make failed: $(tail -3 "$T/make.out")"
n=$(ls "$T/logs" | wc -l)
[ "$n" -ge 5 ] || fail "only $n runs logged"
# A module compiled from source shows as "code object from /path.py";
# one loaded from byte code as "code object from '/path.pyc'".
grep -h "^# code object from /" "$T"/logs/run.* | grep -v "from $P/" >"$T/compiled" || true
[ -s "$T/compiled" ] && fail "runs compiled modules outside the project: $(sort "$T/compiled" | uniq -c | sort -rn | head -5)"
grep -h "^# code object from '/usr/lib/python3" "$T"/logs/run.* | grep -q pytest ||
	fail "pytest was not loaded from byte code: $(head -3 "$T"/logs/run.*)"
# The sanity check of the check: the mutated module is compiled every time.
[ "$(grep -l "^# code object from $P/calc.py\$" "$T"/logs/run.* | wc -l)" -eq "$n" ] ||
	fail "the mutated module was not compiled from source in every run"
[ -z "$(ls -A "$T/empty-prefix")" ] || fail "byte code was written under the prefix"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
find "$P" -name '__pycache__' | grep -q . && fail "byte code was written into the project"

# Byte code that Python takes without looking at the source (PEP 552's
# unchecked hash) is never used for a mutant, warm or cold.
unset PYTHONPYCACHEPREFIX PYTHONDONTWRITEBYTECODE
(cd "$P" && "$PY" -m compileall -q --invalidation-mode unchecked-hash calc.py tests) || exit 99
[ -n "$(find "$P" -name 'calc.*.pyc')" ] || exit 99
for warm in 1 0; do
	(cd "$P" && "$CR_PLAN" -s "$T/u$warm" -t "$PY -m unittest discover -q -s tests" \
	    --operators 'core/ReplaceBinaryOperator_Add_Sub' calc.py >/dev/null 2>"$T/err") ||
		fail "cr-plan failed: $(cat "$T/err")"
	make -s -f "$T/u$warm/Makefile" CR_WARM=$warm >/dev/null 2>&1 || fail "make failed"
	make -s -f "$T/u$warm/Makefile" stop
	[ "$(counts "$T/u$warm")" = "1 0 0 0 0 0 0" ] ||
		fail "with unchecked byte code (warm $warm): $(counts "$T/u$warm")"
done
exit 0

#!/bin/sh
# Tests that write into the project tree (pytest's cache, a file of their
# own) write only into their private overlay: the baseline and every mutant
# see their own writes and no one else's, and the tree is left as it was,
# with the session outside the project and inside it.
. "$CR_SRCDIR/tests/e2e/lib.sh"

grep -qw overlay /proc/filesystems || { echo "no overlayfs" >&2; exit 77; }

P=$(fixture calc)
mkdir "$P/sess" || exit 99
# A listing of the project without the session inside it.
tree() {
	snapshot "$P" | grep -v -e '^\./sess[ /]' -e '  \./sess/'
}
before=$(tree)
cd "$P" || exit 99
# A run that finds the file there before it, or written by another run too,
# says LEAK.
cmd='if [ -e written-by-tests ]; then echo LEAK; exit 1; fi
n=$(od -An -N8 -tx8 /dev/urandom | tr -d " ") && echo "$n" >>written-by-tests &&
'"$PY"' -m pytest -q tests || exit 1
[ "$(cat written-by-tests)" = "$n" ] || { echo LEAK; exit 1; }'
unset PYTHONDONTWRITEBYTECODE
"$CR_PLAN" -s "$T/s" --isolation namespace -t "$cmd" -e 'tests/*' \
    --exclude-operators 'core/ReplaceBinaryOperator_.*' . >"$T/out" 2>"$T/err" ||
	fail "cr-plan failed: $(cat "$T/err")"
[ "$before" = "$(tree)" ] || fail "the baseline changed the project tree"
cd "$T" || exit 99
make -s -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 || fail "make failed: $(tail -3 make.out)"
[ "$before" = "$(tree)" ] || fail "the project tree changed: $(ls -A "$P")"
assert_no_mounts "$P"
grep -q '"isolation": *"namespace"' "$T"/s/results/*.json || fail "namespace mode was not used"
grep -l LEAK "$T"/s/results/*.json >/dev/null && fail "a run saw another's writes"
got=$(counts "$T/s")
"$PY" -c 'import sys; k, s, t, i, sk, nc, p = map(int, sys.argv[1:])
sys.exit(not (k > 0 and s > 0 and t == i == p == 0))' $got ||
	fail "unexpected counts: $got"

# The session inside the project: the verdicts are the same.
cd "$P" || exit 99
"$CR_PLAN" -s sess --operators 'core/NumberReplacer' -t "$cmd" -e 'tests/*' . >"$T/out2" 2>"$T/err" ||
	fail "cr-plan with the session inside failed: $(cat "$T/err")"
make -s -f "$P/sess/Makefile" -j2 >"$T/make2.out" 2>&1 || fail "make failed: $(tail -3 "$T/make2.out")"
[ "$before" = "$(tree)" ] || fail "the project tree changed: $(ls -A "$P")"
assert_no_mounts "$P"
outcomes "$P/sess" | grep -v ' skipped$' >"$T/inside.txt"
[ -s "$T/inside.txt" ] || fail "no mutants with the session inside"
outcomes "$T/s" | grep -Fx -f "$T/inside.txt" >"$T/outside.txt"
cmp -s "$T/inside.txt" "$T/outside.txt" ||
	fail "verdicts differ: $(diff "$T/inside.txt" "$T/outside.txt" | head -5)"
exit 0

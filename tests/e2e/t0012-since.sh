#!/bin/sh
# --since REV: in a git work tree, only the mutants on lines changed since
# REV (untracked files included) get targets; the others are recorded as
# "unchanged since REV". A pure deletion changes no line. A bad revision, or
# no git work tree, is an error with git's message.
. "$CR_SRCDIR/tests/e2e/lib.sh"

command -v git >/dev/null 2>&1 || { echo "no git" >&2; exit 77; }
HOME=$T GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=crmake GIT_AUTHOR_EMAIL=cr@example.org \
    GIT_COMMITTER_NAME=crmake GIT_COMMITTER_EMAIL=cr@example.org
export HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
    GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

P=$(fixture calc)
cd "$P" || exit 99
cmd="$PY -m unittest discover -q -s tests"

# Outside a git work tree: git's message, exit 1, no session.
"$CR_PLAN" --runner none -s "$T/s0" -t "$cmd" --since HEAD calc.py >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "--since outside git did not exit 1"
grep -q "^cr-plan: --since 'HEAD': .*not a git repository" "$T/err" ||
	fail "no git message: $(cat "$T/err")"
[ -e "$T/s0" ] && fail "a session was written"

# A line to delete later, in a function no test calls.
sed -i 's/^def fall_height(height, seconds):$/&\n    g = 9/' calc.py
grep -q '^    g = 9$' calc.py || exit 99
git init -q . && git add -A && git commit -qm "calc" || exit 99

# Nothing changed: every mutant is recorded, none runs.
"$CR_PLAN" --list --since HEAD . >"$T/l0" 2>"$T/err" || fail "--list --since failed: $(cat "$T/err")"
[ -s "$T/l0" ] && fail "mutants on unchanged lines: $(head -2 "$T/l0")"

# Edit one function (add, line 5), delete a line of another (fall_height:
# a pure deletion, which leaves the lines around it unchanged) and add an
# untracked module.
sed -i 's/^    return a + b$/    return a + b + 0/' calc.py
sed -i '/^    g = 9$/d' calc.py
printf 'def twice(x):\n    return x * 2\n' >extra.py
git diff --stat HEAD | grep -q 'calc.py' || exit 99

# A bad revision is an error with git's message, before the baseline runs.
"$CR_PLAN" --runner none -s "$T/s1" --tmp shared -t "touch $T/ran; $cmd" --since nope . >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "a bad revision did not exit 1"
grep -q "^cr-plan: --since 'nope': .*bad revision 'nope'" "$T/err" ||
	fail "no message for a bad revision: $(cat "$T/err")"
[ -e "$T/ran" ] && fail "the baseline ran"
"$CR_PLAN" --list --since HEAD..HEAD . >"$T/out" 2>"$T/err"
[ $? -eq 1 ] || fail "a range did not exit 1"
grep -q "does not name one commit" "$T/err" || fail "a range: $(cat "$T/err")"

"$CR_PLAN" --runner none -s "$T/s" -t "$cmd" -e 'tests/*' --since HEAD . >"$T/out" 2>"$T/err" ||
	fail "cr-plan --since failed: $(cat "$T/err")"
grep -Eq '^3 files, [0-9]+ lines, [0-9]+ mutants \([0-9]+ skipped\) in' "$T/out" ||
	fail "unexpected summary: $(cat "$T/out")"
"$CR_REPORT" --json --all --no-diff "$T/s" >"$T/r.json" || fail "cr-report failed"
"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
run = [m for m in r["mutants"] if m["skip"] is None]
assert run, "nothing runnable"
for m in r["mutants"]:
    mine = (m["path"] == "calc.py" and m["line"] == 5) or m["path"] == "extra.py"
    if m["path"].startswith("tests/"):
        assert m["skip"] == "excluded module", m
    elif mine:
        assert m["skip"] is None, m
    else:
        assert m["skip"] == "unchanged since HEAD", m
# Every mutant of add (line 5) runs, the new "+ 0" ones included.
assert {m["col"] for m in run if m["path"] == "calc.py"} == {13, 17, 19}, run
assert any(m["path"] == "extra.py" for m in run), run
print(len(run))
' "$T/r.json" >"$T/nrun" || fail "wrong mutants selected"
[ "$(grep -c '^	[0-9a-f]\{16\}' "$T/s/Makefile")" -eq "$(cat "$T/nrun")" ] ||
	fail "the Makefile does not hold exactly the changed lines' mutants"
grep -q "unchanged since HEAD [0-9]" "$T/s/Makefile" && fail "odd Makefile"
make -s -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 || fail "make failed: $(tail -3 "$T/make.out")"
[ "$(ls "$T/s/results" | grep -c '\.json$')" -eq "$(cat "$T/nrun")" ] ||
	fail "results: $(ls "$T/s/results" | wc -l), want $(cat "$T/nrun")"
"$CR_REPORT" "$T/s" >"$T/report" || fail "cr-report failed"
grep -Eq '^  skipped +[0-9]+  \((unchanged since HEAD [0-9]+, excluded module [0-9]+|excluded module [0-9]+, unchanged since HEAD [0-9]+)\)$' "$T/report" ||
	fail "no breakdown: $(grep skipped "$T/report")"
grep -q '^  pending  *0$' "$T/report" || fail "pending left: $(cat "$T/report")"

# A path with a space, committed then edited, under --list.
printf 'def f(a):\n    return a - 1\n\n\ndef g(b):\n    return b - 1\n' >"my mod.py"
git add "my mod.py" && git commit -qm "my mod" || exit 99
sed -i 's/return b - 1/return b - 2/' "my mod.py"
"$CR_PLAN" --list --since HEAD "my mod.py" >"$T/l1" || fail "--list --since failed"
[ -s "$T/l1" ] || fail "no mutant on the edited line"
cut -f2 "$T/l1" | grep -v '^my mod.py:6:' && fail "a mutant off the edited line"
# A project root below the top of the work tree sees paths relative to it.
mkdir sub && cp calc.py sub/ && git add sub && git commit -qm sub || exit 99
sed -i 's/^    return total \/\/ 60, total % 60$/    return total \/\/ 60, total % 61/' sub/calc.py
(cd sub && "$CR_PLAN" --list --since HEAD calc.py) >"$T/l2" || fail "--list in a subdirectory failed"
[ -s "$T/l2" ] || fail "no mutant in the subdirectory"
line=$(grep -n 'total % 61' sub/calc.py | cut -d: -f1)
cut -f2 "$T/l2" | grep -v "^calc.py:$line:" && fail "a mutant off the edited line in sub/"
exit 0

#!/bin/sh
# Odd sources: each gets a clear message with its position, or is planned
# and run right; nothing crashes. A syntax error and a NUL byte (file
# skipped, with line:column), a byte-order mark, CRLF line ends and tabs
# (the same mutants as the plain file, at the same places, each run and
# killed, the files' bytes untouched), bytes that are not UTF-8, an empty
# file, 100,000 lines, a line of 40,000 terms, nesting 500 deep,
# indentation past column 255 (skipped, with line:column), symbolic links
# (a loop, one to a missing file, one outside the project, one to a file
# in it) and a file its user cannot read.
. "$CR_SRCDIR/tests/e2e/lib.sh"

mkdir -p "$T/p/tests" && cd "$T/p" || exit 99
plain='def f(x):\n    return x + 1\n'
printf "$plain" >plain.py
printf '\357\273\277'"$plain" >bom.py
printf 'def f(x):\r\n    return x + 1\r\n' >crlf.py
printf 'def f(x):\n\treturn x + 1\n' >tabs.py
printf 'def f(x):\n    return x + 1  # caf\351\n' >latin1.py
printf 'def f(x):\n    return x +\n' >syntax.py
printf 'x = 1\nprint("a\000")\n' >nul.py
: >empty.py
"$PY" -c '
print("def f(x):\n    return x + 1\n")
for i in range(100000):
    print("pass")' >long.py
"$PY" -c 'print("x = " + "(" * 500 + "1" + ")" * 500)' >deep.py
# One line of 40,000 terms (the listing took minutes when each position
# counted the characters from the start of its line).
"$PY" -c 'print("x = " + " + ".join(["1"] * 40000))' >wide.py
# Legal Python, but indented past what the grammar can parse.
"$PY" -c 'print("".join("    " * i + "if x:\n" for i in range(64)) + "    " * 64 + "y = 1")' >indent.py
ln -s plain.py link.py
ln -s loop2.py loop1.py && ln -s loop1.py loop2.py
ln -s missing.py dangling.py
ln -s /etc/hostname outside.py
cat >tests/test_all.py <<'PYEOF'
import importlib
import unittest


class TestAll(unittest.TestCase):
    def test_f(self):
        for name in ("plain", "bom", "crlf", "tabs", "long"):
            self.assertEqual(importlib.import_module(name).f(1), 2, name)
PYEOF
before=$(snapshot "$T/p")

start=$(date +%s)
"$CR_PLAN" --list --exclude 'tests/*' . >"$T/list" 2>"$T/err" ||
	fail "cr-plan --list failed: $(cat "$T/err")"
[ $(($(date +%s) - start)) -lt 120 ] || fail "listing took $(($(date +%s) - start)) s"
for want in \
    "syntax.py:2:4: syntax error (file skipped)" \
    "nul.py:2:8: a NUL byte, which Python does not accept in a source file (file skipped)" \
    "indent.py:65:256: indented 256 columns, past the 255 that the Python grammar in use can parse (file skipped)" \
    "loop1.py: Too many levels of symbolic links (symbolic link skipped)" \
    "dangling.py: No such file or directory (symbolic link skipped)" \
    "outside.py: a symbolic link to /etc/hostname, outside the project (skipped)"; do
	grep -qxF "cr-plan: $want" "$T/err" || fail "no message '$want': $(cat "$T/err")"
done
[ "$(wc -l <"$T/err")" -eq 7 ] || fail "other messages: $(cat "$T/err")"
# A link to a file in the project plans that file, under its own name, once:
# the tests import it, and would not see a mutant put in at the link's name.
grep -q "	link.py:" "$T/list" && fail "link.py was planned under its own name"
[ "$(grep -c "	plain.py:2:13	core/ReplaceBinaryOperator_Add_Sub	" "$T/list")" -eq 1 ] ||
	fail "plain.py planned more than once"
"$CR_PLAN" --list link.py >"$T/link" 2>"$T/err" || fail "cr-plan --list link.py: $(cat "$T/err")"
grep -q "	plain.py:2:13	core/ReplaceBinaryOperator_Add_Sub	" "$T/link" ||
	fail "the link's file was not planned: $(head -n 2 "$T/link")"
# The same mutants at the same places in the plain, BOM, CRLF and Latin-1
# files; the tab is one column.
for f in bom crlf latin1 long; do
	[ "$(grep -c "	$f.py:" "$T/list")" -eq "$(grep -c "	plain.py:" "$T/list")" ] ||
		fail "$f.py has not the mutants of plain.py: $(grep "	$f.py:" "$T/list" | head -3)"
done
grep -q "	crlf.py:2:13	core/ReplaceBinaryOperator_Add_Sub	-$" "$T/list" || fail "crlf.py: $(grep crlf "$T/list" | head -2)"
grep -q "	bom.py:2:13	core/ReplaceBinaryOperator_Add_Sub	-$" "$T/list" || fail "bom.py: $(grep bom.py "$T/list" | head -2)"
grep -q "	tabs.py:2:10	core/ReplaceBinaryOperator_Add_Sub	-$" "$T/list" || fail "tabs.py: $(grep tabs "$T/list" | head -2)"
grep -q "	deep.py:" "$T/list" || fail "deep.py was not planned"
grep -q "	wide.py:1:159998	core/ReplaceBinaryOperator_Add_Sub	-$" "$T/list" ||
	fail "wide.py's last + is not at 1:159998: $(grep "	wide.py:" "$T/list" | tail -n 1)"
grep -q "	empty.py:" "$T/list" && fail "mutants in an empty file"

# Run them: each mutant of the odd files put in place exactly.
"$CR_PLAN" -s "$T/s" -t "$PY -m unittest discover -q -s tests" -e 'tests/*' \
    --operators 'core/ReplaceBinaryOperator_Add_Sub' plain.py bom.py crlf.py tabs.py \
    >"$T/out" 2>"$T/err" || fail "cr-plan failed: $(cat "$T/err")"
make -s -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 || fail "make failed: $(tail -n 5 "$T/make.out")"
[ "$(counts "$T/s")" = "4 0 0 0 0 0 0" ] || fail "outcomes: $(counts "$T/s"): $(cat "$T/make.out")"
make -s -f "$T/s/Makefile" stop
[ "$before" = "$(snapshot "$T/p")" ] || fail "the project tree changed"

# A file its user cannot read: said, and the others planned.
if [ "$(id -u)" -eq 0 ]; then
	cp -R "$T/p" "$T/u" && chmod -R a+rX "$T/u" && chmod 000 "$T/u/plain.py" && chmod a+rx "$T" || exit 99
	(cd "$T/u" && setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$CR_PLAN" --list crlf.py plain.py) >"$T/list" 2>"$T/err"
	grep -q "^cr-plan: .*plain.py: Permission denied" "$T/err" || fail "unreadable: $(cat "$T/err")"
	grep -q "	crlf.py:" "$T/list" || fail "unreadable: the other file was not listed"
fi
exit 0

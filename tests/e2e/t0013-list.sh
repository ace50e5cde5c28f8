#!/bin/sh
# cr-plan --list prints the plan (the same mutants a session gets) without
# writing a session or running the tests: tab-separated, escaped text, or
# JSON lines; --list-operators prints the catalogue.
. "$CR_SRCDIR/tests/e2e/lib.sh"

P=$(fixture calc)
cd "$P" || exit 99
cmd="$PY -m unittest discover -q -s tests"

# A test command that would fail and leave a trace: it never runs, and no
# session is written.
"$CR_PLAN" --list -s "$T/s" --tmp shared -t "touch $T/ran; false" -e 'tests/*' . >"$T/list" 2>"$T/err" ||
	fail "cr-plan --list failed: $(cat "$T/err")"
[ -e "$T/ran" ] && fail "--list ran the test command"
[ -e "$T/s" ] && fail "--list wrote a session"
[ -s "$T/err" ] && fail "--list printed diagnostics: $(cat "$T/err")"
[ -s "$T/list" ] || fail "--list printed nothing"
awk -F'\t' 'NF != 4 || $1 !~ /^[0-9a-f]+$/ || length($1) != 16 ||
    $2 !~ /^calc\.py:[1-9][0-9]*:[0-9]+$/ || $3 !~ /^core\// {
	print; bad = 1 } END { exit bad }' "$T/list" >"$T/bad" ||
	fail "malformed lines: $(head -3 "$T/bad")"
grep -q '^[0-9a-f]*	calc.py:5:13	core/ReplaceBinaryOperator_Add_Sub	-$' "$T/list" ||
	fail "no Add_Sub mutant of add: $(head -3 "$T/list")"

# The same mutants as a session planned with the same options.
"$CR_PLAN" --runner none -s "$T/s" -t "$cmd" -e 'tests/*' . >/dev/null || fail "cr-plan failed"
cut -f1 "$T/list" | sort >"$T/ids.list"
sed -n 's/^\t\([0-9a-f]\{16\}\).*/\1/p' "$T/s/Makefile" | sort >"$T/ids.mk"
cmp -s "$T/ids.list" "$T/ids.mk" || fail "--list and the Makefile disagree"

# --all adds the skipped ones, with their reason in a fifth column.
"$CR_PLAN" --list --all -e 'tests/*' . >"$T/all" || fail "cr-plan --list --all failed"
awk -F'\t' 'NF != 5' "$T/all" | grep -q . && fail "--all: not five columns"
[ "$(awk -F'\t' '$5 == ""' "$T/all" | wc -l)" -eq "$(wc -l <"$T/list")" ] ||
	fail "--all: the runnable mutants differ"
grep -q '	tests/test_calc.py:[0-9]*:[0-9]*	.*	excluded module$' "$T/all" ||
	fail "--all: no excluded module"
awk -F'\t' '$5 != "" && $5 != "excluded module"' "$T/all" | grep -q . &&
	fail "--all: unexpected reasons"

# JSON lines: every member, positions that agree with the source, the same
# mutants in the same order as the text, and its escaping.
"$CR_PLAN" --list --json --all -e 'tests/*' . >"$T/json" || fail "cr-plan --list --json failed"
"$PY" - "$T/json" "$T/all" <<'EOF' || fail "bad JSON lines"
import json, sys
keys = {"id", "path", "line", "col", "end_line", "end_col", "start", "end",
        "operator", "replacement", "occurrence", "scope", "skip"}
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
text = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
assert len(rows) == len(text), (len(rows), len(text))
def esc(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\": out.append("\\\\")
        elif ch == "\t": out.append("\\t")
        elif ch == "\n": out.append("\\n")
        elif ch == "\r": out.append("\\r")
        elif o < 0x20 or o == 0x7f: out.append("\\x%02x" % o)
        else: out.append(ch)
    return "".join(out)
src = {}
for m, t in zip(rows, text):
    assert set(m) == keys, m
    b = src.setdefault(m["path"], open(m["path"], "rb").read())
    for pos, line, col in ((m["start"], m["line"], m["col"]),
                           (m["end"], m["end_line"], m["end_col"])):
        assert b[:pos].count(b"\n") + 1 == line, m
        assert len(b[b.rfind(b"\n", 0, pos) + 1:pos].decode()) == col, m
    assert m["start"] <= m["end"], m
    want = [m["id"], "%s:%d:%d" % (esc(m["path"]), m["line"], m["col"]),
            esc(m["operator"]), esc(m["replacement"]), esc(m["skip"] or "")]
    assert t.split("\t") == want, (t, want)
    assert (m["skip"] is None) == (not m["path"].startswith("tests/")), m
    assert isinstance(m["occurrence"], int) and isinstance(m["scope"], str), m
assert any(m["scope"] == "add" for m in rows)
EOF

# Control characters in a column are escaped: one line per mutant.
mkdir "$T/odd" && cd "$T/odd" || exit 99
printf 'x = 1 + 2\n' >"$(printf 'tab\tname.py')"
printf 'x = 1 + 2\n' >"$(printf 'nl\nname.py')"
printf 'x = 1 + 2\n' >'back\slash.py'
n1=$("$CR_PLAN" --list back*.py | wc -l)
"$CR_PLAN" --list . >"$T/odd.list" || fail "cr-plan --list on odd names failed"
[ "$(wc -l <"$T/odd.list")" -eq $((3 * n1)) ] || fail "a raw newline or a lost file: $(cat "$T/odd.list")"
[ "$(grep -c '	tab\\tname.py:1:6	' "$T/odd.list")" -gt 0 ] || fail "tab not escaped"
[ "$(grep -c '	nl\\nname.py:1:6	' "$T/odd.list")" -gt 0 ] || fail "newline not escaped"
[ "$(grep -c '	back\\\\slash.py:1:6	' "$T/odd.list")" -gt 0 ] || fail "backslash not escaped"
"$CR_PLAN" --list --json . | "$PY" -c '
import json, sys
paths = {json.loads(l)["path"] for l in sys.stdin}
assert paths == {"tab\tname.py", "nl\nname.py", "back\\slash.py"}, paths
' || fail "JSON paths are not the raw names"
cd "$P" || exit 99

# --list-operators: sorted, each ID with "default" or "opt-in".
"$CR_PLAN" --list-operators >"$T/ops" || fail "cr-plan --list-operators failed"
cut -f1 "$T/ops" | LC_ALL=C sort -c || fail "--list-operators is not sorted"
awk -F'\t' 'NF != 2 || ($2 != "default" && $2 != "opt-in")' "$T/ops" | grep -q . &&
	fail "--list-operators: bad lines"
grep -q '^core/NumberReplacer	default$' "$T/ops" || fail "no core/NumberReplacer"
grep '	opt-in$' "$T/ops" | grep -v '^crmake/\|^core/VariableReplacer\|^core/VariableInserter' &&
	fail "an unexpected opt-in operator"
cut -f3 "$T/all" | sort -u | while read -r op; do
	grep -q "^$op	default\$" "$T/ops" || fail "$op is not listed as default"
done || exit 1

# Usage errors.
"$CR_PLAN" --list-operators calc.py >/dev/null 2>&1
[ $? -eq 2 ] || fail "--list-operators with a PATH did not exit 2"
"$CR_PLAN" --all -s "$T/s2" -t "$cmd" calc.py >/dev/null 2>&1
[ $? -eq 2 ] || fail "--all without --list did not exit 2"
"$CR_PLAN" --list >/dev/null 2>&1
[ $? -eq 2 ] || fail "--list without a PATH did not exit 2"
exit 0

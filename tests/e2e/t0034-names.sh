#!/bin/sh
# Names of every kind: the project directory, the session directory, the
# planned directory and the planned file each hold a blank, a tab, a
# newline, $, #, :, %, ;, glob characters, quotes, a backslash, a backquote,
# other shell characters or non-ASCII letters, one class a case. Each case
# plans and runs (warm, and cold in every other case) from another
# directory, and must give the verdicts of the plainly named project mutant
# by mutant; the reports (JSON, JUnit, SARIF, GitHub annotations) name the
# file as it is; an edit of the oddly named file stops make with its name
# quoted for the shell; make -n and make -q work; the project tree is left
# as it was. A byte that is not UTF-8 is taken in a session's name, and
# refused plainly in the project's.
. "$CR_SRCDIR/tests/e2e/lib.sh"

nl=$(printf '\nx') && nl=${nl%x}
tab=$(printf '\tx') && tab=${tab%x}

# verdicts SESSION: line, column, operator and outcome of every mutant.
verdicts() {
	"$CR_REPORT" --json --all "$1" | "$PY" -c '
import json, sys
for m in sorted(json.load(sys.stdin)["mutants"], key=lambda m: (m["line"], m["col"], m["operator"])):
    print(m["line"], m["col"], m["operator"], m["outcome"])'
}

# run_case NAME C [MAKE-ARGS...]: the fixture with C in every name.
run_case() {
	what=$1 c=$2
	shift 2
	odd_project "$c"
	P=$ODD dir=$ODD_DIR
	S="$T/s${c}s"
	file="$dir/u${c}nits.py"
	before=$(snapshot "$P")
	(cd "$P" && "$CR_PLAN" -s "$S" -t "$PY -m unittest discover -q -s tests" "$dir") \
	    >"$T/out" 2>&1 || fail "$what: cr-plan: $(cat "$T/out")"
	(cd "$T" && make -s -j2 -f "$S/Makefile" "$@") >"$T/out" 2>&1 ||
		fail "$what: make: $(cat "$T/out")"
	verdicts "$S" >"$T/got"
	cmp -s "$T/want" "$T/got" || fail "$what: verdicts differ: $(diff "$T/want" "$T/got")"
	[ "$before" = "$(snapshot "$P")" ] || fail "$what: the project tree changed"

	# The reports name the file as it is.
	"$CR_REPORT" --json --all "$S" | "$PY" -c '
import json, sys
paths = {m["path"] for m in json.load(sys.stdin)["mutants"]}
assert paths == {sys.argv[1]}, paths' "$file" || fail "$what: JSON report paths"
	"$CR_REPORT" --format junit "$S" | "$PY" -c '
import sys, xml.etree.ElementTree as ET
ET.fromstring(sys.stdin.buffer.read())' || fail "$what: JUnit report is not XML"
	"$CR_REPORT" --format sarif "$S" | "$PY" -c '
import json, sys
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for run in json.load(sys.stdin)["runs"] for r in run["results"]}
assert len(uris) == 1, uris' || fail "$what: SARIF report"
	"$CR_REPORT" --format github "$S" | "$PY" -c '
import sys
files = set()
for line in sys.stdin.buffer.read().decode().split("\n"):
    if line.startswith("::"):
        props = line[2:].split("::", 1)[0].split(" ", 1)[1]
        for prop in props.split(","):
            key, value = prop.split("=", 1)
            if key == "file":
                for a, b in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
                    value = value.replace(a, b)
                files.add(value)
assert files == {sys.argv[1]}, files' "$file" || fail "$what: GitHub annotations"

	# Up to date: make -q says so and make -n would run nothing.
	make -q -f "$S/Makefile" || fail "$what: make -q after a full run"
	make -n -f "$S/Makefile" 2>&1 | grep -q -- "-o " && fail "$what: make -n would run mutants again"

	# An edit stops make, which names the file quoted for the shell.
	touch -d "@$(($(date +%s) + 5))" "$P/$file" || exit 99
	(cd "$T" && make -s -f "$S/Makefile") >"$T/out" 2>&1 && fail "$what: make ran on a stale plan"
	case "$file" in
	*[!A-Za-z0-9%+,./:=@_^-]*) q="'$(printf '%s' "$file" | sed "s/'/'\\\\''/g")'" ;;
	*) q=$file ;;
	esac
	case "$(cat "$T/out")" in
	*"changed since cr-plan ran: $q"*) ;;
	*) fail "$what: stale message: $(cat "$T/out")" ;;
	esac
	grep -q "run cr-plan again" "$T/out" || fail "$what: no advice: $(cat "$T/out")"
	echo "ok: $what"
}

# The reference: plain names.
R=$(fixture names)
(cd "$R" && "$CR_PLAN" -s "$T/ref" -t "$PY -m unittest discover -q -s tests" src) \
    >"$T/out" 2>&1 || fail "cr-plan: $(cat "$T/out")"
make -s -j2 -f "$T/ref/Makefile" >/dev/null 2>&1 || fail "reference run"
verdicts "$T/ref" >"$T/want"
[ "$(grep -c killed "$T/want") $(grep -c survived "$T/want")" = "14 2" ] ||
	fail "reference verdicts: $(cat "$T/want")"

run_case blank ' '
run_case tab "$tab" CR_WARM=0
run_case newline "$nl"
run_case dollar '$x$(id)${y}' CR_WARM=0
run_case hash '#'
run_case colon ':' CR_WARM=0
run_case percent '%'
run_case semicolon ';' CR_WARM=0
run_case glob '*?[a]'
run_case quote "'" CR_WARM=0
run_case double-quote '"'
run_case backslash '\' CR_WARM=0
run_case backquote '`true`'
run_case shell '=|&<>(){}!~,^@' CR_WARM=0
run_case non-ASCII 'é€ü'
run_case mixed " '\"$nl\$#:%;*\\" CR_WARM=0

# A byte that is not UTF-8: a session may have one; the tests' records
# (JSON) cannot name such a file, which is skipped with a warning, nor such
# a project, which is refused.
x=$(printf '\377')
S="$T/bad${x}session"
(cd "$R" && "$CR_PLAN" -s "$S" -t "$PY -m unittest discover -q -s tests" src) \
    >"$T/out" 2>&1 || fail "non-UTF-8 session: cr-plan: $(cat "$T/out")"
make -s -j2 -f "$S/Makefile" >"$T/out" 2>&1 || fail "non-UTF-8 session: make: $(cat "$T/out")"
verdicts "$S" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "non-UTF-8 session: verdicts differ"
cp "$R/src/units.py" "$R/src/u${x}.py" || exit 99
(cd "$R" && "$CR_PLAN" -s "$T/s2" -t "$PY -m unittest discover -q -s tests" src) \
    >"$T/out" 2>&1 || fail "non-UTF-8 file: cr-plan: $(cat "$T/out")"
grep -q "src/u${x}.py: a name that is not UTF-8 (file skipped)" "$T/out" ||
	fail "non-UTF-8 file: $(cat "$T/out")"
rm "$R/src/u${x}.py"
mv "$R" "$T/p${x}" || exit 99
(cd "$T/p${x}" && "$CR_PLAN" -s "$T/s3" -t "$PY -m unittest discover -q -s tests" src) \
    >"$T/out" 2>&1 && fail "a project root that is not UTF-8 was planned"
grep -q "has a name that is not UTF-8" "$T/out" || fail "non-UTF-8 root: $(cat "$T/out")"
echo "ok: non-UTF-8"
exit 0

#!/bin/sh
# cr-report's formats for CI systems: the mutation-testing report schema
# and SARIF (each validated against its own JSON Schema), JUnit XML read
# back by a JUnit reader, GitHub annotations, the badge, the per-file table,
# the mutation score and its gate; and golden files of each format.
. "$CR_SRCDIR/tests/e2e/lib.sh"

: "${CR_REPORT_SCHEMA:?run through make check (it fetches the report schema)}"
: "${CR_SARIF_SCHEMA:?run through make check (it fetches the SARIF schema)}"
"$PY" -c 'import jsonschema' 2>/dev/null ||
	fail "$PY has no jsonschema (Debian package python3-jsonschema)"

P=$(fixture calc)
cd "$P" || exit 99
plan_unittest "$T/s"
# --watch follows make from another process, and ends when nothing is pending.
"$CR_REPORT" --watch=0.2 "$T/s" >"$T/watch" 2>&1 &
watcher=$!
make -s -f "$T/s/Makefile" -j2 >/dev/null 2>&1 || fail "make failed"
wait $watcher || fail "cr-report --watch failed: $(cat "$T/watch")"
head -n 1 "$T/watch" | grep -Eq "^0 of 68 run: .*; pending 68(; score [0-9.]+%)?$" || fail "watch began with: $(head -n 1 "$T/watch")"
tail -n 1 "$T/watch" | grep -Eq "^68 of 68 run: killed 62, survived 6, timeout 0, incompetent 0; pending 0; score [0-9.]+%$" ||
	fail "watch ended with: $(tail -n 1 "$T/watch")"
[ "$(wc -l <"$T/watch")" -ge 3 ] || fail "watch saw no progress: $(cat "$T/watch")"
"$CR_REPORT" --json --all "$T/s" >"$T/all.json" || fail "cr-report --json failed"

# Golden files: each format whole, less what varies from run to run.
for f in text github junit sarif stryker-json; do
	"$CR_REPORT" --format "$f" "$T/s" >"$T/report.$f" || fail "cr-report --format $f failed"
	"$PY" "$CR_SRCDIR/tests/e2e/golden-norm.py" "$f" "$P" "$T/s" <"$T/report.$f" >"$T/norm.$f" ||
		fail "golden-norm.py $f failed"
	diff -u "$CR_SRCDIR/tests/golden/calc/report.$f" "$T/norm.$f" >"$T/diff.$f" ||
		fail "$f differs from tests/golden/calc/report.$f: $(head -20 "$T/diff.$f")"
done

# The schema's format, valid against the pinned schema, and the same
# mutants, outcomes, positions and tests as the JSON report.
"$CR_REPORT" --format stryker-json -o "$T/stryker.json" "$T/s" ||
	fail "cr-report --format stryker-json failed"
"$PY" - "$CR_REPORT_SCHEMA" "$T/stryker.json" "$T/all.json" "$P" <<'PY' || fail "stryker-json report"
import json, sys, jsonschema
schema, report, mine, root = (sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4])
schema = json.load(open(schema))
r = json.load(open(report))
jsonschema.Draft7Validator.check_schema(schema)
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(r), key=str)
assert not errors, "\n".join(e.message for e in errors[:5])
assert r["schemaVersion"] == "2" and r["projectRoot"] == root, r["projectRoot"]
assert r["framework"]["name"] == "crmake"
status = {"killed": "Killed", "survived": "Survived", "timeout": "Timeout",
          "incompetent": "CompileError", "no-coverage": "NoCoverage",
          "skipped": "Ignored", "pending": "Pending"}
ours = {m["id"]: m for m in json.load(open(mine))["mutants"]}
theirs = {m["id"]: (path, m) for path, f in r["files"].items() for m in f["mutants"]}
assert set(ours) == set(theirs), (len(ours), len(theirs))
# The excluded test file is there too, its mutants Ignored with the reason.
assert sorted(r["files"]) == ["calc.py", "tests/test_calc.py"], list(r["files"])
assert all(m["status"] == "Ignored" and m["statusReason"] for m in r["files"]["tests/test_calc.py"]["mutants"])
assert r["files"]["calc.py"]["source"] == open(root + "/calc.py").read()
tests = {t["id"] for f in r["testFiles"].values() for t in f["tests"]}
covered = 0
assert list(r["testFiles"]) == ["tests/test_calc.py"], list(r["testFiles"])
for i, o in ours.items():
    path, m = theirs[i]
    assert path == o["path"] and m["mutatorName"] == o["operator"], (o, m)
    assert m["status"] == status[o["outcome"]], (o, m)
    # The schema counts lines and columns from 1; cr-report's columns from 0.
    assert m["location"]["start"] == {"line": o["line"], "column": o["col"] + 1}, (o, m)
    if o["killed_by"]:
        assert m["killedBy"] == [o["killed_by"]] and o["killed_by"] in tests, (o, m)
    # The tests selected for it; a mutant that every test may reach (code
    # run at import) has none listed.
    if "coveredBy" in m:
        assert m["coveredBy"] and set(m["coveredBy"]) <= tests, m
        covered += 1
    if o["outcome"] in ("killed", "survived"):
        assert m["testsCompleted"] == o["tests_run"], (o, m)
        assert m["duration"] >= 0
    if o["outcome"] == "no-coverage":
        assert "coveredBy" not in m, m
assert covered > 30, covered
PY

# JUnit XML, read back with the checks a JUnit consumer makes.
"$CR_REPORT" --format junit "$T/s" >"$T/junit.xml" || fail "cr-report --format junit failed"
"$PY" - "$T/junit.xml" "$T/all.json" <<'PY' || fail "junit report"
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
mine = json.load(open(sys.argv[2]))
counts = mine["counts"]
assert root.tag == "testsuites", root.tag
assert int(root.get("tests")) == mine["total"] and int(root.get("failures")) == counts["survived"]
cases = failures = skipped = 0
for suite in root.findall("testsuite"):
    n = suite.findall("testcase")
    assert int(suite.get("tests")) == len(n), suite.attrib
    assert int(suite.get("failures")) == sum(1 for c in n if c.find("failure") is not None)
    assert int(suite.get("skipped")) == sum(1 for c in n if c.find("skipped") is not None)
    float(suite.get("time"))
    for c in n:
        assert c.get("classname") == suite.get("name") and c.get("name"), c.attrib
        float(c.get("time"))
        f = c.find("failure")
        if f is not None:
            assert f.get("type") == "survived" and f.text.startswith("--- a/"), f.attrib
    # The file's scores, as properties, before its test cases.
    props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    assert list(suite)[0].tag == "properties", [x.tag for x in suite][:2]
    mine_f = [m for m in mine["mutants"] if m["path"] == suite.get("name")]
    k = lambda o: sum(1 for m in mine_f if m["outcome"] == o)
    d, valid = k("killed") + k("timeout"), k("killed") + k("timeout") + k("survived")
    want = ("%.2f" % (100.0 * d / (valid + k("no-coverage")))) if valid + k("no-coverage") else ""
    assert props["mutationScore"] == want, (suite.get("name"), props, want)
    assert props["mutationScoreBasedOnCoveredCode"] == (("%.2f" % (100.0 * d / valid)) if valid else ""), props
    cases += len(n)
    failures += int(suite.get("failures"))
    skipped += int(suite.get("skipped"))
assert cases == mine["total"] and failures == counts["survived"], (cases, failures)
assert skipped == counts["no-coverage"] + counts["pending"] + counts["skipped"] + counts["incompetent"]
PY

# GitHub annotations: one warning at each survivor, and a summary notice.
"$CR_REPORT" --format github "$T/s" >"$T/gh" || fail "cr-report --format github failed"
"$PY" - "$T/gh" "$T/all.json" <<'PY' || fail "github annotations: $(cat "$T/gh")"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
mine = json.load(open(sys.argv[2]))
survivors = sorted((m["path"], m["line"], m["col"] + 1) for m in mine["mutants"] if m["outcome"] == "survived")
found = []
for l in lines[:-1]:
    m = re.match(r"::warning file=([^,]+),line=(\d+),col=(\d+),endLine=\d+,title=survived mutant::(.+)$", l)
    assert m, l
    found.append((m.group(1), int(m.group(2)), int(m.group(3))))
assert sorted(found) == survivors, (found, survivors)
assert re.match(r"::notice title=crmake::crmake: \d+ killed, %d survived, .*mutation score [0-9.]+%%25 "
                r"\(covered code: [0-9.]+%%25\)$" % len(survivors), lines[-1]), lines[-1]
PY

# SARIF 2.1.0: valid, with a warning at each survivor, on the same spot.
"$CR_REPORT" --format sarif -o "$T/r.sarif" "$T/s" || fail "cr-report --format sarif failed"
"$PY" - "$CR_SARIF_SCHEMA" "$T/r.sarif" "$T/all.json" <<'PY' || fail "sarif report"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
mine = json.load(open(sys.argv[3]))
v = jsonschema.validators.validator_for(schema)(schema)
errors = list(v.iter_errors(r))
assert not errors, "\n".join(e.message for e in errors[:5])
run = r["runs"][0]
rules = [x["id"] for x in run["tool"]["driver"]["rules"]]
got = sorted((x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              x["locations"][0]["physicalLocation"]["region"]["startLine"],
              x["locations"][0]["physicalLocation"]["region"]["startColumn"],
              x["ruleId"], x["partialFingerprints"]["crmakeMutant/v1"]) for x in run["results"])
want = sorted((m["path"], m["line"], m["col"] + 1, m["operator"], m["id"])
              for m in mine["mutants"] if m["outcome"] == "survived")
assert got == want and got, (got, want)
assert all(rules[x["ruleIndex"]] == x["ruleId"] for x in run["results"])
c = mine["counts"]
d = c["killed"] + c["timeout"]
assert run["properties"]["mutationScore"] == round(100.0 * d / (d + c["survived"] + c["no-coverage"]), 2), run["properties"]
assert run["properties"]["mutationScoreBasedOnCoveredCode"] == round(100.0 * d / (d + c["survived"]), 2), run["properties"]
PY

# The badge: an SVG image that says the score.
"$CR_REPORT" --format badge -o "$T/badge.svg" "$T/s" || fail "cr-report --format badge failed"
"$PY" - "$T/badge.svg" "$T/all.json" <<'PY' || fail "badge: $(cat "$T/badge.svg")"
import json, sys
import xml.etree.ElementTree as ET
svg = ET.parse(sys.argv[1]).getroot()
assert svg.tag == "{http://www.w3.org/2000/svg}svg", svg.tag
c = json.load(open(sys.argv[2]))["counts"]
d = c["killed"] + c["timeout"]
score = "%.1f%%" % (100.0 * d / (d + c["survived"] + c["no-coverage"]))
texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
assert texts == ["mutation score", score], texts
PY

# The text report's table: a line per file with its counts and score.
"$CR_REPORT" "$T/s" >"$T/text" || fail "cr-report failed"
"$PY" - "$T/text" "$T/all.json" <<'PY' || fail "per-file table: $(cat "$T/text")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
mine = json.load(open(sys.argv[2]))
head = [i for i, l in enumerate(lines) if l.split()[:7] == ["file", "killed", "survived", "timeout", "no-coverage", "skipped", "score"]]
assert len(head) == 1, lines
rows = {}
for l in lines[head[0] + 1:]:
    if not l.strip():
        break
    f = l.split()
    rows[f[0]] = f[1:]
for path in {m["path"] for m in mine["mutants"]}:
    ms = [m for m in mine["mutants"] if m["path"] == path]
    n = lambda o: str(sum(1 for m in ms if m["outcome"] == o))
    assert rows[path][:5] == [n("killed"), n("survived"), n("timeout"), n("no-coverage"), n("skipped")], (path, rows[path])
assert rows["tests/test_calc.py"][5] == "n/a", rows
PY

# The mutation score as the schema defines it, and its gate.
score=$("$PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))["counts"]
d = c["killed"] + c["timeout"]
print("%.1f" % (100.0 * d / (d + c["survived"] + c["no-coverage"])))' "$T/all.json")
grep -q "^mutation score: $score% (covered code: " "$T/text" ||
	fail "text score, expected $score: $(grep score "$T/text")"
"$CR_REPORT" --fail-under 99 "$T/s" >/dev/null
[ $? -eq 3 ] || fail "--fail-under 99 did not exit 3 with a score of $score"
"$CR_REPORT" --fail-under 10 "$T/s" >/dev/null || fail "--fail-under 10 failed with a score of $score"
"$CR_REPORT" --format xml "$T/s" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "'xml' is not one of" "$T/err" || fail "a bad --format: $(cat "$T/err")"
# -o writes the file whole, and nothing to stdout.
"$CR_REPORT" --format junit -o "$T/j2.xml" "$T/s" >"$T/stdout" || fail "-o failed"
[ ! -s "$T/stdout" ] && cmp -s "$T/j2.xml" "$T/junit.xml" || fail "-o wrote another report"
exit 0

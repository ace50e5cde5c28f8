#!/bin/sh
# An unprivileged user gets the same isolation through a user namespace that
# maps its own uid and gid, so the tests see the ids they would see anyway.
. "$CR_SRCDIR/tests/e2e/lib.sh"

uid=$(id -u)
gid=$(id -g)
as_user=
if [ "$uid" -eq 0 ]; then
	# Run as an unprivileged uid with no passwd entry and copies of the
	# commands, so nothing depends on where the build tree lives.
	uid=23456
	gid=23456
	as_user="setpriv --reuid=$uid --regid=$gid --clear-groups"
	mkdir "$T/bin" "$T/mk" || exit 99
	cp "$CR_PLAN" "$CR_RUN_ONE" "$CR_REPORT" "$T/bin/" || exit 99
	cp "$CR_SRCDIR/mk/crmake.mk" "$T/mk/" || exit 99
	cp -R "$CR_SRCDIR/python" "$T/python" || exit 99
	rm -rf "$T/python/__pycache__"
	export CR_PYTHONDIR="$T/python"
	CR_PLAN=$T/bin/cr-plan
	CR_REPORT=$T/bin/cr-report
	export CR_MKDIR="$T/mk"
	chmod 755 "$T"
fi
P=$(fixture calc)
before=$(snapshot "$P")
[ -n "$as_user" ] && chown -R "$uid:$gid" "$P" && mkdir "$T/s" && chown "$uid:$gid" "$T/s" "$T"
cd "$P" || exit 99
# The tests fail unless they run with the caller's own uid and gid.
cmd="test \"\$(id -u):\$(id -g)\" = $uid:$gid && $PY -m unittest discover -q -s tests"
$as_user env HOME="$T" "$CR_PLAN" -s "$T/s" --isolation namespace -t "$cmd" calc.py \
    >/dev/null 2>"$T/err" || fail "cr-plan as uid $uid failed: $(cat "$T/err")"
cd "$T" || exit 99
$as_user env HOME="$T" make -s -f "$T/s/Makefile" -j2 >"$T/make.out" 2>&1 ||
	fail "make as uid $uid failed: $(tail -3 make.out)"
grep -q '"isolation": *"namespace"' "$T"/s/results/*.json ||
	fail "the namespace isolation was not used"
got=$($as_user "$CR_REPORT" --json "$T/s" | "$PY" -c '
import json, sys
c = json.load(sys.stdin)["counts"]
print(c["killed"] > 0 and c["survived"] > 0 and c["pending"] == 0)')
# Test selection ran as that user too: each result names the tests it ran.
grep -q '"selection":"tests"' "$T"/s/results/*.json ||
	fail "no mutant ran with test selection as uid $uid"
[ "$got" = True ] || fail "unexpected verdicts as uid $uid: $(head -5 make.out)"
[ "$before" = "$(snapshot "$P")" ] || fail "the project tree changed"
exit 0

#!/bin/sh
# CR_HOSTS: mutants spread over ssh "hosts" (network namespaces of this
# machine, each with its own sshd and a key made for the test). Every
# mutant gets a result, with the verdicts of a local run, and work runs on
# every host; the hosts get the session over the connection, not from a
# shared directory. Then one host dies mid-run (its sshd and all under
# it): its mutants go to the other host, and nothing is lost or counted
# twice. A project and a session of odd names run there too.
. "${CR_SRCDIR:?}/tests/e2e/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: network namespaces need root" >&2; exit 77; }
mkdir -p "$T/hosts" || exit 99
trap 'sh "$CR_SRCDIR/tests/ssh/hosts.sh" stop "$T/hosts" >/dev/null 2>&1; rm -rf "$T"' EXIT
sh "$CR_SRCDIR/tests/ssh/hosts.sh" start "$T/hosts" 2 >"$T/hosts.out" 2>&1 ||
	fail "the hosts did not start: $(cat "$T/hosts.out")"
CR_SSH="ssh -F $T/hosts/ssh_config"
export CR_SSH

p=$(fixture waiting)
cd "$p" || exit 99

reference_run "$T/local" 4

# A bad host list is a clear error, naming the entry, and runs nothing.
plan_unittest "$T/s"
id=$("$CR_RUN_ONE" --targets "$T/s" | head -n 1)
if CR_HOSTS='h1/2 h2/0' "$CR_RUN_ONE" "$T/s" "$id" >"$T/out" 2>&1; then
	fail "CR_HOSTS='h1/2 h2/0' accepted"
fi
grep -q "column 6: 'h2/0'" "$T/out" || fail "bad CR_HOSTS message: $(cat "$T/out")"
[ "$(n_results "$T/s")" -eq 0 ] || fail "a bad CR_HOSTS wrote a result"

# Both hosts, two slots each.
make -s -f "$T/s/Makefile" -j4 CR_HOSTS='h1/2 h2/2' >"$T/out" 2>"$T/err" ||
	fail "make with CR_HOSTS: $(cat "$T/err")"
same_as_reference "$T/s" "CR_HOSTS"
"$PY" - "$T/s/results" <<'PYEOF' || fail "where the mutants ran"
import glob, json, sys
rs = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.json")]
where = {r["remote"] for r in rs}
assert where == {"h1", "h2"}, where
PYEOF
# The hosts read the session from what was sent to them: the session
# directory here is not where they look.
hash=$(sqlite3 "$T/s/session.db" "select value from config where key = 'plan_hash'")
[ -n "$(find /tmp/crmake-0 "${XDG_RUNTIME_DIR:-/nonexistent}/crmake-0" -path "*/sessions/$hash/session.db" 2>/dev/null)" ] ||
	fail "no received copy of the session"

# Odd names over ssh: a project, its files and a session whose names hold
# a blank, quotes, $, #, :, ; and a newline.
nl=$(printf '\nx') && nl=${nl%x}
odd_project " '\"\$#:;$nl"
S="$T/o '\"\$#:;${nl}s"
(cd "$ODD" && "$CR_PLAN" -s "$S" -t "$PY -m unittest discover -q -s tests" "$ODD_DIR") \
    >"$T/out" 2>&1 || fail "odd names: cr-plan: $(cat "$T/out")"
make -s -f "$S/Makefile" -j4 CR_HOSTS='h1/2 h2/2' >"$T/out" 2>&1 ||
	fail "odd names: make with CR_HOSTS: $(cat "$T/out")"
[ "$(counts "$S")" = "14 2 0 0 0 0 0" ] || fail "odd names: counts $(counts "$S")"
[ -z "$(grep -L '"remote":"h[12]"' "$S"/results/*.json)" ] ||
	fail "odd names: a mutant ran here, not on a host"
cd "$p" || exit 99

# h2 dies mid-run: its mutants go to h1, and make ends well.
plan_unittest "$T/f"
make -s -k -f "$T/f/Makefile" -j4 CR_HOSTS='h2/2 h1/2' >"$T/f.out" 2>"$T/f.err" &
mk=$!
i=0
until [ "$(n_results "$T/f")" -ge 3 ]; do
	i=$((i + 1))
	[ "$i" -ge 600 ] && fail "no results: $(cat "$T/f.err")"
	sleep 0.1
done
pids=$(ip netns pids "$(cat "$T/hosts/h2/nsname")")
[ -n "$pids" ] || fail "nothing runs on h2"
# shellcheck disable=SC2086
kill -KILL $pids
wait "$mk" || fail "make failed after h2 died: $(cat "$T/f.err")"
grep -q "ssh failed (status 255); h2 is passed over" "$T/f.err" ||
	fail "no mutant was moved off h2: $(cat "$T/f.err")"
same_as_reference "$T/f" "after h2 died"
# Each mutant once: one progress line per mutant.
[ "$(grep -c " → killed \| → survived \| → timeout " "$T/f.out")" -eq "$all" ] ||
	fail "$(grep -c " → killed \| → survived \| → timeout " "$T/f.out") verdict lines for $all mutants"
exit 0

#!/bin/sh
# Shards of a CI matrix, merged reports, a deadline, and a launcher that
# loses runs: every mutant runs in exactly one shard, the merge of the
# shards equals one whole run, a merge of different plans is refused, and
# a target never succeeds without its result.
. "${CR_SRCDIR:?}/tests/e2e/lib.sh"

p=$(fixture calc)
cd "$p" || exit 99
hash_of() {
	sqlite3 "$1/session.db" "select value from config where key = 'plan_hash'"
}

# One whole run, the reference.
reference_run "$T/whole" 2
[ "$all" -gt 20 ] || fail "only $all targets"

# Three CI jobs: each plans on its own (as on a fresh clone) and runs its shard.
for k in 1 2 3; do
	plan_unittest "$T/s$k"
	[ "$(hash_of "$T/s$k")" = "$(hash_of "$T/whole")" ] ||
		fail "plans of the same code differ: $(hash_of "$T/s$k") $(hash_of "$T/whole")"
	make -s -f "$T/s$k/Makefile" -j2 CR_SHARD=$k/3 >/dev/null 2>"$T/err" ||
		fail "shard $k: $(cat "$T/err")"
	find "$T/s$k/results" -name '*.json' | sed 's|.*/||; s|\.json$||' >"$T/ids.$k"
	# Balanced: no shard has more than half again its share.
	[ "$(wc -l <"$T/ids.$k")" -le $((all / 2)) ] || fail "shard $k ran $(wc -l <"$T/ids.$k") of $all"
	[ "$(wc -l <"$T/ids.$k")" -ge 1 ] || fail "shard $k ran nothing"
	# Every result says which plan and where.
	f=$(find "$T/s$k/results" -name '*.json' | head -n 1)
	"$PY" - "$f" "$(hash_of "$T/whole")" "$(hostname)" <<'PYEOF' || fail "result fields of $f"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["plan"] == sys.argv[2], r["plan"]
assert r["host"] == sys.argv[3], r["host"]
assert r["slurm_job"] is None and r["slurm_step"] is None and r["slurm_node"] is None
PYEOF
done
# Each mutant in exactly one shard, and all of them.
cat "$T/ids.1" "$T/ids.2" "$T/ids.3" | sort >"$T/ids.union"
[ "$(sort -u "$T/ids.union" | wc -l)" -eq "$(wc -l <"$T/ids.union")" ] || fail "a mutant ran in two shards"
"$CR_RUN_ONE" --targets "$T/whole" | sort >"$T/ids.all"
cmp -s "$T/ids.union" "$T/ids.all" || fail "the shards do not cover the plan: $(diff "$T/ids.all" "$T/ids.union")"

# The merge of the shards is the whole run, and counts each mutant once.
outcomes_of() {
	"$CR_REPORT" --json --all "$@" | "$PY" -c '
import json, sys
for m in sorted(json.load(sys.stdin)["mutants"], key=lambda m: m["id"]):
    print(m["id"], m["outcome"])'
}
outcomes_of "$T/s1" "$T/s2" "$T/s3" >"$T/o.merged" || fail "cr-report s1 s2 s3 failed"
cmp -s "$T/whole.outcomes" "$T/o.merged" || fail "merged shards differ: $(diff "$T/whole.outcomes" "$T/o.merged")"
"$CR_REPORT" "$T/s1" "$T/s2" "$T/s3" "$T/whole" >"$T/out" || fail "merging the whole run too failed"
grep -q "pending          0" "$T/out" || fail "pending after the merge: $(cat "$T/out")"
# One shard alone leaves the others' mutants pending.
"$CR_REPORT" --json "$T/s1" | "$PY" -c '
import json, sys
c = json.load(sys.stdin)["counts"]
sys.exit(0 if c["pending"] > 0 else 1)' || fail "shard 1 alone reports nothing pending"

# A different plan (another option) is refused, naming both sessions.
plan_unittest "$T/other" --timeout-factor 7
if "$CR_REPORT" "$T/s1" "$T/other" >"$T/out" 2>"$T/err"; then
	fail "a merge of different plans was accepted"
fi
grep -q "different plans" "$T/err" || fail "refusal message: $(cat "$T/err")"
grep -q "$T/other" "$T/err" || fail "refusal does not name the session: $(cat "$T/err")"

# A bad shard is a clear error before anything runs.
if make -s -f "$T/s1/Makefile" CR_SHARD=4/3 >"$T/out" 2>"$T/err"; then
	fail "CR_SHARD=4/3 accepted"
fi
grep -q "shard '4/3'" "$T/err" || fail "CR_SHARD=4/3 message: $(cat "$T/err")"

# A deadline that has passed starts nothing and says so; make succeeds.
plan_unittest "$T/d"
make -s -f "$T/d/Makefile" -j2 CR_DEADLINE=0 >"$T/out" 2>&1 || fail "CR_DEADLINE=0: $(cat "$T/out")"
[ "$(n_results "$T/d")" -eq 0 ] || fail "CR_DEADLINE=0 ran $(n_results "$T/d") mutants"
grep -q "CR_DEADLINE=0 has passed" "$T/out" || fail "no deadline message: $(cat "$T/out")"
if make -s -f "$T/d/Makefile" CR_DEADLINE=soon >"$T/out" 2>&1; then
	fail "CR_DEADLINE=soon accepted"
fi
grep -q "not a duration" "$T/out" || fail "CR_DEADLINE=soon message: $(cat "$T/out")"
# A generous one runs everything, with the same verdicts.
make -s -f "$T/d/Makefile" -j2 CR_DEADLINE=30m >"$T/out" 2>&1 || fail "CR_DEADLINE=30m: $(cat "$T/out")"
outcomes "$T/d" >"$T/o.d"
cmp -s "$T/whole.outcomes" "$T/o.d" || fail "deadline run differs: $(diff "$T/whole.outcomes" "$T/o.d")"

# A launcher that exits 0 without running anything (srun after a node
# failure): every target fails, make -k says so, and nothing is recorded.
plan_unittest "$T/l"
if make -s -k -f "$T/l/Makefile" -j2 CR_LAUNCH=true >"$T/out" 2>"$T/err"; then
	fail "make succeeded with no results"
fi
[ "$(n_results "$T/l")" -eq 0 ] || fail "results appeared"
[ "$(grep -c "no result was written (true ended without an error)" "$T/err")" -eq "$all" ] ||
	fail "not one message per lost target: $(head -n 5 "$T/err")"
# A launcher that loses only some runs: the next make runs exactly those.
cat >"$T/flaky" <<'SHEOF'
#!/bin/sh
# Lose every third run, as a node that fails now and then.
n=$(cat "$0.n" 2>/dev/null || echo 0); echo $((n + 1)) >"$0.n"
[ $((n % 3)) -eq 2 ] && exit 0
exec "$@"
SHEOF
chmod +x "$T/flaky"
make -s -k -f "$T/l/Makefile" -j1 CR_LAUNCH="$T/flaky" >/dev/null 2>"$T/err" && fail "make -k succeeded with lost runs"
lost=$(grep -c "no result was written" "$T/err")
[ "$lost" -ge 1 ] || fail "no run was lost"
[ "$(n_results "$T/l")" -eq $((all - lost)) ] || fail "$(n_results "$T/l") results with $lost lost of $all"
make -n -f "$T/l/Makefile" 2>/dev/null | grep -c -- "-o [^ ]*/results/" >"$T/nrun"
[ "$(cat "$T/nrun")" -eq "$lost" ] || fail "make -n would run $(cat "$T/nrun"), $lost were lost"
make -s -f "$T/l/Makefile" -j2 >/dev/null 2>"$T/err" || fail "the make after: $(cat "$T/err")"
outcomes "$T/l" >"$T/o.l"
cmp -s "$T/whole.outcomes" "$T/o.l" || fail "after lost runs: $(diff "$T/whole.outcomes" "$T/o.l")"
exit 0

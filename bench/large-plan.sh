#!/bin/sh
# A large plan: how long make takes to start the first mutant, how much
# memory it holds, and how long make -n and make -q take, for a plan of
# about MUTANTS mutants (default 200000).
#
# Usage: sh bench/large-plan.sh [BIN]
# BIN holds cr-plan, cr-run-one and cr-report (default: $CR_BIN, else build/
# at the top of the repository).
#
# The project is generated: FUNCS modules of functions whose bodies hold
# arithmetic and comparisons, planned without selection (--runner none,
# the test command `true`), so that planning measures enumeration and the
# Makefile, not a test suite. make then runs with a CR_RUN_ONE that only
# notes the time it was started and fails, so that make stops at once;
# the time from make's start to that note is the time to the first mutant.
# Also measured with CR_SHARD=1/4 and CR_DEADLINE (both list the targets
# through cr-run-one first).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${CR_BIN:-$top/build}}
test -x "$bin/cr-plan" || { echo "large-plan.sh: no cr-plan in $bin" >&2; exit 1; }
bin=$(cd "$bin" && pwd)
want=${MUTANTS:-200000}
py=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-large.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One function gives about 86 mutants (see the operator catalogue).
$py - "$tmp/project" "$want" <<'PYEOF'
import os, sys
root, want = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
funcs = want // 86 + 1
per_module = 200
for m in range((funcs + per_module - 1) // per_module):
    with open(os.path.join(root, "mod%03d.py" % m), "w") as f:
        for i in range(per_module):
            f.write("def f%d(a, b, c):\n"
                    "    if a > b and b <= c:\n"
                    "        return a + b * 2 - c // 3\n"
                    "    return a %% 5 == 1 or not c\n\n" % i)
PYEOF

now() {
	$py -c 'import time; print("%.3f" % time.time())'
}
# peak KIB COMMAND...: run, print the peak resident size in KiB.
peak() {
	/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$tmp/rss"
}

cd "$tmp/project"
t0=$(now)
"$bin/cr-plan" --session "$tmp/s" --runner none --test-command true . >"$tmp/plan.out"
t1=$(now)
n=$("$bin/cr-run-one" --targets "$tmp/s" | wc -l)
cat >"$tmp/first" <<SHEOF
#!/bin/sh
$py -c 'import time; print("%.3f" % time.time())' >>"$tmp/started"
exit 1
SHEOF
chmod +x "$tmp/first"

# first ARGS...: seconds from make's start to the first mutant's start.
first() {
	rm -f "$tmp/started"
	a=$(now)
	make -s -f "$tmp/s/Makefile" CR_RUN_ONE="$tmp/first" "$@" >/dev/null 2>&1 || true
	b=$(head -n 1 "$tmp/started")
	$py -c "print('%.2f' % ($b - $a))"
}
timed() {
	a=$(now)
	"$@" >/dev/null 2>&1 || true
	b=$(now)
	$py -c "print('%.2f' % ($b - $a))"
}

echo "plan:                 $(cat "$tmp/plan.out" | head -n 1)"
echo "cr-plan:              $($py -c "print('%.1f' % ($t1 - $t0))") s for $n targets"
echo "make, first mutant:   $(first) s; peak memory $(peak make -s -f "$tmp/s/Makefile" CR_RUN_ONE="$tmp/first") KiB"
echo "  with CR_SHARD=1/4:  $(first CR_SHARD=1/4) s"
echo "  with CR_DEADLINE:   $(first CR_DEADLINE=1h) s"
echo "make -n:              $(timed make -n -f "$tmp/s/Makefile") s"
echo "make -q:              $(timed make -q -f "$tmp/s/Makefile") s"

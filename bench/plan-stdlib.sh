#!/bin/sh
# Times cr-plan over the Python 3.11 standard library (planning only: the test command is `true`).
#
# Usage: sh bench/plan-stdlib.sh [BIN]
# BIN holds cr-plan (default: $CR_BIN, else build/ at the top of the repository).
# STDLIB overrides the library directory (default /usr/lib/python3.11).
# The test suites inside the library (test/, */test/, */tests/, idle_test/)
# are left out: they are not library code and some hold invalid Python on
# purpose. The files are listed here, not found by cr-plan, so the set is the
# same whatever --exclude does.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${CR_BIN:-$top/build}}
test -d "$bin" || { echo "plan-stdlib.sh: no directory $bin (build crmake, or give BIN)" >&2; exit 1; }
bin=$(cd "$bin" && pwd)
stdlib=${STDLIB:-/usr/lib/python3.11}

test -x "$bin/cr-plan" || { echo "plan-stdlib.sh: no cr-plan in $bin" >&2; exit 1; }
test -d "$stdlib" || { echo "plan-stdlib.sh: no $stdlib" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$stdlib"
find . -name '*.py' \
    ! -path './test/*' ! -path '*/test/*' ! -path '*/tests/*' \
    ! -path '*/idle_test/*' ! -path './site-packages/*' \
    ! -path './dist-packages/*' | sed 's|^\./||' | LC_ALL=C sort >"$tmp/files"
nfiles=$(wc -l <"$tmp/files")
nlines=$(tr '\n' '\0' <"$tmp/files" | xargs -0 cat | wc -l)
echo "input: $stdlib, $nfiles files, $nlines lines (test suites left out)"

# shellcheck disable=SC2046
set -- $(cat "$tmp/files")
start=$(date +%s.%N)
"$bin/cr-plan" --session "$tmp/session" --test-command true "$@" \
    >"$tmp/out" 2>"$tmp/err" || {
	cat "$tmp/out" "$tmp/err" >&2
	echo "plan-stdlib.sh: cr-plan failed" >&2
	exit 1
}
end=$(date +%s.%N)

# The summary line ("N files, N lines, N mutants in S s") may come on either
# stream; everything else on stderr is a warning.
grep -v ' mutants in ' "$tmp/err" >"$tmp/warnings" || true
if test -s "$tmp/warnings"; then
	echo "cr-plan warnings: $(wc -l <"$tmp/warnings") lines, the first ones:"
	head -n 5 "$tmp/warnings"
fi
grep -v ' mutants in ' "$tmp/out" || true
summary=$(cat "$tmp/out" "$tmp/err" | grep ' mutants in ' | tail -n 1) || true
echo "cr-plan: ${summary:-no summary line}"
awk -v s="$start" -v e="$end" 'BEGIN { printf "wall time of cr-plan: %.2f s\n", e - s }'
du -sh "$tmp/session" | awk '{ print "session size: " $1 }'

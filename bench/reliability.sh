#!/bin/sh
# Run the reliability campaigns and write their table into the README.
#
# Usage: sh bench/reliability.sh [BIN]   (as root)
#
# Runs bench/hostile-campaign.sh, bench/kill-campaign.sh (KILLS, default
# 50) and bench/session-faults.sh, keeps each one's output in
# bench/reliability/NAME.out, adds the bad-input and fuzzing figures kept
# there by their own scripts (bad-input.out, fuzz.out) when present, and
# replaces the README's "Reliability" section with a table made from them:
# per case, what was tried, results lost, what was left behind (processes,
# mounts, temporary directories, control groups, files) and crashes (a
# sanitizer report, a core dump, a "Segmentation fault" or an "Aborted" in
# the output). Exits 1 if a campaign failed; the table says which.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${CR_BIN:-$top/build}}
out=$top/bench/reliability
mkdir -p "$out" || exit 2
status=0

for c in hostile-campaign kill-campaign session-faults; do
	echo "reliability.sh: $c ..." >&2
	sh "$top/bench/$c.sh" "$bin" >"$out/$c.out" 2>&1 || status=1
done
# Bad input, odd names and empty plans (end-to-end scenarios), and valgrind over the
# unit tests, through the build's make check.
for t in tests/e2e/t0032-empty-plan.sh tests/e2e/t0033-bad-input.sh tests/e2e/t0034-names.sh tests/unit/valgrind.sh; do
	name=$(basename "$t" .sh)
	echo "reliability.sh: $name ..." >&2
	if make -s -C "$bin" check TESTS="$t" >/dev/null 2>&1; then r=ok; else r=FAIL; status=1; fi
	log=$bin/${t%.sh}.log
	{ echo "$r"; cat "$log" 2>/dev/null; } >"$out/$name.out"
done

crashes() {
	grep -ciE 'AddressSanitizer|runtime error:|Segmentation fault|core dumped|Aborted' "$1"
}

# The table, from the outputs.
{
	echo "Reliability"
	echo "-----------"
	echo
	echo "Written by bench/reliability.sh from its campaigns' output (kept in"
	echo "bench/reliability/); last run $(date -u +%Y-%m-%d) at commit"
	echo "$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown). \"Left\" counts processes, mounts,"
	echo "temporary directories, control groups and files left behind."
	echo
	printf '    %-22s %-26s %5s %5s %7s  %s\n' case tried lost left crashes shown
	f=$out/hostile-campaign.out
	n=$(crashes "$f")
	grep -E '^[a-z_]+: (ok|WRONG);' "$f" | while IFS= read -r line; do
		name=${line%%:*}
		rest=${line#*; }
		case "$line" in *": ok;"*) lost=0 ;; *) lost=1 ;; esac
		left=$(tail -n 1 "$f" | sed -n 's/.* \([0-9]*\) processes, \([0-9]*\) mounts, \([0-9]*\) groups, \([0-9]*\) files left.*/\1 \2 \3 \4/p' |
		    awk '{ print $1 + $2 + $3 + $4 }')
		printf '    %-22s %-26s %5s %5s %7s  %s\n' "hostile: $name" "warm and cold run" "$lost" "${left:-?}" "$n" "$rest"
	done
	f=$out/kill-campaign.out
	line=$(tail -n 1 "$f")
	kills=$(echo "$line" | sed -n 's/^kill campaign: \([0-9]*\) kills .*/\1 SIGKILLs, resumed/p')
	who=$(echo "$line" | sed -n 's/^kill campaign: [0-9]* kills (\(.*\)), [0-9]* lost.*/\1/p')
	lost=$(echo "$line" | sed -n 's/.*), \([0-9]*\) lost, \([0-9]*\) half results.*/\1/p')
	halfs=$(echo "$line" | sed -n 's/.* \([0-9]*\) half results.*/\1/p')
	left=$(echo "$line" | sed -n 's/.* \([0-9]*\) mounts, \([0-9]*\) processes, \([0-9]*\) temporary directories, \([0-9]*\) groups.*/\1 \2 \3 \4/p' |
	    awk '{ print $1 + $2 + $3 + $4 }')
	tree=$(echo "$line" | sed -n 's/.*tree \([a-z]*\)$/\1/p')
	printf '    %-22s %-26s %5s %5s %7s  %s\n' "kill campaign" "$kills" "${lost:-?}" "${left:-?}" "$(crashes "$f")" \
	    "killed: $who; $halfs half results, tree ${tree:-?}"
	f=$out/session-faults.out
	n=$(crashes "$f")
	grep -E '^[a-z-]+: (ok|FAIL)' "$f" | while IFS= read -r line; do
		name=${line%%:*}
		case "$line" in *": ok"*) bad=0 ;; *) bad=1 ;; esac
		shown=$(echo "$line" | sed 's/^[a-z-]*: //')
		printf '    %-22s %-26s %5s %5s %7s  %s\n' "session: $name" "once" "$bad" 0 "$n" "$shown"
	done
	row() {
		f=$out/$1.out
		[ -f "$f" ] || return 0
		printf '    %-22s %-26s %5s %5s %7s  %s\n' "$2" "$3" \
		    "$([ "$(head -n 1 "$f")" = ok ] && echo 0 || echo 1)" 0 \
		    "$(crashes "$f")" "$(head -n 1 "$f"): $4"
	}
	row t0032-empty-plan "empty plans" "3 kinds" \
	    "no mutant is an error; all skipped, a warning"
	row t0033-bad-input "bad input (t0033)" "17 files" \
	    "syntax error, NUL (line:col), BOM, CRLF, tabs, Latin-1, empty, 100,000 lines, 500 deep, 4 kinds of link, unreadable"
	row t0034-names "names (t0034)" "$(grep -c '^ok: ' "$out/t0034-names.out") kinds of name" \
	    "same verdicts as plain names, reports, make -n/-q, stale check: $(sed -n 's/^ok: //p' "$out/t0034-names.out" | paste -sd, - | sed 's/,/, /g')"
	row valgrind "valgrind memcheck" "$(grep -c '^ok: ' "$out/valgrind.out") unit test programs" \
	    "no invalid access, uninitialised value or definite leak"
	for extra in fuzz; do
		f=$out/$extra.out
		[ -f "$f" ] || continue
		grep '^TABLE ' "$f" | sed 's/^TABLE //' | while IFS='|' read -r name tried lost left crashes shown; do
			printf '    %-22s %-26s %5s %5s %7s  %s\n' "$name" "$tried" "$lost" "$left" "$crashes" "$shown"
		done
	done
	echo
	if [ "$status" -ne 0 ]; then
		echo "A campaign failed on this run: see bench/reliability/."
		echo
	fi
} >"$out/table.txt"

# Into the README, in place of the old section (up to the next heading).
"/usr/bin/python3" - "$top/README" "$out/table.txt" <<'EOF'
import re, sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
start = text.find("Reliability\n-----------\n")
if start == -1:
    anchor = text.find("Building by hand\n")
    text = text[:anchor] + table + "\n" + text[anchor:]
else:
    m = re.compile(r"^\S[^\n]*\n-{3,}\n", re.M).search(text, start + 1)
    end = m.start() if m else len(text)
    text = text[:start] + table + "\n" + text[end:]
open(readme, "w").write(text)
EOF
cat "$out/table.txt"
exit "$status"

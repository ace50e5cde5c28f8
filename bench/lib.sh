# bench/lib.sh: what the benchmark scripts share (sourced by them).

# targets SESSION: the IDs of the session's mutant targets, in Makefile order.
targets() {
	make -f "$1/Makefile" -n V=1 2>/dev/null |
	    grep -o "[^ '\"]*results/[0-9a-f]*\\.json" | sed 's|.*/||; s|\.json$||' |
	    awk '!seen[$0]++'
}

# spread MAX IDS: MAX of the IDs listed in the file IDS, spread evenly over
# their sorted order (all of them if MAX is 0 or not below their number),
# printed in the order of IDS.
spread() {
	sort "$2" | awk -v n="$1" -v t="$(wc -l <"$2")" '
	    BEGIN { all = n <= 0 || n >= t; for (i = 0; !all && i < n; i++) want[int(i * t / n) + 1] = 1 }
	    all || want[NR]' >"$2.chosen"
	grep -Fx -f "$2.chosen" "$2" || true
	rm -f "$2.chosen"
}

# campaign_bin NAME [BIN]: set bin to the absolute directory holding
# cr-plan, cr-run-one and cr-report (BIN, else $CR_BIN, else build/ at the
# top), or exit 2 saying NAME found none.
campaign_bin() {
	bin=${2:-${CR_BIN:-$top/build}}
	test -x "$bin/cr-plan" || { echo "$1: no cr-plan in $bin" >&2; exit 2; }
	bin=$(cd "$bin" && pwd)
}

# snapshot DIR: a listing of a tree that changes if any file's bytes, mode
# or mtime do.
snapshot() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
	    xargs -0 stat -c '%n %s %a %Y.%y' &&
	    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# lib.sh: shared set-up for the end-to-end scenarios (sourced by each tNNNN-*.sh).
#
# Each scenario runs in a fresh temporary directory with the freshly built
# commands, real fixture projects and the system Python. Exit 0 pass, 1 fail,
# 77 skip, 99 hard error (automake's conventions).

set -u

: "${CR_BUILDDIR:?run through make check, or set CR_BUILDDIR}"
: "${CR_SRCDIR:?run through make check, or set CR_SRCDIR}"
PY=/usr/bin/python3
CR_PLAN=$CR_BUILDDIR/cr-plan
CR_RUN_ONE=$CR_BUILDDIR/cr-run-one
CR_REPORT=$CR_BUILDDIR/cr-report
FIXTURES=$CR_SRCDIR/tests/fixtures
export CR_MKDIR="$CR_SRCDIR/mk"

T=$(mktemp -d "${TMPDIR:-/tmp}/cr-e2e.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 99

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Copy a fixture project into the scenario directory and print its path.
fixture() {
	cp -R "$FIXTURES/$1" "$T/$1" && chmod -R u+w "$T/$1" || exit 99
	find "$T/$1" -name __pycache__ -prune -exec rm -rf {} + 2>/dev/null
	echo "$T/$1"
}

# odd_project C: the names fixture with C in the names of the project, of
# its planned directory and of its module (t0034 and the cluster and ssh
# scenarios); sets ODD to the project and ODD_DIR to the directory's name.
odd_project() {
	ODD="$T/p${1}q"
	ODD_DIR="s${1}rc"
	mkdir "$ODD" && cp -R "$FIXTURES/names/." "$ODD/" && mv "$ODD/src" "$ODD/$ODD_DIR" &&
	    mv "$ODD/$ODD_DIR/units.py" "$ODD/$ODD_DIR/u${1}nits.py" || exit 99
}

# A listing of a tree that changes if any file's bytes, mode or mtime do.
snapshot() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
	    xargs -0 stat -c '%n %s %a %Y.%y' &&
	    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# Outcome counts from cr-report --json, as "killed survived timeout incompetent skipped no-coverage pending".
counts() {
	"$CR_REPORT" --json "$1" | "$PY" -c '
import json, sys
c = json.load(sys.stdin)["counts"]
print(" ".join(str(c[k]) for k in ("killed", "survived", "timeout", "incompetent", "skipped", "no-coverage", "pending")))'
}

# plan_unittest DIR [OPTIONS...]: plan the project in the current directory,
# whose unittest tests are under tests/, into the session DIR.
plan_unittest() {
	dir=$1
	shift
	"$CR_PLAN" -s "$dir" -t "$PY -m unittest discover -q -s tests" -e 'tests/*' \
	    "$@" . >"$T/out" 2>"$T/err" || fail "cr-plan $dir: $(cat "$T/err")"
}

# The number of result files of a session.
n_results() {
	find "$1/results" -name '*.json' 2>/dev/null | wc -l
}

# reference_run DIR JOBS: a reference run of the session DIR, planned with
# plan_unittest, with make -jJOBS: its outcomes go to DIR.outcomes, its
# number of targets to the variable all, DIR to REFERENCE.
reference_run() {
	plan_unittest "$1"
	make -s -f "$1/Makefile" -j"$2" >/dev/null 2>"$T/err" || fail "reference run: $(cat "$T/err")"
	outcomes "$1" >"$1.outcomes"
	all=$("$CR_RUN_ONE" --targets "$1" | wc -l)
	REFERENCE=$1
}

# same_as_reference DIR WHAT: DIR has a result for every one of the $all
# targets, with the outcomes of reference_run's session REFERENCE.
same_as_reference() {
	[ "$(n_results "$1")" -eq "$all" ] || fail "$2: $(n_results "$1") results of $all"
	outcomes "$1" >"$1.outcomes"
	cmp -s "$REFERENCE.outcomes" "$1.outcomes" ||
		fail "$2: verdicts differ: $(diff "$REFERENCE.outcomes" "$1.outcomes")"
}

# Every mutant ID with its outcome, sorted.
outcomes() {
	"$CR_REPORT" --json --all "$1" | "$PY" -c '
import json, sys
for m in sorted(json.load(sys.stdin)["mutants"], key=lambda m: m["id"]):
    print(m["id"], m["outcome"])'
}

# Print the processes whose working directory or command line is under a
# directory, leaving out this script's own (its process group).
procs_in() {
	own=$(ps -o pgid= -p $$ | tr -d ' ')
	for p in /proc/[0-9]*; do
		[ "$(ps -o pgid= -p "${p#/proc/}" 2>/dev/null | tr -d ' ')" = "$own" ] && continue
		cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
		case "$cwd" in "$1"|"$1"/*) echo "${p#/proc/} $(tr '\0' ' ' 2>/dev/null <"$p/cmdline")"; continue ;; esac
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$1/" &&
			echo "${p#/proc/} $(tr '\0' ' ' 2>/dev/null <"$p/cmdline")"
	done
}

# Fail unless no mount under the directory is visible anywhere, once a warm
# worker that make started has had the few seconds it takes to go.
assert_no_mounts() {
	i=0
	while cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F -- "$1" >/dev/null; do
		i=$((i + 1))
		[ "$i" -ge 50 ] && fail "a mount under $1 is still present"
		sleep 0.2
	done
}

[ -x "$CR_PLAN" ] && [ -x "$CR_RUN_ONE" ] && [ -x "$CR_REPORT" ] || exit 99
[ -x "$PY" ] || { echo "no $PY" >&2; exit 99; }

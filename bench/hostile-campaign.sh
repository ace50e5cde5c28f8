#!/bin/sh
# Hostile mutants: tests/fixtures/hostile's eight functions, each harmless
# until a mutant turns its flag on, run warm and then cold, with small caps
# so that the campaign is quick (--max-memory 256M, --max-procs 32,
# --max-output 8M, 6 s of wall clock over the expected time).
#
# Usage: sh bench/hostile-campaign.sh [BIN]
#
# Expected, both ways: loop (an endless loop) timeout at the wall or CPU
# limit; stubborn (a grandchild ignoring SIGTERM) and daemon (double fork,
# setsid) survived, and gone after; storm (fork until it fails) killed, with
# limit "processes"; scribble (rewrites and deletes the project's files)
# survived, the tree unchanged; fill_tmp (writes /tmp until full) killed by
# ENOSPC in its private /tmp, the real /tmp untouched; shout (a gigabyte of
# output) timeout at the output limit; hog (takes memory forever) timeout at
# the memory limit (with a memory control group; without one, where the
# address space is capped instead, killed by MemoryError).
# After both runs nothing may be left: no process with "crmake-hostile" in
# its command line, no mount, no control group of a finished run, no file
# in /tmp. One line per case, then
#   hostile: N cases, W warm and C cold runs, F wrong, P processes, M mounts, G groups, X files left, tree unchanged|changed
# and the exit status is 1 if anything is wrong or left.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
campaign_bin hostile-campaign.sh "${1:-}"
py=/usr/bin/python3
export CR_MKDIR="$top/mk"
fill=/tmp/crmake-hostile-fill

T=$(mktemp -d /tmp/crmake-hostile.XXXXXX) || exit 2
trap 'make -s -f "$T/s/Makefile" stop >/dev/null 2>&1; rm -rf "$T"' EXIT
trap 'exit 2' INT TERM
cp -R "$top/tests/fixtures/hostile" "$T/p" || exit 2
find "$T/p" -name __pycache__ -prune -exec rm -rf {} +
[ -e "$fill" ] && { echo "hostile-campaign.sh: $fill exists already" >&2; exit 2; }

before=$(snapshot "$T/p")

(cd "$T/p" && "$bin/cr-plan" -s "$T/s" -t "$py -m unittest discover -q -s tests" \
    -e 'tests/*' --operators core/ReplaceFalseWithTrue --timeout-constant 6 \
    --cpu-timeout-constant 20 --max-memory 256M --max-procs 32 \
    --max-output 8M . >"$T/plan.out" 2>"$T/err") || {
	echo "hostile-campaign.sh: cr-plan: $(cat "$T/err")" >&2; exit 2; }

# The worker first, so that no mutant runs cold while it starts.
"$bin/cr-run-one" --start-worker "$T/s" >/dev/null 2>&1
(cd "$T/p" && make -s -k -f "$T/s/Makefile" -j2 >"$T/warm.out" 2>&1)
make -s -f "$T/s/Makefile" stop >/dev/null 2>&1
mv "$T/s/results" "$T/warm" && mkdir "$T/s/results" || exit 2
(cd "$T/p" && make -s -k -f "$T/s/Makefile" -j2 CR_WARM=0 >"$T/cold.out" 2>&1)

"$py" - "$T/warm" "$T/s/results" "$T/p/hostile.py" >"$T/cases" <<'EOF'
import glob, json, re, sys
warm_dir, cold_dir, source = sys.argv[1:]
where, name = {}, None
for n, line in enumerate(open(source), 1):
    m = re.match(r"def (\w+)", line)
    if m:
        name = m.group(1)
    where[n] = name
expected = {
    "loop": [("timeout", "wall"), ("timeout", "cpu")],
    "stubborn": [("survived", None)],
    "daemon": [("survived", None)],
    "storm": [("killed", "processes")],
    "scribble": [("survived", None)],
    "fill_tmp": [("killed", None)],
    "shout": [("timeout", "output")],
    "hog": [("timeout", "memory"), ("killed", None)],
}
def load(d):
    out = {}
    for f in glob.glob(d + "/*.json"):
        r = json.load(open(f))
        out[where[r["line"]]] = r
    return out
warm, cold = load(warm_dir), load(cold_dir)
wrong = nwarm = ncold = 0
for fn in expected:
    verdicts = []
    good = True
    for mode, results in (("warm", warm), ("cold", cold)):
        r = results.get(fn)
        if r is None:
            verdicts.append("%s: no result" % mode)
            good = False
            continue
        nwarm += mode == "warm" and r["mode"] == "warm"
        ncold += mode == "cold" and r["mode"] == "cold"
        v = (r["outcome"], r.get("limit"))
        ok = v in expected[fn]
        if fn == "fill_tmp":
            ok = ok and "No space left on device" in r["output"]
        if fn == "hog" and v == ("killed", None):
            ok = ok and "MemoryError" in r["output"]
        good = good and ok
        verdicts.append("%s %s%s in %.1f s (%s)" % (mode, v[0], " at the %s limit" % v[1] if v[1] else "",
                                               r["duration"], r["mode"]))
    if warm.get(fn) and cold.get(fn) and (warm[fn]["outcome"], warm[fn].get("limit")) != \
            (cold[fn]["outcome"], cold[fn].get("limit")):
        good = False
    wrong += not good
    print("%s: %s; %s" % (fn, "ok" if good else "WRONG", ", ".join(verdicts)))
print("COUNTS %d %d %d %d" % (len(expected), nwarm, ncold, wrong))
EOF
grep -v '^COUNTS' "$T/cases"
set -- $(sed -n 's/^COUNTS //p' "$T/cases")
ncases=${1:-0} nwarm=${2:-0} ncold=${3:-0} wrong=${4:-8}

leftovers() {
	pgrep -a -f crmake-hostile
	cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F -- "$T/" | head -n 1
	find /sys/fs/cgroup -maxdepth 6 -type d -name 'crmake-*' 2>/dev/null |
	    while read -r g; do
		p=${g##*/crmake-}
		kill -0 "${p%%-*}" 2>/dev/null || echo "group $g"
	done
	[ -e "$fill" ] && echo "$fill"
}
i=0
while [ -n "$(leftovers)" ] && [ "$i" -lt 25 ]; do
	i=$((i + 1))
	sleep 0.2
done
procs=$(pgrep -f crmake-hostile | wc -l)
mounts=$(cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -cF -- "$T/")
groups=$(leftovers | grep -c '^group ')
files=$(leftovers | grep -cxF "$fill")
if [ "$before" = "$(snapshot "$T/p")" ]; then tree=unchanged; else tree=changed; fi
[ -z "$(leftovers)" ] || leftovers | sed 's/^/  left: /' >&2

echo "hostile: $ncases cases, $nwarm warm and $ncold cold runs, $wrong wrong, $procs processes, $mounts mounts, $groups groups, $files files left, tree $tree"
[ "$wrong" -eq 0 ] && [ "$procs" -eq 0 ] && [ "$mounts" -eq 0 ] && [ "$groups" -eq 0 ] &&
    [ "$files" -eq 0 ] && [ "$tree" = unchanged ] && [ "$nwarm" -ge 6 ]

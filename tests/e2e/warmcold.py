"""Compare the results of a plan run warm with those of the same plan run cold.

Usage: /usr/bin/python3 warmcold.py NAME WARM_DIR COLD_DIR [MIN_WARM [COUNT [SESSION]]]

Every mutant has the same outcome both ways, and a killed one the same
killing test (the same tests run in the same order); every cold result ran
cold, with the cold_reason "warm runs off"; a mutant whose code ran outside
any test (selection "all") ran warm (fresh: imported anew in a child of
the worker's fresh server), or cold while the worker was starting (or
after a run that found not every selected test), and of
two or more, one at least ran warm; every result of the warm run that ran cold
says why, and none that ran warm does. At
least MIN_WARM mutants (default 1) ran warm and at least one was killed;
COUNT, if given, is how many results there must be. Prints the counts by
mode, by outcome and by why cold; exits non-zero on the first difference.

With SESSION (the session directory COLD_DIR's results came from), a
mutant whose verdicts differ is run RECHECK more times (environment,
default 3) in each mode. If one mode alone gives it two verdicts, a test
of the suite decides by chance (unseeded random data, timing): the mutant
is listed apart, not counted as a difference. Its cold result is put back
as it was.
"""

import json
import os
import subprocess
import sys


def load(directory):
    out = {}
    for name in os.listdir(directory):
        with open(os.path.join(directory, name)) as f:
            result = json.load(f)
        out[result["id"]] = result
    return out


def verdict(result):
    return (result["outcome"], result.get("killed_by"))


def rerun(session, mutant, warm):
    """Run one mutant again through its Makefile; return its verdict."""
    path = os.path.join(session, "results", mutant + ".json")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    argv = ["make", "-s", "-f", os.path.join(session, "Makefile"), path]
    if not warm:
        argv.insert(4, "CR_WARM=0")
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open(path) as f:
            return verdict(json.load(f))
    except OSError:
        return ("no result", None)


def by_chance(session, mutant, warm, cold):
    """Whether one mode alone gives MUTANT two verdicts over RECHECK runs."""
    path = os.path.join(session, "results", mutant + ".json")
    with open(path, "rb") as f:
        kept = f.read()
    seen = {True: {verdict(warm)}, False: {verdict(cold)}}
    try:
        for _ in range(int(os.environ.get("RECHECK", "3"))):
            for mode in (True, False):
                seen[mode].add(rerun(session, mutant, mode))
    finally:
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(kept)
        os.rename(tmp, path)
    chance = len(seen[True]) > 1 or len(seen[False]) > 1
    print("recheck %s: warm %s, cold %s%s" % (mutant[:12], sorted(seen[True], key=str),
                                              sorted(seen[False], key=str),
                                              " (by chance)" if chance else ""))
    return chance


def main():
    name, warm_dir, cold_dir = sys.argv[1:4]
    min_warm = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    count = int(sys.argv[5]) if len(sys.argv) > 5 else None
    session = os.path.abspath(sys.argv[6]) if len(sys.argv) > 6 else None
    warm, cold = load(warm_dir), load(cold_dir)
    assert warm.keys() == cold.keys(), (len(warm), len(cold))
    assert count is None or len(warm) == count, (count, len(warm))
    modes, outcomes, reasons, chance = {}, {}, {}, []
    outside = {"warm": 0, "cold": 0}
    for i, w in sorted(warm.items()):
        c = cold[i]
        assert c["mode"] == "cold", (i, c["mode"])
        assert c["cold_reason"] == "warm runs off", (i, c["cold_reason"])
        modes[w["mode"]] = modes.get(w["mode"], 0) + 1
        outcomes[w["outcome"]] = outcomes.get(w["outcome"], 0) + 1
        if w["mode"] == "warm":
            assert w["cold_reason"] is None, (i, w["cold_reason"])
        else:
            assert isinstance(w["cold_reason"], str) and w["cold_reason"], (i, w["cold_reason"])
            reasons[w["cold_reason"]] = reasons.get(w["cold_reason"], 0) + 1
        if w["selection"] == "all":
            outside[w["mode"]] += 1
            # (A mutant that hides a test passes its run without finding
            # it: that gives no verdict, fresh or cold, and runs the whole
            # suite instead.)
            assert w["mode"] == "warm" or w["cold_reason"] in (
                "the worker was starting", "a selected test was not collected"), \
                (i, w["mode"], w["cold_reason"])
        if verdict(w) == verdict(c):
            continue
        where = "%s:%d %s" % (w["path"], w["line"], w["operator"])
        if session and by_chance(session, i, w, c):
            chance.append(where)
            continue
        assert w["outcome"] == c["outcome"], (where, "warm", w["outcome"], "cold", c["outcome"])
        assert w["killed_by"] == c["killed_by"], (where, w["killed_by"], c["killed_by"])
    assert modes.get("warm", 0) >= min_warm, (min_warm, modes)
    assert outside["warm"] > 0 or outside["cold"] < 2, ("no fresh run", outside)
    assert outcomes.get("killed", 0) > 0, outcomes
    assert len(chance) <= len(warm) // 10, ("too many decided by chance", chance)
    print("%s: %d mutants, %s (fresh %d), %s, cold: %s" % (name, len(warm), modes,
                                                         outside["warm"], outcomes, reasons))
    for where in chance:
        print("%s: decided by chance, not compared: %s" % (name, where))


if __name__ == "__main__":
    main()

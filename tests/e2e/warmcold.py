"""Compare the results of a plan run warm with those of the same plan run cold.

Usage: /usr/bin/python3 warmcold.py NAME WARM_DIR COLD_DIR [MIN_WARM [COUNT]]

Every mutant has the same outcome both ways, and a killed one the same
killing test (the same tests run in the same order); every cold result ran
cold; a mutant whose code ran outside any test (selection "all") did not
run warm. At least MIN_WARM mutants (default 1) ran warm and at least one
was killed; COUNT, if given, is how many results there must be. Prints the
counts by mode and by outcome; exits non-zero on the first difference.
"""

import json
import os
import sys


def load(directory):
    out = {}
    for name in os.listdir(directory):
        with open(os.path.join(directory, name)) as f:
            result = json.load(f)
        out[result["id"]] = result
    return out


def main():
    name, warm_dir, cold_dir = sys.argv[1:4]
    min_warm = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    count = int(sys.argv[5]) if len(sys.argv) > 5 else None
    warm, cold = load(warm_dir), load(cold_dir)
    assert warm.keys() == cold.keys(), (len(warm), len(cold))
    assert count is None or len(warm) == count, (count, len(warm))
    modes, outcomes = {}, {}
    for i, w in warm.items():
        c = cold[i]
        assert c["mode"] == "cold", (i, c["mode"])
        modes[w["mode"]] = modes.get(w["mode"], 0) + 1
        outcomes[w["outcome"]] = outcomes.get(w["outcome"], 0) + 1
        where = "%s:%d %s" % (w["path"], w["line"], w["operator"])
        assert w["outcome"] == c["outcome"], (where, "warm", w["outcome"], "cold", c["outcome"])
        if w["outcome"] == "killed":
            assert w["killed_by"] == c["killed_by"], (where, w["killed_by"], c["killed_by"])
        if w["selection"] == "all":
            assert w["mode"] == "cold", (where, w["mode"])
    assert modes.get("warm", 0) >= min_warm, (min_warm, modes)
    assert outcomes.get("killed", 0) > 0, outcomes
    print("%s: %d mutants, %s, %s" % (name, len(warm), modes, outcomes))


if __name__ == "__main__":
    main()

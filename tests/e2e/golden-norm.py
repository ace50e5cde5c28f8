"""Normalize a cr-report output for a golden comparison: what varies run to run goes.

Usage: golden-norm.py FORMAT ROOT SESSION < REPORT > NORMALIZED

Durations and times become 0, the project root ROOT becomes <root> and the
session directory SESSION <session>, and the CI flag false; how many
mutants ran warm and how many cold (those that run while the worker starts
go cold) and the run time, in the text report, become <runs> and <time>;
which test of several killed a mutant first, and so how many tests it ran,
depends on the measured order of the tests (fastest first), and is left
out. Everything else (counts, positions, IDs, diffs, order) must be the
same every run.
"""

import json
import re
import sys


def main():
    fmt, root, session = sys.argv[1:4]
    text = sys.stdin.read().replace(session, "<session>").replace(root, "<root>")
    if fmt == "stryker-json":
        r = json.loads(text)
        r["system"]["ci"] = False
        for f in r["files"].values():
            for m in f["mutants"]:
                if "duration" in m:
                    m["duration"] = 0
                if m["status"] == "Killed":
                    m.pop("killedBy", None)
                    m.pop("testsCompleted", None)
        text = json.dumps(r, indent=1, sort_keys=True) + "\n"
    elif fmt == "text":
        text = re.sub(r"(?m)^runs: .*$", "runs: <runs>", text)
        text = re.sub(r"(?m)^run time: .*$", "run time: <time>", text)
    elif fmt == "junit":
        text = re.sub(r' time="[0-9.]+"', ' time="0"', text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()

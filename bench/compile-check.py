#!/usr/bin/python3
"""Compile mutants with Python's own compiler and count the ones that fail.

Reads the JSON lines of `cr-plan --list --json` on standard input (run from
the same project root), splices each mutant into its file by byte offsets and
compiles the result with compile(). Prints one line per operator and a total;
exits 1 if any mutant fails to compile, 0 otherwise.

Options: --sample N  compile N mutants drawn at random (with --seed S) instead
of all of them; --show N  print the first N failures with their error.
"""

import argparse
import collections
import json
import random
import sys
import warnings


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()

    mutants = [json.loads(line) for line in sys.stdin if line.strip()]
    mutants = [m for m in mutants if m.get("skip") is None]
    if args.sample and args.sample < len(mutants):
        mutants = random.Random(args.seed).sample(mutants, args.sample)
    mutants.sort(key=lambda m: (m["path"], m["start"]))

    total = collections.Counter()
    failed = collections.Counter()
    shown = 0
    sources = {}
    warnings.simplefilter("ignore")
    for m in mutants:
        path = m["path"]
        if path not in sources:
            with open(path, "rb") as f:
                sources[path] = f.read()
        src = sources[path]
        mutated = (src[:m["start"]] + m["replacement"].encode("utf-8")
                   + src[m["end"]:])
        op = m["operator"]
        total[op] += 1
        try:
            compile(mutated, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            failed[op] += 1
            if shown < args.show:
                shown += 1
                print("FAILED %s:%d:%d %s %r: %s" % (
                    path, m["line"], m["col"], op, m["replacement"], e),
                    file=sys.stderr)
    width = max([len(op) for op in total] + [5])
    for op in sorted(total):
        print("%-*s %7d %5d  %6.3f%%" % (width, op, total[op], failed[op],
                                         100.0 * failed[op] / total[op]))
    n, nf = sum(total.values()), sum(failed.values())
    print("%-*s %7d %5d  %6.3f%%" % (width, "total", n, nf,
                                     100.0 * nf / n if n else 0.0))
    return 1 if nf else 0


if __name__ == "__main__":
    sys.exit(main())

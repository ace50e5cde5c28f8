"""The floor under any warm runner here: fork a process that has collected the tests, run some.

Usage: /usr/bin/python3 bench/forkfloor.py unittest SELECTIONS
       /usr/bin/python3 bench/forkfloor.py pytest SELECTIONS [PYTEST ARGS...]

SELECTIONS is a file with one line per sample: the test IDs to run, separated
by tabs (unittest IDs such as test.test_fractions.FractionTest.testInit, or
pytest node IDs). Run in the project's directory with its PYTHONPATH.

The tests are collected once; then, REPEAT times (default 5) per sample, the
process forks and the child runs that sample's tests with the framework's
own runner, output to /dev/null, and exits. Printed: the median time from
fork to the child's exit, over the samples' medians, in milliseconds. No
crmake code runs: this is what the machine charges a forked child for the
copy-on-write faults and the framework's per-run work.
"""

import gc
import os
import sys
import time

REPEAT = int(os.environ.get("REPEAT", "5"))


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def samples(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def timed_fork(run):
    """Milliseconds from fork to the exit of a child that calls run()."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            run()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    os.close(devnull)
    return 1000 * (time.perf_counter() - start)


def figure(per_sample):
    return "%.1f" % median([median(v) for v in per_sample])


def floor_unittest(path):
    import unittest
    loader = unittest.defaultTestLoader
    suites = [unittest.TestSuite([loader.loadTestsFromName(i) for i in ids])
              for ids in samples(path)]
    gc.collect()
    gc.freeze()
    per_sample = []
    for suite in suites:
        def run(suite=suite):
            unittest.TextTestRunner(verbosity=0, failfast=True).run(suite)
        per_sample.append([timed_fork(run) for _ in range(REPEAT)])
    print(figure(per_sample))


class _FloorPlugin:
    def __init__(self, path):
        self.path = path
        self.figure = None

    def pytest_runtestloop(self, session):
        by_id = {item.nodeid: item for item in session.items}
        gc.collect()
        gc.freeze()
        per_sample = []
        for ids in samples(self.path):
            items = [by_id[i] for i in ids if i in by_id]

            def run(items=items):
                for n, item in enumerate(items):
                    nextitem = items[n + 1] if n + 1 < len(items) else None
                    item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                    if session.shouldfail or session.shouldstop:
                        break
            per_sample.append([timed_fork(run) for _ in range(REPEAT)])
        self.figure = figure(per_sample)
        return True


def floor_pytest(path, args):
    # As "python -m pytest" does: the current directory comes first.
    sys.path.insert(0, os.getcwd())
    import pytest
    out = os.dup(1)
    # pytest's own report goes nowhere; the figure goes to the real stdout.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    plugin = _FloorPlugin(path)
    try:
        pytest.main(["-q", "-x", "-p", "no:cacheprovider"] + args, plugins=[plugin])
    finally:
        os.dup2(out, 1)
        os.close(out)
        os.close(devnull)
    if plugin.figure is None:
        sys.exit("forkfloor.py: pytest collected nothing to run")
    print(plugin.figure)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("unittest", "pytest"):
        sys.exit(__doc__.split("\n\n")[1])
    if sys.argv[1] == "unittest":
        floor_unittest(sys.argv[2])
    else:
        floor_pytest(sys.argv[2], sys.argv[3:])


if __name__ == "__main__":
    main()

"""hostile: functions harmless as written, each hostile when its flag is on.

Each function's flag is off (False); the mutant False -> True of a flag
turns on what no test should do. Every
process a mutant leaves has "crmake-hostile" in its command line.
"""

import os
import signal
import sys

MARK = "crmake-hostile"


def _sleeper():
    """Become a process that sleeps for ten minutes, named by MARK."""
    os.execv("/bin/sleep", [MARK, "600"])


def loop():
    """An endless loop."""
    on = False
    while on:
        pass
    return 1


def stubborn():
    """A grandchild that ignores SIGTERM and outlives its parent."""
    on = False
    if on:
        pid = os.fork()
        if pid == 0:
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                _sleeper()
            os._exit(0)
        os.waitpid(pid, 0)
    return 1


def daemon():
    """A daemon: double fork, a session of its own, no parent left."""
    on = False
    if on:
        pid = os.fork()
        if pid == 0:
            os.setsid()
            if os.fork() == 0:
                os.chdir("/")
                _sleeper()
            os._exit(0)
        os.waitpid(pid, 0)
    return 1


def storm():
    """Fork until forking fails, each child left sleeping."""
    on = False
    while on:
        if os.fork() == 0:
            _sleeper()
    return 1


def scribble():
    """Delete and rewrite the project's files."""
    on = False
    if on:
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "tests", "test_hostile.py"), "w") as f:
            f.write("raise SystemExit('rewritten')\n")
        with open(os.path.join(here, "scribbled.txt"), "w") as f:
            f.write("written by a test\n")
        os.remove(os.path.abspath(__file__))
    return 1


def fill_tmp():
    """Write into /tmp until the disk is full."""
    on = False
    if on:
        chunk = b"\0" * (1 << 20)
        with open("/tmp/%s-fill" % MARK, "wb") as f:
            while True:
                f.write(chunk)
    return 1


def shout():
    """Write a gigabyte on standard output."""
    on = False
    if on:
        line = "x" * 1023 + "\n"
        for _ in range(1 << 20):
            sys.stdout.write(line)
        sys.stdout.flush()
    return 1


def hog():
    """Take memory until there is none."""
    on = False
    chunks = []
    while on:
        chunks.append(bytearray(1 << 24))
    return 1



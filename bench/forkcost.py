"""What forking a warm worker costs on this machine: the floor under every warm run.

Usage: /usr/bin/python3 bench/forkcost.py [MODULE...]

Imports the modules (default: pytest), then, 20 times each, measures:
  fork+exit   forking the process, and the child's exit, waited for;
  COW fault   the time per page to write once into N private pages that
              the child shares with its parent (copy-on-write faults);
  zero fault  the time per page to write into N new pages.
A warm child takes about 1,500 faults to run one small pytest test, so the
fault time says how much of the warm path's overhead is the machine's.
"""

import mmap
import os
import sys
import time

PAGE = mmap.PAGESIZE
N = 2000


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    for name in sys.argv[1:] or ["pytest"]:
        __import__(name)
    shared = mmap.mmap(-1, N * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for i in range(N):
        shared[i * PAGE] = 1
    rss = int(open("/proc/self/statm").read().split()[1]) * PAGE
    forks, cows, zeros = [], [], []
    for _ in range(20):
        r, w = os.pipe()
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            t = time.perf_counter()
            for i in range(N):
                shared[i * PAGE] = 2
            cow = time.perf_counter() - t
            # The same loop again, over pages now the child's own: no faults.
            t = time.perf_counter()
            for i in range(N):
                shared[i * PAGE] = 3
            loop = time.perf_counter() - t
            fresh = mmap.mmap(-1, N * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            t = time.perf_counter()
            for i in range(N):
                fresh[i * PAGE] = 2
            zero = time.perf_counter() - t
            os.write(w, ("%r %r" % (cow - loop, zero - loop)).encode())
            os._exit(0)
        os.close(w)
        data = os.read(r, 100)
        os.close(r)
        os.waitpid(pid, 0)
        forks.append(time.perf_counter() - start)
        cow, zero = map(float, data.split())
        cows.append(cow / N)
        zeros.append(zero / N)
    print("process: %.0f MB resident after importing %s" % (rss / 2**20, ", ".join(sys.argv[1:] or ["pytest"])))
    print("fork+exit (child writes %d pages): %.1f ms median" % (N, 1000 * median(forks)))
    print("page fault in the child: %.1f us copy-on-write, %.1f us for a new page"
          % (1e6 * median(cows), 1e6 * median(zeros)))


if __name__ == "__main__":
    main()

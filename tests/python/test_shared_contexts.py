"""Coverage contexts that selection relies on: imports inside tests, multiprocessing workers."""

import os

import pytest


def test_import_inside_a_test_is_shared(project):
    """A module first imported by a test runs its module-level code for every test after."""
    pytest.importorskip("coverage")
    src = os.path.join(project.root, "src")
    project.write("src/lazy.py", """
        def compute():
            return 21 * 2

        VALUE = compute()

        def double(x):
            return 2 * x
    """)
    project.write("tests/test_lazy.py", """
        def test_imports_first():
            import lazy
            assert lazy.double(2) == 4

        def test_reads_value():
            import lazy
            assert lazy.VALUE == 42
    """)
    result = project.pytest("tests", coverage=["src/lazy.py"], pythonpath=[src])
    assert result.returncode == 0, result
    lines = project.contexts("src/lazy.py")
    # compute() ran while the first test imported the module: shared, not that test's.
    body = project.line_of("src/lazy.py", "return 21 * 2")
    assert lines[body] == {""}, lines
    value = project.line_of("src/lazy.py", "VALUE = compute()")
    assert lines[value] == {""}, lines
    # A function the test calls is still the test's.
    double = project.line_of("src/lazy.py", "return 2 * x")
    assert lines[double] == {"tests/test_lazy.py::test_imports_first"}, lines


def test_multiprocessing_workers_are_measured(project):
    """Code run in a forked multiprocessing worker counts for the test that started it."""
    pytest.importorskip("coverage")
    src = os.path.join(project.root, "src")
    project.write("src/work.py", """
        import multiprocessing

        def square(x):
            return x * x

        def squares(n):
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(2) as pool:
                return pool.map(square, range(n))
    """)
    project.write("tests/test_work.py", """
        import work

        def test_squares():
            assert work.squares(4) == [0, 1, 4, 9]
    """)
    result = project.pytest("tests", coverage=["src/work.py"], pythonpath=[src])
    assert result.returncode == 0, result
    lines = project.contexts("src/work.py")
    body = project.line_of("src/work.py", "return x * x")
    assert "tests/test_work.py::test_squares" in lines.get(body, set()), lines


def test_a_terminated_worker_stuck_in_a_wait_is_measured(project):
    """SIGTERM handled off the main thread still ends a worker blocked in a wait, measured.

    The signal is sent to another thread of the worker while its main thread
    waits on a lock: as when it comes just before the wait starts, nothing
    interrupts the wait.
    """
    pytest.importorskip("coverage")
    src = os.path.join(project.root, "src")
    project.write("src/stuck.py", """
        import multiprocessing
        import signal
        import threading
        import time

        def _term_elsewhere():
            time.sleep(0.3)
            for t in threading.enumerate():
                if t is not threading.current_thread() and t is not threading.main_thread():
                    signal.pthread_kill(t.ident, signal.SIGTERM)
                    return

        def wait_forever(lock):
            threading.Thread(target=_term_elsewhere, daemon=True).start()
            lock.acquire()

        def exit_code():
            ctx = multiprocessing.get_context("fork")
            lock = ctx.Lock()
            lock.acquire()
            p = ctx.Process(target=wait_forever, args=(lock,))
            p.start()
            p.join(20)
            if p.exitcode is None:
                p.kill()
                p.join()
            return p.exitcode
    """)
    project.write("tests/test_stuck.py", """
        import signal
        import stuck

        def test_ends():
            assert stuck.exit_code() == -signal.SIGTERM
    """)
    result = project.pytest("tests", coverage=["src/stuck.py"], pythonpath=[src])
    assert result.returncode == 0, result
    lines = project.contexts("src/stuck.py")
    body = project.line_of("src/stuck.py", "lock.acquire()")
    assert "tests/test_stuck.py::test_ends" in lines.get(body, set()), lines


def test_wider_fixture_time_is_not_the_first_tests(project):
    """A module fixture's set-up is timed as start-up, not as the test that set it up."""
    project.write("tests/test_fix.py", """
        import time
        import pytest

        @pytest.fixture(scope="module")
        def slow():
            end = time.process_time() + 0.3
            while time.process_time() < end:
                pass
            time.sleep(0.2)
            return 1

        def test_first(slow):
            assert slow == 1

        def test_second(slow):
            assert slow == 1
    """)
    result = project.pytest("tests")
    assert result.returncode == 0, result
    tests = result.by_id()
    first = tests["tests/test_fix.py::test_first"]
    assert first["wall"] < 0.15, first
    assert first["cpu"] < 0.15, first

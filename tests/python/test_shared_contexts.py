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

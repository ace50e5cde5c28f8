"""The pytest plugin: test records, nested runs, selection and coverage contexts."""

import json
import os

import pytest

T = "tests/test_a.py::"


def write_suite(project):
    project.write("conftest.py", "")
    project.write("tests/sub/conftest.py", "")
    project.write("tests/sub/test_sub.py", """
        def test_in_sub():
            pass
        """)
    project.write("tests/test_a.py", """
        import functools
        import subprocess
        import sys
        import time

        import pytest


        def logged(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper


        @pytest.fixture
        def broken_setup():
            raise RuntimeError("setup")


        @pytest.fixture
        def broken_teardown():
            yield
            raise RuntimeError("teardown")


        def test_pass():
            pass


        @logged
        @pytest.mark.parametrize("n", [1, 2])
        def test_param(n):
            assert n == 1


        @pytest.mark.skip(reason="no")
        def test_skipped():
            pass


        @pytest.mark.xfail(strict=True)
        def test_xfail():
            assert False


        def test_setup_error(broken_setup):
            pass


        def test_teardown_error(broken_teardown):
            pass


        class TestGroup:
            def test_method(self):
                pass


        def test_sleep():
            time.sleep(0.3)


        def test_child_cpu():
            subprocess.run([sys.executable, "-c",
                            "import time\\n"
                            "end = time.process_time() + 0.3\\n"
                            "while time.process_time() < end: pass\\n"], check=True)
        """)


def test_timing_run_records_every_test(project):
    write_suite(project)
    result = project.pytest()
    assert result.returncode == 1, result
    tests = result.by_id()
    outcomes = {test_id[len(T):]: r["outcome"] for test_id, r in tests.items()
                if test_id.startswith(T)}
    assert outcomes == {
        "test_pass": "passed", "test_param[1]": "passed", "test_param[2]": "failed",
        "test_skipped": "skipped", "test_xfail": "skipped",
        "test_setup_error": "failed", "test_teardown_error": "failed",
        "TestGroup::test_method": "passed", "test_sleep": "passed",
        "test_child_cpu": "passed",
    }
    assert set(tests) - {T + name for name in outcomes} == {
        "tests/sub/test_sub.py::test_in_sub"}

    a = project.path("tests/test_a.py")
    assert {r["file"] for r in tests.values()} == {a, project.path("tests/sub/test_sub.py")}
    assert tests[T + "test_pass"]["line"] == project.line_of("tests/test_a.py", "def test_pass")
    assert tests[T + "test_param[2]"]["line"] == project.line_of("tests/test_a.py", "@logged")
    assert tests[T + "TestGroup::test_method"]["line"] == project.line_of(
        "tests/test_a.py", "def test_method")

    sleep = tests[T + "test_sleep"]
    assert sleep["wall"] >= 0.3 and sleep["cpu"] < 0.2
    child = tests[T + "test_child_cpu"]
    assert child["cpu"] >= 0.25 and child["wall"] >= child["cpu"] * 0.9
    assert tests[T + "test_pass"]["wall"] < 0.3

    runners = result.of("runner")
    assert len(runners) == 1
    assert runners[0]["runner"] == "pytest"
    assert runners[0]["pid"] == result.of("boot")[0]["pid"]
    assert sorted(runners[0]["conftest"]) == sorted(
        [project.path("conftest.py"), project.path("tests/sub/conftest.py")])
    assert result.of("result") == [] and result.of("error") == []
    # Each test record follows the test; the runner record precedes them all.
    kinds = [r["type"] for r in result.records if r["type"] != "boot"]
    assert kinds == ["runner"] + ["test"] * len(tests)


def test_nested_runs_are_neither_recorded_nor_filtered(project):
    project.write("inner/test_inner.py", """
        import json, os

        def test_inner():
            with open(os.environ["ENV_DUMP"], "w") as f:
                json.dump({k: os.environ.get(k) for k in
                           ("CRMAKE_RUNNER", "CRMAKE_SELECT", "PYTEST_PLUGINS",
                            "CRMAKE_PROTOCOL")}, f)
        """)
    project.write("inner/test_inner_unittest.py", """
        import unittest

        class Inner(unittest.TestCase):
            def test_inner_case(self):
                pass
        """)
    project.write("tests/test_outer.py", """
        import os, subprocess, sys, unittest
        import pytest

        def test_subprocess():
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "inner/test_inner.py"], check=True)

        def test_in_process():
            assert pytest.main(["-q", "-p", "no:cacheprovider", "inner/test_inner.py"]) == 0

        def test_unittest_in_process():
            sys.path.insert(0, "inner")
            prog = unittest.main(module="test_inner_unittest", argv=["x"], exit=False)
            assert prog.result.wasSuccessful() and prog.result.testsRun == 1
        """)
    dump = os.path.join(project.work, "env.json")
    result = project.pytest("tests", select=[
        {"runner": "pytest", "id": "tests/test_outer.py::test_subprocess"},
        {"runner": "pytest", "id": "tests/test_outer.py::test_in_process"},
        {"runner": "pytest", "id": "tests/test_outer.py::test_unittest_in_process"}],
        extra={"ENV_DUMP": dump})
    assert result.returncode == 0, result
    assert [r["id"] for r in result.tests()] == [
        "tests/test_outer.py::test_subprocess", "tests/test_outer.py::test_in_process",
        "tests/test_outer.py::test_unittest_in_process"]
    assert len(result.of("runner")) == 1
    assert result.result()["ran"] == 3
    # The subprocess booted (its boot record is there) but saw no runner.
    assert len(result.of("boot")) == 2
    with open(dump) as f:
        assert json.load(f) == {"CRMAKE_RUNNER": None, "CRMAKE_SELECT": None,
                                "PYTEST_PLUGINS": None, "CRMAKE_PROTOCOL": "1"}


def write_selection_suite(project):
    project.write("tests/test_s.py", """
        import pytest

        @pytest.fixture
        def broken():
            raise RuntimeError("setup")

        def test_a(): pass
        def test_b(): pass
        def test_c(): assert False
        def test_d(): pass
        def test_e(broken): pass
        """)


S = "tests/test_s.py::"


def test_selection_runs_listed_tests_in_order_and_stops_at_first_failure(project):
    write_selection_suite(project)
    result = project.pytest(select=[
        {"runner": "pytest", "id": S + "test_b"},
        {"runner": "unittest", "id": S + "test_a"},
        {"runner": "pytest", "id": S + "test_a"},
        {"runner": "pytest", "id": S + "missing"},
        {"runner": "pytest", "id": S + "test_c"},
        {"runner": "pytest", "id": S + "test_d"},
    ])
    assert result.returncode == 1, result
    assert [r["id"] for r in result.tests()] == [S + "test_b", S + "test_a", S + "test_c"]
    assert result.result() == {"type": "result", "runner": "pytest", "found": [0, 2, 4, 5],
                               "ran": 3, "failed": S + "test_c"}
    assert "1 deselected" in result.stdout


def test_selection_stops_at_a_setup_error(project):
    write_selection_suite(project)
    result = project.pytest(select=[{"runner": "pytest", "id": S + "test_e"},
                                    {"runner": "pytest", "id": S + "test_a"}])
    assert result.returncode == 1, result
    assert [r["id"] for r in result.tests()] == [S + "test_e"]
    assert result.result()["failed"] == S + "test_e"
    assert result.result()["ran"] == 1


def test_selection_without_tests_of_ours_succeeds(project):
    write_selection_suite(project)
    result = project.pytest(select=[{"runner": "unittest", "id": "test_s.T.test_a"},
                                    {"runner": "pytest", "id": S + "nothing"}])
    assert result.returncode == 0, result
    assert result.tests() == []
    assert result.result() == {"type": "result", "runner": "pytest", "found": [],
                               "ran": 0, "failed": None}


def test_unreadable_selection_is_an_error_record(project):
    write_selection_suite(project)
    result = project.pytest(select=["{not json"])
    errors = result.of("error")
    assert len(errors) == 1 and errors[0]["what"] == "hook", result
    assert result.tests() == []
    assert result.result()["found"] == []


def test_collection_error_fails_a_selection_run(project):
    write_selection_suite(project)
    project.write("tests/test_z_broken.py", "import no_such_module_here\n")
    result = project.pytest(select=[{"runner": "pytest", "id": S + "test_a"}])
    assert result.returncode not in (0, 5), result
    assert result.tests() == []
    assert result.result()["failed"] == "collection: tests/test_z_broken.py"
    assert result.result()["found"] == [0]


def test_coverage_contexts_per_test(project):
    pytest.importorskip("coverage")
    project.write("src/mod.py", """
        def f():
            return "f"


        def g():
            return "g"


        def h():
            return "h"
        """)
    project.write("tests/test_c.py", """
        import os, subprocess, sys
        import pytest
        import mod

        @pytest.fixture(scope="module")
        def shared():
            return mod.h()

        def test_f(shared):
            assert mod.f() == "f"

        def test_g():
            subprocess.run([sys.executable, "-c", "import mod; mod.g()"], check=True)

        def test_other(shared):
            pass
        """)
    before = project.files()
    src = project.path("src")
    result = project.pytest("tests", coverage=["src/mod.py"], pythonpath=[src])
    assert result.returncode == 0, result
    assert result.of("error") == []
    assert project.measured_files() == {os.path.realpath(project.path("src/mod.py"))}
    lines = project.contexts("src/mod.py")

    def line(text):
        return project.line_of("src/mod.py", text)

    C = "tests/test_c.py::"
    # The child that test_g starts imports mod, as test_g.
    assert lines[line("def f")] == {"", C + "test_g"}
    assert lines[line("return \"f\"")] == {C + "test_f"}
    assert lines[line("return \"g\"")] == {C + "test_g"}
    assert lines[line("return \"h\"")] == {""}
    # Nothing of crmake's landed in the project.
    assert project.files() == before

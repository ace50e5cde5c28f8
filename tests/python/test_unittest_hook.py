"""The unittest hook: test records, nested runs, selection and coverage contexts."""

import pytest

from conftest import PYTHON


def write_suite(project):
    project.write("helpers.py", '''
        def double(x):
            """
            >>> double(2)
            4
            """
            return 2 * x
        ''')
    project.write("inner_tests.py", """
        import unittest

        class Inner(unittest.TestCase):
            def test_inner(self):
                pass
        """)
    project.write("test_u.py", """
        import doctest
        import functools
        import subprocess
        import sys
        import unittest

        import helpers


        def load_tests(loader, tests, pattern):
            tests.addTests(doctest.DocTestSuite(helpers))
            return tests


        def logged(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper


        class Basic(unittest.TestCase):
            def test_pass(self):
                pass

            @logged
            def test_fail(self):
                self.assertEqual(1, 2)

            @unittest.skip("no")
            def test_skipped(self):
                pass

            def test_subtest(self):
                for i in range(3):
                    with self.subTest(i=i):
                        self.assertLess(i, 2)

            @unittest.expectedFailure
            def test_expected_failure(self):
                self.assertEqual(1, 2)

            def test_error(self):
                raise RuntimeError("boom")


        class Nested(unittest.TestCase):
            def test_runs_tests_in_process(self):
                import io
                import inner_tests
                suite = unittest.defaultTestLoader.loadTestsFromModule(inner_tests)
                result = unittest.TextTestRunner(stream=io.StringIO()).run(suite)
                self.assertEqual(result.testsRun, 1)

            def test_runs_tests_in_a_subprocess(self):
                subprocess.run([sys.executable, "-m", "unittest", "-q", "inner_tests"],
                               check=True)
        """)


B = "test_u.Basic."


def test_timing_run_records_every_test(project):
    write_suite(project)
    result = project.unittest("-q", "test_u")
    assert result.returncode == 1, result
    tests = result.by_id()
    assert {test_id: r["outcome"] for test_id, r in tests.items()} == {
        B + "test_pass": "passed", B + "test_fail": "failed",
        B + "test_skipped": "skipped", B + "test_subtest": "failed",
        B + "test_expected_failure": "passed", B + "test_error": "failed",
        "test_u.Nested.test_runs_tests_in_process": "passed",
        "test_u.Nested.test_runs_tests_in_a_subprocess": "passed",
        "helpers.double": "passed",
    }
    test_u = project.path("test_u.py")
    assert tests[B + "test_pass"]["file"] == test_u
    assert tests[B + "test_pass"]["line"] == project.line_of("test_u.py", "def test_pass")
    assert tests[B + "test_fail"]["line"] == project.line_of("test_u.py", "@logged")
    assert tests["helpers.double"]["file"] == project.path("helpers.py")
    # A doctest starts where its docstring does.
    assert tests["helpers.double"]["line"] == project.line_of("helpers.py", '"""')
    assert all(r["runner"] == "unittest" and r["wall"] >= r["cpu"] * 0.5 >= 0
               for r in tests.values())

    runners = result.of("runner")
    assert runners == [{"type": "runner", "runner": "unittest",
                        "pid": result.of("boot")[0]["pid"], "conftest": []}]
    assert len(result.of("boot")) == 2     # the subprocess booted, ran unrecorded
    assert result.of("result") == [] and result.of("error") == []


def test_unittest_main_in_a_script(project):
    project.write("run_me.py", """
        import unittest

        class T(unittest.TestCase):
            def test_x(self):
                pass

        if __name__ == "__main__":
            unittest.main()
        """)
    result = project.run([PYTHON, "run_me.py"])
    assert result.returncode == 0, result
    assert [(r["id"], r["file"], r["line"]) for r in result.tests()] == [
        ("__main__.T.test_x", project.path("run_me.py"),
         project.line_of("run_me.py", "def test_x"))]


def test_selection_runs_listed_tests_in_order_and_stops_at_first_failure(project):
    write_suite(project)
    result = project.unittest("test_u", select=[
        {"runner": "unittest", "id": B + "test_pass"},
        {"runner": "pytest", "id": B + "test_skipped"},
        {"runner": "unittest", "id": "helpers.double"},
        {"runner": "unittest", "id": B + "missing"},
        {"runner": "unittest", "id": B + "test_subtest"},
        {"runner": "unittest", "id": B + "test_error"},
    ])
    assert result.returncode == 1, result
    assert [r["id"] for r in result.tests()] == [
        B + "test_pass", "helpers.double", B + "test_subtest"]
    assert result.result() == {"type": "result", "runner": "unittest",
                               "found": [0, 2, 4, 5], "ran": 3,
                               "failed": B + "test_subtest"}


def test_selection_reports_a_set_up_class_error(project):
    project.write("test_fixtures.py", """
        import unittest

        class Good(unittest.TestCase):
            def test_good(self):
                pass

        class Bad(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                raise RuntimeError("class")

            def test_never(self):
                pass
        """)
    result = project.unittest("test_fixtures", select=[
        {"runner": "unittest", "id": "test_fixtures.Good.test_good"},
        {"runner": "unittest", "id": "test_fixtures.Bad.test_never"}])
    assert result.returncode == 1, result
    assert [r["id"] for r in result.tests()] == ["test_fixtures.Good.test_good"]
    assert result.result()["failed"] == "setUpClass (test_fixtures.Bad)"
    assert result.result()["found"] == [0, 1]


def test_selection_keeps_modules_that_failed_to_load(project):
    write_suite(project)
    result = project.unittest("test_u", "no_such_test_module", select=[
        {"runner": "unittest", "id": B + "test_pass"}])
    assert result.returncode == 1, result
    failed = "unittest.loader._FailedTest.no_such_test_module"
    assert [r["id"] for r in result.tests()] == [failed]
    assert result.tests()[0]["file"] is None
    assert result.result() == {"type": "result", "runner": "unittest", "found": [0],
                               "ran": 1, "failed": failed}


def test_selection_without_tests_of_ours_runs_nothing(project):
    write_suite(project)
    result = project.unittest("test_u", select=[
        {"runner": "pytest", "id": B + "test_pass"},
        {"runner": "unittest", "id": "test_u.Other.test_pass"}])
    assert result.returncode == 0, result
    assert "Ran " not in result.stderr
    assert result.tests() == []
    assert result.result() == {"type": "result", "runner": "unittest", "found": [],
                               "ran": 0, "failed": None}


def test_pytest_running_unittest_cases_records_pytest_items(project):
    project.write("test_cases.py", """
        import unittest

        class Case(unittest.TestCase):
            def test_one(self):
                pass

            def test_two(self):
                self.fail("no")
        """)
    result = project.pytest("test_cases.py")
    assert result.returncode == 1, result
    assert [(r["runner"], r["id"], r["outcome"]) for r in result.tests()] == [
        ("pytest", "test_cases.py::Case::test_one", "passed"),
        ("pytest", "test_cases.py::Case::test_two", "failed")]
    assert [r["runner"] for r in result.of("runner")] == ["pytest"]


def test_coverage_contexts_per_test(project):
    pytest.importorskip("coverage")
    project.write("mod.py", """
        def setup_code():
            return 1


        def f():
            return 2
        """)
    project.write("test_cov.py", """
        import unittest
        import mod

        def setUpModule():
            mod.setup_code()

        class T(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                mod.setup_code()

            def test_f(self):
                self.assertEqual(mod.f(), 2)

            def test_other(self):
                pass
        """)
    result = project.unittest("test_cov", coverage=["mod.py"])
    assert result.returncode == 0, result
    lines = project.contexts("mod.py")
    assert lines[project.line_of("mod.py", "return 1")] == {""}
    assert lines[project.line_of("mod.py", "return 2")] == {"test_cov.T.test_f"}
    assert lines[project.line_of("mod.py", "def f")] == {""}

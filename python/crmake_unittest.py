"""crmake's unittest hook: records each test, switches coverage contexts, runs a selection."""

import os
import sys
import time

import crmake_record


def install(main_module):
    """Wrap main_module.TestProgram's createTests and runTests (once)."""
    program = main_module.TestProgram
    original = program.runTests
    if getattr(original, "_crmake", False):
        return
    create = program.createTests

    def runTests(self, *args, **kwargs):
        return _run_tests(self, original, args, kwargs)

    def createTests(self, *args, **kwargs):
        # A warm worker forks its fresh server here, before the tests, and
        # the project with them, are imported.
        if os.environ.get("CRMAKE_SERVE"):
            import crmake_worker
            crmake_worker.fresh_point()
        return create(self, *args, **kwargs)

    runTests._crmake = True
    runTests.__doc__ = original.__doc__
    createTests.__doc__ = create.__doc__
    program.runTests = runTests
    program.createTests = createTests


def _run_tests(program, original, args, kwargs):
    run = crmake_record.claim("unittest")
    if run is None:
        return original(program, *args, **kwargs)
    if run.serve is not None:
        # A warm worker: serve mutants instead of running the tests.
        import crmake_worker
        crmake_worker.serve(_UnittestAdapter(program, original), run.serve)
    try:
        run.send_runner([])
        if run.selection is not None and not _selected(program, run):
            # Nothing of ours here: run nothing, and succeed (Python 3.12
            # and newer would exit 5 for a run without tests).
            import unittest
            program.result = unittest.TestResult()
            if getattr(program, "exit", True):
                sys.exit(0)
            return None
        hook = _CaseHook(run)
        hook.install()
        try:
            return original(program, *args, **kwargs)
        finally:
            hook.remove()
            hook.finish(getattr(program, "result", None))
    finally:
        run.finish()


class _UnittestAdapter:
    """What the warm worker needs of a unittest program whose tests are loaded."""

    runner = "unittest"

    def __init__(self, program, original):
        self.program = program
        self.original = original
        self._tests = []
        _flatten(program.test, self._tests)
        self._index = None

    def prepare(self):
        """Index the tests by ID once, in the worker, for every child's selection."""
        self._index = crmake_record.index_tests(self._tests, _test_id)

    def tests(self):
        return list(self._tests)

    def key(self, test):
        return _test_id(test)

    def redirect(self, fd):
        os.dup2(fd, 1)
        os.dup2(fd, 2)

    def run_selection(self, entries, progress=None):
        """Run the listed tests in order up to the first failure; return the Run.

        progress(kind, number), if given, is told of each test's "start"
        and "done".
        """
        run = crmake_record.Run("unittest", None)
        run.selection = list(entries)
        run.progress = progress
        program = self.program
        if not _select(program, run, self._tests, self._index):
            return run
        hook = _CaseHook(run)
        hook.install()
        try:
            self.original(program)
        except SystemExit:
            pass
        finally:
            hook.remove()
            hook.finish(getattr(program, "result", None))
        return run


def _selected(program, run):
    """Apply the selection to program; return whether anything is left to run."""
    try:
        return _select(program, run)
    except Exception as exc:
        crmake_record.error("hook", "selection: " + crmake_record.describe(exc))
        return True


def _select(program, run, tests=None, index=None):
    """Keep the listed tests of program in listed order; return whether any is kept.

    tests and index, if given, are program's tests flattened and indexed
    by ID, made once for many selections.
    """
    import unittest
    import unittest.loader
    if tests is None:
        tests = []
        _flatten(program.test, tests)
    failed_type = getattr(unittest.loader, "_FailedTest", None)
    # A module that failed to import must still fail the run.
    load_errors = [t for t in tests if failed_type is not None and isinstance(t, failed_type)]
    loaded = set(map(id, load_errors))
    listed = [t for t in run.select(tests, _test_id, index) if id(t) not in loaded]
    kept = load_errors + listed
    program.test = unittest.TestSuite(kept)
    program.failfast = True
    runner = getattr(program, "testRunner", None)
    if runner is not None and not isinstance(runner, type) and hasattr(runner, "failfast"):
        runner.failfast = True
    return bool(kept)


def _flatten(test, out):
    import unittest
    if isinstance(test, unittest.BaseTestSuite):
        for child in test:
            _flatten(child, out)
    else:
        out.append(test)


def _test_id(test):
    try:
        return str(test.id())
    except Exception:
        return repr(test)


def _where(test):
    """Return the absolute file and first line of test's definition."""
    dt_test = getattr(test, "_dt_test", None)
    if dt_test is not None:
        line = dt_test.lineno + 1 if isinstance(dt_test.lineno, int) else None
        file = dt_test.filename
        return (os.path.abspath(file) if file else None), line
    import unittest.loader
    if isinstance(test, getattr(unittest.loader, "_FailedTest", ())):
        return None, None
    file = None
    func = getattr(test, "_testFunc", None)     # a FunctionTestCase
    if func is None:
        name = getattr(test, "_testMethodName", None)
        func = getattr(type(test), name, None) if isinstance(name, str) else None
        try:
            import inspect
            file = inspect.getsourcefile(type(test))
        except Exception:
            pass
    code = getattr(crmake_record.unwrap(func), "__code__", None)
    line = getattr(code, "co_firstlineno", None)
    if not file:
        file = getattr(code, "co_filename", None)
    return (os.path.abspath(file) if file else None), line


def _counts(result):
    if result is None:
        return None
    bad = 0
    for name in ("failures", "errors", "unexpectedSuccesses"):
        bad += len(getattr(result, name, ()))
    return bad, len(getattr(result, "skipped", ()))


class _CaseHook:
    """Time, record and attribute each test that TestCase.run runs within our run."""

    def __init__(self, run):
        self.run = run
        self.saved = None
        self.active = False
        self.result = None
        self.seen_errors = 0

    def install(self):
        import unittest.case
        case = unittest.case.TestCase
        self.saved = case.__dict__["run"]
        hook = self

        def run(test, *args, **kwargs):
            return hook.run_test(test, args, kwargs)

        run.__doc__ = self.saved.__doc__
        case.run = run

    def remove(self):
        import unittest.case
        unittest.case.TestCase.run = self.saved

    def run_test(self, test, args, kwargs):
        if self.active:
            # A test that runs tests of its own: those are not the user's tests.
            return self.saved(test, *args, **kwargs)
        result = args[0] if args else kwargs.get("result")
        try:
            self.note_errors(result)
            before = _counts(result)
        except Exception:
            before = None
        test_id = _test_id(test)
        escaped = True
        self.active = True
        crmake_record.switch_context(test_id)
        self.run.test_start(test_id)
        wall = time.perf_counter()
        cpu = crmake_record.cpu_time()
        try:
            value = self.saved(test, *args, **kwargs)
            escaped = False
            return value
        finally:
            wall = time.perf_counter() - wall
            cpu = crmake_record.cpu_time() - cpu
            crmake_record.switch_context("")
            self.active = False
            try:
                self.test_done(test, test_id, result, before, escaped, wall, cpu)
            except Exception as exc:
                crmake_record.error("hook", "unittest: " + crmake_record.describe(exc))

    def test_done(self, test, test_id, result, before, escaped, wall, cpu):
        after = _counts(result)
        outcome = "passed"
        if escaped or (before is not None and after[0] > before[0]):
            outcome = "failed"
        elif before is not None and after[1] > before[1]:
            outcome = "skipped"
        if result is not None and result is self.result:
            self.seen_errors = len(getattr(result, "errors", ()))
        self.run.test_done(test_id, lambda: _where(test), wall, cpu, outcome)
        if outcome == "failed" and self.run.selection is not None:
            stop = getattr(result, "stop", None)
            if stop is not None:
                stop()

    def note_errors(self, result):
        """Note errors added outside tests (setUpClass, setUpModule, ...) since the last test."""
        if result is None:
            return
        if result is not self.result:
            self.result = result
            self.seen_errors = 0
        errors = getattr(result, "errors", None)
        if errors is None:
            return
        for entry in list(errors)[self.seen_errors:]:
            try:
                self.run.fail(_test_id(entry[0]))
            except Exception:
                pass
        self.seen_errors = len(errors)

    def finish(self, result):
        """Note errors after the last test (or in a run where no test started)."""
        if result is not None and (self.result is None or result is self.result):
            try:
                self.note_errors(result)
            except Exception as exc:
                crmake_record.error("hook", "unittest: " + crmake_record.describe(exc))

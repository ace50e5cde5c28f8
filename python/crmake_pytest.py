"""crmake's pytest plugin: records each test, switches coverage contexts, runs a selection."""

import os
import time
import types

import pytest

import crmake_record

_run = None             # the claimed Run; None if another runner has this process
_conftests = []
_outcome = None         # outcome of the test being run
_shared = [0.0, 0.0]    # wall and CPU seconds of wider fixtures set up in it


def pytest_plugin_registered(plugin, manager):
    path = getattr(plugin, "__file__", None)
    if (isinstance(plugin, types.ModuleType) and isinstance(path, str)
            and os.path.basename(path) == "conftest.py"):
        path = os.path.abspath(path)
        if path not in _conftests:
            _conftests.append(path)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A warm worker forks its fresh server here: before the first
    # conftest.py, and before pytest's capture of the output starts.
    if os.environ.get("CRMAKE_SERVE"):
        import crmake_worker
        crmake_worker.fresh_point()
    yield


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    global _run
    _run = crmake_record.claim("pytest")
    if _run is not None and _run.selection is not None:
        config.option.maxfail = 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if _run is None or _run.selection is None:
        return
    try:
        kept = _run.select(items, _nodeid)
    except Exception as exc:
        crmake_record.error("hook", "selection: " + crmake_record.describe(exc))
        return
    keep = set(map(id, kept))
    dropped = [item for item in items if id(item) not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def pytest_collectreport(report):
    if _run is not None and report.failed:
        _run.fail("collection: " + report.nodeid)


def pytest_collection_finish(session):
    if _run is not None:
        _run.send_runner(_conftests)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _outcome
    if _run is None:
        yield
        return
    test_id = item.nodeid
    _outcome = "passed"
    _shared[0] = _shared[1] = 0.0
    crmake_record.switch_context(test_id)
    _run.test_start(test_id)
    wall = time.perf_counter()
    cpu = crmake_record.cpu_time()
    try:
        result = yield
    finally:
        # What wider fixtures took to set up is every run's, not this test's.
        wall = max(0.0, time.perf_counter() - wall - _shared[0])
        cpu = max(0.0, crmake_record.cpu_time() - cpu - _shared[1])
        crmake_record.switch_context("")
    outcome = _outcome
    _outcome = None
    if getattr(result, "excinfo", None) is not None:
        outcome = "failed"
    _run.test_done(test_id, lambda: _where(item), wall, cpu, outcome)


def pytest_runtest_logreport(report):
    global _outcome
    if _outcome is None:
        return
    if report.failed:
        _outcome = "failed"
    elif report.skipped and _outcome != "failed":
        _outcome = "skipped"


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    # A module- or session-wide fixture serves every test that uses it, not
    # just the first one, which happens to set it up.
    if _run is None or getattr(fixturedef, "scope", "function") == "function":
        yield
        return
    previous = crmake_record.context()
    crmake_record.switch_context("")
    # Nor is it the test's CPU budget's, which its planned time sets.
    _run.pause()
    wall = time.perf_counter()
    cpu = crmake_record.cpu_time()
    try:
        yield
    finally:
        _shared[0] += time.perf_counter() - wall
        _shared[1] += crmake_record.cpu_time() - cpu
        crmake_record.switch_context(previous)
        _run.resume()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    # A warm worker: serve mutants instead of running the tests.
    if _run is None or _run.serve is None:
        return None
    if session.testsfailed:
        # pytest stops here and reports the collection errors.
        crmake_record.error("warm", "the tests could not be collected (%d error%s)" % (
            session.testsfailed, "" if session.testsfailed == 1 else "s"))
        raise session.Interrupted("%d errors during collection" % session.testsfailed)
    import crmake_worker
    crmake_worker.serve(_PytestAdapter(session), _run.serve)
    return None


class _PytestAdapter:
    """What the warm worker needs of a collected pytest session."""

    runner = "pytest"

    def __init__(self, session):
        self.session = session
        self._index = None

    def prepare(self):
        """Index the items by node ID once, in the worker, for every child's selection."""
        self._index = crmake_record.index_tests(self.session.items, _nodeid)

    def tests(self):
        return list(self.session.items)

    def key(self, item):
        return item.nodeid

    def redirect(self, fd):
        """Send the child's output to fd, through pytest's own capture too."""
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        capman = self.session.config.pluginmanager.getplugin("capturemanager")
        capturing = getattr(capman, "_global_capturing", None)
        for name in ("out", "err"):
            saved = getattr(getattr(capturing, name, None), "targetfd_save", None)
            if isinstance(saved, int):
                os.dup2(fd, saved)

    def run_selection(self, entries, progress=None):
        """Run the listed tests in order up to the first failure; return the Run.

        progress(kind, number), if given, is told of each test's "start"
        and "done".
        """
        global _run
        run = crmake_record.Run("pytest", None)
        run.selection = list(entries)
        run.progress = progress
        _run = run
        session = self.session
        items = run.select(session.items, _nodeid, self._index)
        session.config.option.maxfail = 1
        # A failure's report is read for where the mutant was caught, not
        # debugged from: one line, instead of source and locals page by page
        # (which took longer than many a test).
        if getattr(session.config.option, "tbstyle", "auto") not in ("no", "line"):
            session.config.option.tbstyle = "line"
        session.shouldfail = False
        session.shouldstop = False
        session.testsfailed = 0
        # The report's time is this run's, not the worker's since it started.
        reporter = session.config.pluginmanager.getplugin("terminalreporter")
        if isinstance(getattr(reporter, "_sessionstarttime", None), float):
            reporter._sessionstarttime = time.time()
        for i, item in enumerate(items):
            nextitem = items[i + 1] if i + 1 < len(items) else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            if session.shouldfail or session.shouldstop:
                break
        session.exitstatus = 1 if run.failed is not None else 0
        try:
            session.config.hook.pytest_sessionfinish(session=session,
                                                    exitstatus=session.exitstatus)
        except Exception:
            pass
        return run


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _run is None:
        return
    _run.send_runner(_conftests)
    if _run.selection is not None:
        if not _run.found and session.exitstatus == 5:
            session.exitstatus = 0
        _run.finish()


def pytest_unconfigure(config):
    if _run is not None:
        _run.send_runner(_conftests)
        _run.finish()


def _nodeid(item):
    return item.nodeid


def _where(item):
    """Return the absolute file and first line of item's definition."""
    path = getattr(item, "path", None)
    if path is None:
        path = getattr(item, "fspath", None)
    file = os.path.abspath(str(path)) if path is not None else None
    line = None
    if isinstance(item, pytest.Function):
        line = crmake_record.first_line(getattr(item, "obj", None))
    if line is None:
        try:
            location = item.location[1]
        except Exception:
            location = None
        if isinstance(location, int):
            line = location + 1
    return file, line

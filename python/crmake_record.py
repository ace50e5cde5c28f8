"""Shared state of crmake's hooks: records, the CPU clock, coverage contexts, the claimed run."""

import os
import sys
import time

# Captured at boot: a test that empties os.environ must not silence the records.
_record_path = os.environ.get("CRMAKE_RECORD") or None
_write_failed = False

# The Coverage object started at boot, or None.
coverage = None
_context = ""

# The runner that took this process's test session, and its run.
_claimed = None
# What a fresh run's child is to claim instead of what the environment
# says (see preset).
_preset = None

try:
    from _json import encode_basestring_ascii as _quote
except ImportError:
    _quote = None

_resource = None


def _encode(value):
    # A boot record is written by every Python process of a run, and importing
    # json costs about as much as starting the interpreter (it pulls in re), so
    # the flat records are encoded here; anything else falls back to json.
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "null"
        return float.__repr__(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([_encode(v) for v in value]) + "]"
    if isinstance(value, dict):
        return "{" + ",".join([_quote(str(k)) + ":" + _encode(v)
                               for k, v in value.items()]) + "}"
    raise TypeError("cannot encode %r" % (value,))


def dumps(record):
    """Return record as one line of compact, ASCII-only JSON (no newline)."""
    if _quote is not None:
        try:
            return _encode(record)
        except TypeError:
            pass
    import json
    return json.dumps(record, ensure_ascii=True, separators=(",", ":"))


def emit(record):
    """Append record to $CRMAKE_RECORD as one line, in one write."""
    global _write_failed
    if _record_path is None:
        return
    try:
        data = (dumps(record) + "\n").encode("ascii")
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(_record_path, flags, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except Exception as exc:
        if not _write_failed:
            _write_failed = True
            try:
                sys.stderr.write("crmake: cannot write records to '%s': %s\n"
                                 % (_record_path, exc))
            except Exception:
                pass


def silence():
    """Write no more records from this process (a warm worker's child)."""
    global _record_path
    _record_path = None


def recording():
    """Return whether records are written (not in a warm worker's child)."""
    return _record_path is not None


def error(what, message):
    """Record a failure of crmake's own (what is "coverage" or "hook")."""
    emit({"type": "error", "what": what, "message": message})


def describe(exc):
    """Return 'Type: message' for an exception."""
    return "%s: %s" % (type(exc).__name__, exc)


def cpu_time():
    """Return this process's CPU seconds plus those of its waited-for children."""
    global _resource
    if _resource is None:
        try:
            import resource
            _resource = resource
        except ImportError:
            _resource = False
    seconds = time.process_time()
    if _resource:
        usage = _resource.getrusage(_resource.RUSAGE_CHILDREN)
        seconds += usage.ru_utime + usage.ru_stime
    return seconds


def context():
    """Return the current coverage context ("" for the shared one)."""
    return _context


def switch_context(name):
    """Attribute what runs from now on, here and in new subprocesses, to test name."""
    global _context
    _context = name
    try:
        if name:
            os.environ["CRMAKE_CONTEXT"] = name
        else:
            os.environ.pop("CRMAKE_CONTEXT", None)
    except Exception as exc:
        error("hook", "context: " + describe(exc))
    if coverage is not None:
        try:
            coverage.switch_context(name)
        except Exception as exc:
            error("coverage", describe(exc))


def unwrap(func):
    """Return the function that func (a method, or a decorated function) wraps."""
    func = getattr(func, "__func__", func)
    try:
        import inspect
        return inspect.unwrap(func)
    except Exception:
        return func


def first_line(func):
    """Return the first line of func's definition (its first decorator), or None."""
    code = getattr(unwrap(func), "__code__", None)
    line = getattr(code, "co_firstlineno", None)
    return line if isinstance(line, int) else None


def read_paths(path):
    """The paths of a list that crmake wrote: one a line, with a backslash
    and a newline in a path written as \\\\ and \\n. Bytes that are not
    UTF-8 come back as the file system's own names do (os.fsdecode)."""
    with open(path, "rb") as f:
        data = f.read()
    # A path holds no NUL: it stands for an escaped backslash meanwhile.
    return [os.fsdecode(line.replace(b"\\\\", b"\0").replace(b"\\n", b"\n")
                        .replace(b"\0", b"\\"))
            for line in data.split(b"\n") if line]


def read_selection(path, runner):
    """Return [(index, id)] for runner's entries in the selection file at path."""
    import json
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    entries = []
    for index, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise ValueError("%s:%d: %s" % (path, index + 1, exc))
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ValueError("%s:%d: not a selection entry" % (path, index + 1))
        if entry.get("runner") == runner:
            entries.append((index, entry["id"]))
    return entries


def index_tests(tests, key):
    """Return {id: [tests with that id]} over tests, in their order."""
    groups = {}
    for test in tests:
        groups.setdefault(key(test), []).append(test)
    return groups


class Run:
    """The test session a runner claimed: its selection, what ran and what failed first."""

    def __init__(self, runner, select_path, serve=None):
        self.runner = runner
        self.serve = serve          # the warm worker's socket path, when serving
        self.selection = None       # [(index, id)] in a selection run
        self.found = []
        self.ran = 0
        self.failed = None
        # Where each test's start and end are told, for cr-run-one's
        # per-test budgets: progress(kind, number) if set (a warm child's
        # connection), else the records.
        self.progress = None
        self._numbers = {}
        self._current = None
        self._paused = 0
        self._runner_sent = False
        self._result_sent = False
        # Where the result goes instead of the records: report(record), in
        # a fresh run's child.
        self.report = None
        self.seconds = 0.0
        if select_path is not None:
            self.selection = []
            try:
                self.selection = read_selection(select_path, runner)
            except Exception as exc:
                error("hook", "selection: " + describe(exc))

    def select(self, tests, key, index=None):
        """Return the listed tests among tests in listed order; note which were found.

        index, if given, is index_tests(tests, key), made once for many
        selections.
        """
        groups = index if index is not None else index_tests(tests, key)
        kept = []
        taken = set()
        for number, test_id in self.selection:
            group = groups.get(test_id)
            if group is None:
                continue
            self.found.append(number)
            self._numbers.setdefault(test_id, number)
            if test_id not in taken:
                taken.add(test_id)
                kept.extend(group)
        return kept

    def fail(self, description):
        """Note a failure; the first one is the run's."""
        if self.failed is None:
            self.failed = description

    def send_runner(self, conftest):
        """Emit the runner record, once."""
        if self._runner_sent:
            return
        self._runner_sent = True
        emit({"type": "runner", "runner": self.runner, "pid": os.getpid(),
              "conftest": list(conftest)})

    def test_start(self, test_id):
        """Tell that a selected test starts: its number in the selection."""
        number = self._numbers.get(test_id)
        self._current = number
        self._paused = 0
        if number is not None:
            self._tell("start", number)

    def pause(self):
        """Tell that what runs now is not the current test's own (a shared
        fixture's set-up): its CPU budget stops until resume()."""
        self._paused += 1
        if self._paused == 1 and self._current is not None:
            self._tell("done", self._current)

    def resume(self):
        """Tell that the current test's own work goes on: a new budget."""
        self._paused -= 1
        if self._paused == 0 and self._current is not None:
            self._tell("start", self._current)

    def _tell(self, kind, number):
        if self.progress is None:
            emit({"type": kind, "n": number})
            return
        try:
            self.progress(kind, number)
        except Exception:
            # The connection is cr-run-one's; if it is gone, so is the run.
            pass

    def test_done(self, test_id, where, wall, cpu, outcome):
        """Emit a test record and count the test.

        where() gives the test's file and line; it is only called when
        records are written (not in a warm worker's child).
        """
        self.ran += 1
        self.seconds += wall
        if self._current is not None:
            self._tell("done", self._current)
        self._current = None
        if outcome == "failed":
            self.fail(test_id)
        if not recording():
            return
        try:
            file, line = where()
        except Exception:
            file, line = None, None
        emit({"type": "test", "runner": self.runner, "id": test_id, "file": file,
              "line": line, "wall": wall, "cpu": cpu, "outcome": outcome})

    def finish(self):
        """Emit the result record of a selection run, once."""
        if self.selection is None or self._result_sent:
            return
        self._result_sent = True
        if self.report is not None:
            try:
                self.report({"found": self.found, "ran": self.ran,
                             "failed": self.failed, "seconds": self.seconds})
            except Exception:
                pass
            return
        emit({"type": "result", "runner": self.runner, "found": self.found,
              "ran": self.ran, "failed": self.failed})


def claim(runner):
    """Take this process's test session for runner and return its Run.

    Return None when a session was claimed before. Nested runs started by the
    tests (in this process or a subprocess) then see neither the runner nor the
    selection; coverage stays in the environment so subprocesses are measured.
    """
    global _claimed
    if _claimed is not None:
        return None
    environ = os.environ
    select_path = environ.pop("CRMAKE_SELECT", None) or None
    serve = environ.pop("CRMAKE_SERVE", None) or None
    environ.pop("CRMAKE_RUNNER", None)
    plugins = environ.get("PYTEST_PLUGINS")
    if plugins is not None:
        names = plugins.split(",")
        rest = [name for name in names if name.strip() != "crmake_pytest"]
        if len(rest) != len(names):
            if any(name.strip() for name in rest):
                environ["PYTEST_PLUGINS"] = ",".join(rest)
            else:
                del environ["PYTEST_PLUGINS"]
    _claimed = Run(runner, select_path, serve)
    if _preset is not None:
        tests, progress, report = _preset
        _claimed.selection = [(i, test_id) for i, name, test_id in tests if name == runner]
        _claimed.progress = progress
        _claimed.report = report
    return _claimed


def claimed():
    """Return whether a runner has taken this process's test session."""
    return _claimed is not None


def preset(tests, progress, report):
    """Make the next claim a selection run of tests, told over a connection.

    tests is [(index, runner, id)]; progress(kind, number) is told of each
    test's start and end, and report(record) gets the result instead of
    the records. For a fresh run's child (crmake_worker.fresh_point), which
    the environment of the worker it was forked from does not describe.
    """
    global _preset
    _preset = (list(tests), progress, report)

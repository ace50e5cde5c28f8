"""The warm worker: a collected pytest or unittest session serving mutants over a socket."""

import array
import ast
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import PYTHON, Project

# The code under test: every kind of function the worker must find and patch.
CALC = '''
import functools

STATE = {"value": 1}


def add(a, b):
    return a + b


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


@logged
def double(x):
    return x * 2


@functools.lru_cache(maxsize=None)
def square(x):
    return x * x


def outer(n):
    def inner(m):
        return m + n
    return inner


ADD_TEN = outer(10)


class Base:
    def greet(self):
        return "base"


class Child(Base):
    def greet(self):
        return "child+" + super().greet()

    @staticmethod
    def times(a, b):
        return a * b

    @classmethod
    def make(cls, n):
        return [cls() for _ in range(n)]


class Box:
    def __init__(self):
        self._v = 0

    @property
    def v(self):
        return self._v + 0

    @v.setter
    def v(self, value):
        self._v = value * 1


SQUARES = [square(i) for i in range(3)]
'''

LAZY = '''
def one():
    return 1
'''

PYTEST_TESTS = '''
import os
import subprocess
import sys

import pytest

import calc


def test_add():
    assert calc.add(2, 3) == 5


def test_add_zero():
    assert calc.add(0, 0) == 0


def test_double():
    assert calc.double(3) == 6


def test_square():
    assert calc.square(5) == 25


def test_square_cached():
    assert calc.square(1) == 1


def test_inner():
    assert calc.outer(1)(2) == 3


def test_closure():
    assert calc.ADD_TEN(1) == 11


def test_greet():
    assert calc.Child().greet() == "child+base"


def test_times():
    assert calc.Child.times(2, 3) == 6


def test_make():
    assert len(calc.Child.make(2)) == 2


def test_getter():
    box = calc.Box()
    box._v = 4
    assert box.v == 4


def test_setter():
    box = calc.Box()
    box.v = 5
    assert box._v == 5


def test_lazy():
    import lazy
    assert lazy.one() == 1


def test_global():
    assert calc.STATE["value"] == 1
    calc.STATE["value"] = 2


def test_nested_run(tmp_path):
    (tmp_path / "test_nested_one.py").write_text("def test_one():\\n    pass\\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], cwd=str(tmp_path),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=60)
    print(proc.stdout)
    assert proc.returncode == 0
    assert "1 passed" in proc.stdout
    assert pytest.main(["-q", "-p", "no:cacheprovider", str(tmp_path)]) == 0
'''

UNITTEST_TESTS = '''
import subprocess
import sys
import unittest

import calc


class Calc(unittest.TestCase):
    def test_add(self):
        self.assertEqual(calc.add(2, 3), 5)

    def test_add_zero(self):
        self.assertEqual(calc.add(0, 0), 0)

    def test_double(self):
        self.assertEqual(calc.double(3), 6)

    def test_greet(self):
        self.assertEqual(calc.Child().greet(), "child+base")

    def test_setter(self):
        box = calc.Box()
        box.v = 5
        self.assertEqual(box._v, 5)

    def test_lazy(self):
        import lazy
        self.assertEqual(lazy.one(), 1)

    def test_global(self):
        self.assertEqual(calc.STATE["value"], 1)
        calc.STATE["value"] = 2

    def test_nested_run(self):
        proc = subprocess.run([sys.executable, "-m", "unittest", "-v", "nested.check_nested"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=60)
        print(proc.stdout)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("Ran 1 test", proc.stdout)
'''

NESTED_UNITTEST = '''
import unittest


class Nested(unittest.TestCase):
    def test_one(self):
        pass
'''

P = "test_calc.py::"
U = "test_calc_ut.Calc."


def write_calc(project):
    project.write("calc.py", CALC)
    project.write("lazy.py", LAZY)


def reduced(text, line):
    """Return text with only the outermost function around line and its class headers.

    As cr-run-one writes it: the same line numbers, the def line (not the
    decorators) to the function's end kept, every other line left empty.
    """
    keep = set()

    def visit(node, classes):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                if visit(child, classes + [child]):
                    return True
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if child.body[0].lineno <= line <= child.end_lineno:
                    keep.update(range(child.lineno, child.end_lineno + 1))
                    for c in classes:
                        keep.update(range(c.lineno, c.body[0].lineno))
                    return True
        return False

    assert visit(ast.parse(text), []), "line %d is in no function" % line
    return "".join(l if n in keep else ("\n" if l.endswith("\n") else "")
                   for n, l in enumerate(text.splitlines(True), 1))


def mutate(old, new, text=CALC):
    """Return (mutated text, 1-based line of the change)."""
    text = text.lstrip("\n")
    assert text.count(old) == 1, old
    return text.replace(old, new), text[:text.index(old)].count("\n") + 1


class Reply:
    """A finished request: the child's replies and what it wrote to its output."""

    def __init__(self, replies, output, pid, spare=None):
        self.replies = replies
        self.output = output
        self.pid = pid
        self.spare = spare

    def last(self):
        """The verdict, without the time the tests took (checked here)."""
        last = dict(self.replies[-1])
        if "found" in last:
            seconds = last.pop("seconds", None)
            assert isinstance(seconds, float) and seconds >= 0, self
        return last

    def __repr__(self):
        return "<replies %s\noutput:\n%s>" % (json.dumps(self.replies), self.output)


class Worker:
    """A worker process serving a project, and a client for it, as cr-run-one is."""

    def __init__(self, project, argv, extra=None):
        self.project = project
        self.runner = "pytest" if "pytest" in argv else "unittest"
        # Socket paths are short (108 bytes), tmp_path is not.
        self.dir = tempfile.mkdtemp(prefix="crw", dir="/tmp")
        self.sock = os.path.join(self.dir, "w.sock")
        self.files = os.path.join(self.dir, "files")
        self.log = os.path.join(self.dir, "log")
        self.count = 0
        self.kept = []          # (connection, output) of children left running
        with open(self.files, "w") as f:
            for name in sorted(project.files()):
                if name.endswith(".py"):
                    f.write(os.path.realpath(project.path(name)) + "\n")
        # Its own records: two workers may serve one project.
        self.record_file = os.path.join(self.dir, "records.jsonl")
        env = {"CRMAKE_SERVE": self.sock, "CRMAKE_SERVE_FILES": self.files,
               "CRMAKE_RECORD": self.record_file}
        env.update(extra or {})
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(argv, cwd=project.root, env=project.env(extra=env),
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)

    def output(self):
        with open(self.log) as f:
            return f.read()

    def records(self, kind=None):
        if not os.path.exists(self.record_file):
            return []
        with open(self.record_file) as f:
            records = [json.loads(line) for line in f]
        return [r for r in records if kind is None or r["type"] == kind]

    def __repr__(self):
        return "<worker rc=%s\nlog:\n%s\nrecords:\n%s>" % (
            self.proc.poll(), self.output(),
            "\n".join(json.dumps(r) for r in self.records()))

    def wait_serving(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.sock) and self.records("serving"):
                return self
            assert self.proc.poll() is None, self
            time.sleep(0.02)
        raise AssertionError("the worker did not serve: %r" % self)

    def wait_exit(self, timeout=60):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("the worker did not exit: %r" % self)

    def connect(self, path=None):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(path or self.sock)
        return s

    def fresh(self, tests, timeout=30):
        """Ask the fresh server for a run of tests, as cr-run-one does for a
        mutant outside any function; read the replies up to the run's end."""
        request = {"op": "run", "protocol": _worker_module().PROTOCOL,
                   "file": "", "source_bytes": 0, "full_bytes": 0,
                   "scope": "", "line": 0,
                   "tests": [{"runner": self.runner, "id": t} for t in tests]}
        return self.request(request, timeout, fresh=True)

    def greet(self, s):
        """Read the line a spare says first when it takes a connection; return its PID."""
        line = b""
        while not line.endswith(b"\n"):
            chunk = s.recv(1)
            assert chunk, "no greeting: %r" % line
            line += chunk
        greeting = json.loads(line.decode())
        assert set(greeting) == {"spare"} and greeting["spare"] > 1, greeting
        return greeting["spare"]

    def send(self, s, request, fds=()):
        line = {k: v for k, v in request.items() if k != "payload"}
        data = (json.dumps(line) + "\n").encode() + request.get("payload", b"")
        if fds:
            s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        else:
            s.sendall(data)

    def run(self, file, text, scope, line, tests, full=True, kill=True):
        """Ask for one mutant of file, whose whole mutated text is text.

        full=True sends it reduced as "source" and whole as "full", as
        cr-run-one does; False sends it reduced only, "only" whole only.
        """
        self.count += 1
        source = (text if full == "only" else reduced(text, line)).encode()
        whole = text.encode() if full is True else b""
        request = {"op": "run", "protocol": _worker_module().PROTOCOL,
                   "file": os.path.realpath(self.project.path(file)),
                   "source_bytes": len(source), "full_bytes": len(whole),
                   "scope": scope, "line": line,
                   "tests": [t if isinstance(t, dict) else {"runner": self.runner, "id": t}
                             for t in tests],
                   "payload": source + whole}
        return self.request(request, kill=kill)

    def request(self, request, timeout=30, kill=True, fds=(), fresh=False):
        """Send request, read the replies up to the verdict, kill the child and read its output.

        With kill false, the child is left waiting; the output is not read.
        fds go with the request after the output pipe. With fresh, the
        request goes to the fresh server, and the replies end with the
        run's exit.
        """
        ends = ("exit", "signal") if fresh else ("found",)
        read_end, write_end = os.pipe()
        try:
            s = self.connect(self.sock[:-len(".sock")] + ".fresh.sock" if fresh else None)
            # As cr-run-one does: the spare says who it is before the request.
            spare = self.greet(s)
            self.send(s, request, [write_end] + list(fds))
        finally:
            os.close(write_end)
        replies = []
        output = []
        pending = b""
        pid = None
        deadline = time.monotonic() + timeout
        watched = [s, read_end]
        try:
            while not replies or not (any(e in replies[-1] for e in ends) or
                                      replies[-1].get("applied") is False):
                left = deadline - time.monotonic()
                assert left > 0, "no verdict in time: %r" % Reply(replies, output, pid)
                ready, _w, _x = select.select(watched, [], [], left)
                if read_end in ready:
                    output.append(os.read(read_end, 65536))
                    if not output[-1]:
                        watched.remove(read_end)
                if s not in ready:
                    continue
                chunk = s.recv(65536)
                if not chunk:
                    break
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    replies.append(json.loads(line.decode()))
                    pid = replies[-1].get("pid", pid)
        except BaseException:
            kill = True
            raise
        finally:
            # As cr-run-one does: the child and all it started go when it has answered.
            if kill:
                if pid is not None:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                s.close()
        if not kill:
            self.kept.append((s, read_end))
            return Reply(replies, "", pid, spare)
        while select.select([read_end], [], [], 5)[0]:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            output.append(chunk)
        os.close(read_end)
        return Reply(replies, b"".join(output).decode("utf-8", "replace"), pid, spare)

    def stop(self):
        for s, read_end in self.kept:
            s.close()
            os.close(read_end)
        self.kept = []
        if self.proc.poll() is None:
            try:
                s = self.connect()
                self.send(s, {"op": "stop"})
                s.close()
            except OSError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def pytest_argv(*args):
    return [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + list(args)


def unittest_argv(*args):
    return [PYTHON, "-m", "unittest"] + list(args)


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    """A pytest and a unittest worker on the same code, started side by side."""
    project = Project(tmp_path_factory.mktemp("pw"))
    write_calc(project)
    project.write("test_calc.py", PYTEST_TESTS)
    other = Project(tmp_path_factory.mktemp("uw"))
    write_calc(other)
    other.write("test_calc_ut.py", UNITTEST_TESTS)
    other.write("nested/__init__.py", "")
    other.write("nested/check_nested.py", NESTED_UNITTEST)
    started = [Worker(project, pytest_argv("test_calc.py")),
               Worker(other, unittest_argv("test_calc_ut"))]
    try:
        yield [w.wait_serving() for w in started]
    finally:
        for w in started:
            w.stop()


@pytest.fixture(scope="module")
def pytest_worker(workers):
    return workers[0]


@pytest.fixture(scope="module")
def unittest_worker(workers):
    return workers[1]


def verdict(worker, old, new, scope, tests, full=True, file="calc.py", text=CALC, kill=True):
    """Run a mutant that must be put in place; return the Reply."""
    mutated, line = mutate(old, new, text)
    reply = worker.run(file, mutated, scope, line, tests, full=full, kill=kill)
    # The child that runs the tests is the spare that took the connection.
    assert reply.replies[0].get("pid", 0) == reply.spare, reply
    assert reply.replies[1] == {"applied": True}, reply
    assert set(reply.last()) == {"found", "ran", "failed"}, reply
    # Each test that ran was told as it started and ended, in the order run
    # (a shared fixture's set-up within it is told as an end and a start).
    told = []
    for record in reply.replies[2:-1]:
        (kind, number), = record.items()
        if kind == "start" and told[-1:] == [("done", number)]:
            told.pop()
            continue
        told.append((kind, number))
    ran = reply.last()["found"][:reply.last()["ran"]]
    assert told == [(kind, n) for n in ran for kind in ("start", "done")], reply
    return reply


@pytest.mark.parametrize("runner", ["pytest", "unittest"])
def test_fresh_runs(tmp_path, runner):
    """A fresh run imports the project anew and its exit says how its tests went.

    The fresh server is forked before the project is imported: a change to a
    module's top level made after the worker started (as the namespace of a
    mutant there shows the file) is seen by the next fresh run, and not by
    the worker.
    """
    project = Project(tmp_path)
    write_calc(project)
    if runner == "pytest":
        project.write("test_calc.py", PYTEST_TESTS)
        argv, prefix = pytest_argv("test_calc.py"), P
    else:
        project.write("test_calc_ut.py", UNITTEST_TESTS)
        project.write("nested/__init__.py", "")
        project.write("nested/check_nested.py", NESTED_UNITTEST)
        argv, prefix = unittest_argv("test_calc_ut"), U
    worker = Worker(project, argv).wait_serving()
    tests = [prefix + "test_add", prefix + "test_global", prefix + "test_double",
             prefix + "test_missing"]

    def fresh(ran, failed, status):
        reply = worker.fresh(tests)
        assert reply.replies[0] == {"pid": reply.spare}, reply
        assert reply.last() == {"exit": status}, reply
        result = reply.replies[-2]
        assert isinstance(result.pop("seconds"), float), reply
        assert result == {"found": [0, 1, 2], "ran": ran, "failed": failed}, reply
        told = [tuple(r.items())[0] for r in reply.replies[1:-2]]
        assert told == [(kind, n) for n in range(ran) for kind in ("start", "done")], reply
        return reply

    try:
        fresh(3, None, 0)
        # STATE = {"value": 1} at the top of calc.py, which test_global reads.
        project.write("calc.py", CALC.replace('{"value": 1}', '{"value": 10}'))
        killed = fresh(2, prefix + "test_global", 1)
        # The failure's report shows the value the new top level made.
        assert re.search(r"\b10 (==|!=) 1\b", killed.output), killed
        # The worker's own children run what it imported.
        assert verdict(worker, "return a + b", "return a - b", "add",
                       [prefix + "test_global"]).last()["failed"] is None
        project.write("calc.py", CALC)
        fresh(3, None, 0)
    finally:
        worker.stop()


def test_fresh_server_where_the_project_is_not_loaded(tmp_path):
    """A fresh server is forked only where no planned file is imported yet;
    a fresh run's process ended by a signal says so, which is no verdict."""
    project = Project(tmp_path)
    project.write("mod.py", "DIE = False\n")
    project.write("test_mod.py", """
        import os
        import unittest

        import mod

        class Mod(unittest.TestCase):
            def test_die(self):
                if mod.DIE:
                    os.kill(os.getpid(), 9)

        if __name__ == "__main__":
            unittest.main()
        """)
    # Run as a script, the test module imports mod before unittest loads
    # any test: the worker has no fresh server.
    script = Worker(project, [PYTHON, "test_mod.py"])
    try:
        script.wait_serving()
        assert not os.path.exists(script.sock[:-len(".sock")] + ".fresh.sock"), script
    finally:
        script.stop()
    worker = Worker(project, unittest_argv("test_mod"))
    try:
        worker.wait_serving()
        assert worker.fresh(["test_mod.Mod.test_die"]).last() == {"exit": 0}
        project.write("mod.py", "DIE = True  # now\n")
        died = worker.fresh(["test_mod.Mod.test_die"])
        assert died.last() == {"signal": 9}, died
        assert "found" not in died.replies[-2], died
    finally:
        worker.stop()


def test_fresh_runs_keep_the_worker(tmp_path):
    """Fresh runs are the worker's work too: it does not stop as idle while
    they come, and stops once they stop."""
    project = small_project(tmp_path)
    worker = Worker(project, unittest_argv("test_mod"), {"CRMAKE_SERVE_IDLE": "1.5"})
    try:
        worker.wait_serving()
        end = time.monotonic() + 4
        while time.monotonic() < end:
            reply = worker.fresh(["test_mod.Mod.test_one"])
            assert reply.last() == {"exit": 0}, reply
            time.sleep(0.3)
        assert worker.proc.poll() is None, worker
        assert worker.wait_exit(10) == 0, worker
    finally:
        worker.stop()


def not_applied(worker, old, new, scope, tests, full="only"):
    """Run a mutant that must not be put in place; return its error."""
    mutated, line = mutate(old, new)
    reply = worker.run("calc.py", mutated, scope, line, tests, full=full)
    assert len(reply.replies) == 2 and reply.replies[0].get("pid", 0) == reply.spare, reply
    assert reply.last()["applied"] is False, reply
    assert isinstance(reply.last().get("error"), str) and reply.last()["error"], reply
    return reply.last()["error"]


# -- Serving ----------------------------------------------------------------


def test_workers_serve_after_collection(pytest_worker, unittest_worker):
    for worker, count in ((pytest_worker, 15), (unittest_worker, 8)):
        serving = worker.records("serving")
        assert len(serving) == 1, worker
        assert serving[0]["runner"] == worker.runner and serving[0]["tests"] == count, worker
        assert serving[0]["pid"] == worker.proc.pid
        assert worker.records("error") == [], worker
        assert worker.proc.poll() is None


# -- Killed and survived ----------------------------------------------------


@pytest.mark.parametrize("full", [True, "only"], ids=["reduced+full", "full"])
def test_pytest_killed_and_survived(pytest_worker, full):
    killed = verdict(pytest_worker, "return a + b", "return a - b", "add",
                     [P + "test_add"], full=full)
    assert killed.last() == {"found": [0], "ran": 1, "failed": P + "test_add"}, killed
    assert "1 failed" in killed.output and "assert -1 == 5" in killed.output, killed
    survived = verdict(pytest_worker, "return a + b", "return a - b", "add",
                       [P + "test_add_zero", P + "test_double"], full=full)
    assert survived.last() == {"found": [0, 1], "ran": 2, "failed": None}, survived
    assert "2 passed" in survived.output, survived


@pytest.mark.parametrize("full", [True, "only"], ids=["reduced+full", "full"])
def test_unittest_killed_and_survived(unittest_worker, full):
    killed = verdict(unittest_worker, "return a + b", "return a - b", "add",
                     [U + "test_add"], full=full)
    assert killed.last() == {"found": [0], "ran": 1, "failed": U + "test_add"}, killed
    assert "FAILED (failures=1)" in killed.output and "-1 != 5" in killed.output, killed
    survived = verdict(unittest_worker, "return a + b", "return a - b", "add",
                       [U + "test_add_zero", U + "test_greet"], full=full)
    assert survived.last() == {"found": [0, 1], "ran": 2, "failed": None}, survived
    assert "Ran 2 tests" in survived.output and "OK" in survived.output, survived


# -- Kinds of functions -----------------------------------------------------

KINDS = [
    # (old, new, scope, the test that kills it)
    ('return "child+" + super().greet()', 'return "child-" + super().greet()',
     "Child.greet", "test_greet"),
    ('return "base"', 'return "BASE"', "Base.greet", "test_greet"),
    ("return m + n", "return m - n", "outer.inner", "test_inner"),
    # A closure made at import, before the worker served, changes too.
    ("return m + n", "return m - n", "outer.inner", "test_closure"),
    ("return x * 2", "return x * 3", "double", "test_double"),
    # So does the wrapper a decorator made at import.
    ("return func(*args, **kwargs)", "return func(*args, **kwargs) + 1", "logged.wrapper",
     "test_double"),
    ("return x * x", "return x + x", "square", "test_square"),
    # What lru_cache kept from import time goes.
    ("return x * x", "return x + x", "square", "test_square_cached"),
    ("return a * b", "return a + b", "Child.times", "test_times"),
    ("return [cls() for _ in range(n)]", "return [cls() for _ in range(n + 1)]",
     "Child.make", "test_make"),
    ("return self._v + 0", "return self._v + 1", "Box.v", "test_getter"),
    ("self._v = value * 1", "self._v = value * 2", "Box.v", "test_setter"),
]


@pytest.mark.parametrize("full", [False, "only"], ids=["reduced", "full"])
@pytest.mark.parametrize("old,new,scope,test", KINDS, ids=[k[2] + "-" + k[3] for k in KINDS])
def test_pytest_function_kinds(pytest_worker, old, new, scope, test, full):
    reply = verdict(pytest_worker, old, new, scope, [P + test], full=full)
    assert reply.last() == {"found": [0], "ran": 1, "failed": P + test}, reply


def test_property_line_picks_getter_or_setter(pytest_worker):
    for full in (True, "only"):
        reply = verdict(pytest_worker, "self._v = value * 1", "self._v = value * 2", "Box.v",
                        [P + "test_getter", P + "test_setter"], full=full)
        assert reply.last() == {"found": [0, 1], "ran": 2, "failed": P + "test_setter"}, reply
        reply = verdict(pytest_worker, "return self._v + 0", "return self._v + 1", "Box.v",
                        [P + "test_setter", P + "test_getter"], full=full)
        assert reply.last() == {"found": [0, 1], "ran": 2, "failed": P + "test_getter"}, reply


def test_unittest_function_kinds(unittest_worker):
    for old, new, scope, test in [
            ('return "child+" + super().greet()', 'return "child+" + super().greet() + "!"',
             "Child.greet", "test_greet"),
            ("self._v = value * 1", "self._v = value * 2", "Box.v", "test_setter"),
            ("return func(*args, **kwargs)", "return func(*args, **kwargs) + 1",
             "logged.wrapper", "test_double")]:
        reply = verdict(unittest_worker, old, new, scope, [U + test], full=False)
        assert reply.last() == {"found": [0], "ran": 1, "failed": U + test}, reply


# -- What is not patched ----------------------------------------------------


def test_module_never_imported_needs_no_patch(pytest_worker, unittest_worker):
    for worker, prefix in ((pytest_worker, P), (unittest_worker, U)):
        reply = verdict(worker, "return 1", "return 2", "one", [prefix + "test_lazy"],
                        file="lazy.py", text=LAZY)
        # Without the namespace cr-run-one provides, the child sees the original file.
        assert reply.last() == {"found": [0], "ran": 1, "failed": None}, reply


@pytest.mark.parametrize("scope", ["nowhere", "Child.nowhere", "Child", ""])
def test_unknown_or_functionless_scope_is_not_applied(pytest_worker, scope):
    not_applied(pytest_worker, "return a + b", "return a - b", scope, [P + "test_add"])


def test_module_level_mutant_is_not_applied(pytest_worker, unittest_worker):
    for worker, prefix in ((pytest_worker, P), (unittest_worker, U)):
        not_applied(worker, 'STATE = {"value": 1}', 'STATE = {"value": 2}', "",
                    [prefix + "test_global"])
        # The worker goes on serving.
        reply = verdict(worker, "return a + b", "return a - b", "add", [prefix + "test_add"])
        assert reply.last()["failed"] == prefix + "test_add", reply


def test_unparsable_mutant_is_not_applied(pytest_worker):
    error = not_applied(pytest_worker, "return a + b", "return a +", "add", [P + "test_add"])
    assert "SyntaxError" in error


def test_mutant_that_changes_a_live_closure_is_not_applied(pytest_worker):
    # ADD_TEN holds a cell for n; inner's mutated code has no free variable
    # left: the mutant must run cold, not here with the old ADD_TEN.
    assert "free var" in not_applied(pytest_worker, "return m + n", "return m + 0",
                                     "outer.inner", [P + "test_closure"], full=True)
    # Nor can a method lose its __class__ cell.
    assert "free var" in not_applied(pytest_worker, 'return "child+" + super().greet()',
                                     'return "child+"', "Child.greet", [P + "test_greet"])


# -- Selection --------------------------------------------------------------


@pytest.mark.parametrize("runner", ["pytest", "unittest"])
def test_selection_order_and_first_failure(pytest_worker, unittest_worker, runner):
    worker, prefix, other = ((pytest_worker, P, U + "test_add") if runner == "pytest"
                             else (unittest_worker, U, P + "test_add"))
    other_runner = "unittest" if runner == "pytest" else "pytest"
    mutant = ("return a + b", "return a - b", "add")
    first = verdict(worker, *mutant, [prefix + "test_add", prefix + "test_add_zero"])
    assert first.last() == {"found": [0, 1], "ran": 1, "failed": prefix + "test_add"}, first
    last = verdict(worker, *mutant, [prefix + "test_add_zero", prefix + "test_greet",
                                     prefix + "test_add"])
    assert last.last() == {"found": [0, 1, 2], "ran": 3, "failed": prefix + "test_add"}, last
    missing = verdict(worker, *mutant, [prefix + "test_gone", prefix + "test_add_zero",
                                        {"runner": other_runner, "id": other}])
    assert missing.last() == {"found": [1], "ran": 1, "failed": None}, missing
    nothing = verdict(worker, *mutant, [prefix + "test_gone"])
    assert nothing.last() == {"found": [], "ran": 0, "failed": None}, nothing


# -- Isolation and nested runs ----------------------------------------------


def test_children_do_not_share_memory(pytest_worker, unittest_worker):
    for worker, prefix in ((pytest_worker, P), (unittest_worker, U)):
        for _ in range(2):
            reply = verdict(worker, "return a + b", "return a - b", "add",
                            [prefix + "test_global"])
            assert reply.last() == {"found": [0], "ran": 1, "failed": None}, reply
        # Nor does the last child's mutant stay in place for the next one.
        reply = verdict(worker, "return a + b", "return a + b", "add", [prefix + "test_add"])
        assert reply.last() == {"found": [0], "ran": 1, "failed": None}, reply


def alive(pid):
    """Whether pid runs: neither gone nor a zombie (it may be reaped while we look)."""
    try:
        os.kill(pid, 0)
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def test_children_wait_to_be_killed_and_run_side_by_side(pytest_worker):
    first = verdict(pytest_worker, "return a + b", "return a - b", "add", [P + "test_add"],
                    kill=False)
    second = verdict(pytest_worker, "return a + b", "return a * b", "add", [P + "test_add"],
                     kill=False)
    assert first.last()["failed"] == P + "test_add", first
    assert second.last()["failed"] == P + "test_add", second
    time.sleep(0.2)
    assert first.pid != second.pid and alive(first.pid) and alive(second.pid)
    for reply in (first, second):
        os.killpg(reply.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(first.pid) or alive(second.pid):
        assert time.monotonic() < deadline, "the worker did not reap its children"
        time.sleep(0.05)


def close_pipes(pipes):
    """Close both ends of each pipe, those already closed aside."""
    for r, w in pipes:
        for fd in (r, w):
            try:
                os.close(fd)
            except OSError:
                pass


def test_a_child_joins_the_groups_sent_with_its_request(pytest_worker):
    # cr-run-one sends groups when the spare's own are not the run's (other
    # limits): the child writes itself ("0") to each cgroup.procs, here pipes.
    mutated, line = mutate("return a + b", "return a - b")
    source = reduced(mutated, line).encode()
    pipes = [os.pipe(), os.pipe()]
    request = {"op": "run", "protocol": _worker_module().PROTOCOL,
               "file": os.path.realpath(pytest_worker.project.path("calc.py")),
               "source_bytes": len(source), "full_bytes": 0, "scope": "add", "line": line,
               "groups": 2, "tests": [{"runner": "pytest", "id": P + "test_add"}],
               "payload": source}
    try:
        reply = pytest_worker.request(request, fds=[w for _r, w in pipes])
        assert reply.last()["failed"] == P + "test_add", reply
        for r, w in pipes:
            os.close(w)
            assert os.read(r, 16) == b"0", reply
    finally:
        close_pipes(pipes)


def test_child_ends_when_its_connection_closes(pytest_worker):
    # cr-run-one killed mid-run: its end of the connection closes, and the
    # child running the tests, stuck in a loop, goes with it.
    mutated, line = mutate("return a + b", "while True:\n        pass")
    source = reduced(mutated, line).encode()
    request = {"op": "run", "protocol": _worker_module().PROTOCOL,
               "file": os.path.realpath(pytest_worker.project.path("calc.py")),
               "source_bytes": len(source), "full_bytes": 0, "scope": "add", "line": line,
               "tests": [{"runner": "pytest", "id": P + "test_add"}], "payload": source}
    read_end, write_end = os.pipe()
    s = pytest_worker.connect()
    try:
        pytest_worker.greet(s)
        pytest_worker.send(s, request, [write_end])
    finally:
        os.close(write_end)
    pending = b""
    while pending.count(b"\n") < 2:
        chunk = s.recv(4096)
        assert chunk, pending
        pending += chunk
    pid, applied = [json.loads(line) for line in pending.split(b"\n")[:2]]
    assert applied == {"applied": True}, pending
    time.sleep(0.3)
    assert alive(pid["pid"])
    s.close()
    deadline = time.monotonic() + 10
    while alive(pid["pid"]):
        assert time.monotonic() < deadline, "the child outlived its connection"
        time.sleep(0.05)
    os.close(read_end)


def test_nested_runs_are_not_affected(pytest_worker, unittest_worker):
    reply = verdict(pytest_worker, "return a + b", "return a - b", "add",
                    [P + "test_nested_run"])
    assert reply.last() == {"found": [0], "ran": 1, "failed": None}, reply
    reply = verdict(unittest_worker, "return a + b", "return a - b", "add",
                    [U + "test_nested_run"])
    assert reply.last() == {"found": [0], "ran": 1, "failed": None}, reply
    assert "Ran 1 test" in reply.output, reply
    for worker in (pytest_worker, unittest_worker):
        assert len(worker.records("serving")) == 1, worker


# -- Requests that are not runs, and stopping ---------------------------------


def test_bad_requests_are_ignored(pytest_worker):
    for data in (b"", b"not json\n", b"[1]\n", b'{"op": "run", "protocol": 99}\n',
                 b'{"op": "dance"}\n'):
        s = pytest_worker.connect()
        pytest_worker.greet(s)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        assert s.recv(100) == b""
        s.close()
    assert pytest_worker.proc.poll() is None, pytest_worker
    reply = verdict(pytest_worker, "return a + b", "return a - b", "add", [P + "test_add"])
    assert reply.last()["failed"] == P + "test_add"


def test_stop_request_ends_the_worker(workers):
    # Last in this file: the module's workers go.
    for worker in workers:
        s = worker.connect()
        worker.send(s, {"op": "stop"})
        s.close()
    for worker in workers:
        assert worker.wait_exit() == 0, worker
        assert not os.path.exists(worker.sock)


def small_project(path, module=LAZY):
    project = Project(path)
    project.write("mod.py", module)
    project.write("test_mod.py", """
        import unittest

        import mod

        class Mod(unittest.TestCase):
            def test_one(self):
                self.assertEqual(mod.one(), 1)
        """)
    return project


def test_idle_and_orphaned_workers_exit(tmp_path):
    dead = subprocess.Popen([PYTHON, "-c", ""])
    dead.wait()
    idle = Worker(small_project(tmp_path / "idle"), pytest_argv("test_mod.py"),
                  extra={"CRMAKE_SERVE_IDLE": "1"})
    orphan = Worker(small_project(tmp_path / "orphan"), unittest_argv("test_mod"),
                    extra={"CRMAKE_SERVE_OWNER": str(dead.pid)})
    try:
        start = time.monotonic()
        assert idle.wait_exit() == 0, idle
        assert orphan.wait_exit() == 0, orphan
        assert time.monotonic() - start < 30
        for worker in (idle, orphan):
            assert [r["tests"] for r in worker.records("serving")] == [1], worker
            assert not os.path.exists(worker.sock)
    finally:
        idle.stop()
        orphan.stop()


# -- Workers that cannot serve ----------------------------------------------

THREADED = '''
import queue
import threading

_requests = queue.Queue()


def _serve():
    while True:
        value, reply = _requests.get()
        reply.put(value * 2)


threading.Thread(target=_serve, daemon=True).start()


def one():
    reply = queue.Queue()
    _requests.put((0.5, reply))
    return reply.get()
'''


def test_workers_that_cannot_serve(tmp_path):
    threaded = small_project(tmp_path / "threaded", THREADED)
    # Run as usual, the suite passes.
    plain = threaded.unittest("test_mod")
    assert plain.returncode == 0, plain
    failing = small_project(tmp_path / "failing", "def one():\n    return 2\n")
    broken = small_project(tmp_path / "broken")
    broken.write("test_broken.py", "import nowhere\n")
    check = {"CRMAKE_SERVE_CHECK": "2"}
    workers = {
        # A thread made at import is not in the forked child: its tests hang.
        "thread-pytest": Worker(threaded, pytest_argv("test_mod.py"), extra=check),
        "thread-unittest": Worker(threaded, unittest_argv("test_mod"), extra=check),
        "failing": Worker(failing, pytest_argv("test_mod.py")),
        "collection": Worker(broken, pytest_argv(".")),
        "socket": Worker(small_project(tmp_path / "socket"), unittest_argv("test_mod"),
                         extra={"CRMAKE_SERVE": "/nonexistent/dir/w.sock"}),
        "settings": Worker(small_project(tmp_path / "settings"), unittest_argv("test_mod"),
                           extra={"CRMAKE_SERVE_IDLE": "soon"}),
    }
    expected = {
        "thread-pytest": ("ran past 2 s", "2 threads"),
        "thread-unittest": ("ran past 2 s", "2 threads"),
        "failing": ("the unmutated tests fail in a forked child", "(they fail)"),
        "collection": ("could not be collected (1 error)",),
        "socket": ("cannot serve on '/nonexistent/dir/w.sock'", "FileNotFoundError"),
        "settings": ("bad CRMAKE_SERVE_* settings", "soon"),
    }
    try:
        for name, worker in workers.items():
            assert worker.wait_exit() == (2 if name == "collection" else 3), worker
            errors = worker.records("error")
            assert [e["what"] for e in errors] == ["warm"], worker
            for text in expected[name]:
                assert text in errors[0]["message"], worker
            assert worker.records("serving") == [], worker
            assert not os.path.exists(worker.sock)
    finally:
        for worker in workers.values():
            worker.stop()


def _worker_module():
    import importlib
    import sys
    from conftest import HOOKS
    sys.path.insert(0, HOOKS)
    try:
        return importlib.import_module("crmake_worker")
    finally:
        sys.path.remove(HOOKS)


def _reaper(sock, answer, fds):
    """Answer one request for groups on sock as cr-run-one's reaper does."""
    msg, ancdata, _flags, _addr = sock.recvmsg(1, socket.CMSG_SPACE(4))
    assert msg == b"G"
    reply = array.array("i")
    for level, kind, payload in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            reply.frombytes(payload)
    assert len(reply) == 1
    with socket.socket(fileno=reply[0]) as r:
        r.sendmsg([answer], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]
                  if fds else [])


def test_a_spare_joins_the_groups_its_reaper_makes():
    import threading
    worker = _worker_module()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    # Two stand-ins for cgroup.procs: the spare writes "0" (itself) to each.
    pipes = [os.pipe(), os.pipe()]
    try:
        t = threading.Thread(target=_reaper, args=(ours, b"G", [w for _r, w in pipes]))
        t.start()
        assert worker._join_fresh_groups(theirs.fileno()) is True
        t.join()
        for r, w in pipes:
            os.close(w)
            assert os.read(r, 16) == b"0"
        # No groups to be had: the spare stays where it is.
        t = threading.Thread(target=_reaper, args=(ours, b"N", []))
        t.start()
        assert worker._join_fresh_groups(theirs.fileno()) is False
        t.join()
        # A reaper that is gone.
        ours.close()
        assert worker._join_fresh_groups(theirs.fileno()) is False
        # The worker's end is still its own.
        os.fstat(theirs.fileno())
    finally:
        close_pipes(pipes)
        ours.close()
        theirs.close()


def _in_child(check):
    """Whether check() is true in a forked child of this process."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if check() else 1)
        finally:
            os._exit(2)
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) in (0, 1), status
    return os.WEXITSTATUS(status) == 0


def test_the_groups_socket_is_the_reapers_or_none():
    # CRMAKE_SERVE_GROUPS names a descriptor that a wrapper may have closed,
    # and its number another descriptor may have taken since: only a
    # SEQPACKET pair made by an ancestor is the reaper's.
    worker = _worker_module()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stream, other = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        assert _in_child(lambda: worker._reaper_socket(theirs.fileno()))
        assert not _in_child(lambda: worker._reaper_socket(other.fileno()))
        # Made by this process itself, not by one it descends from.
        assert not worker._reaper_socket(theirs.fileno())

        def own_pair():
            a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            return worker._reaper_socket(b.fileno())
        assert not _in_child(own_pair)
        r, w = os.pipe()
        os.close(w)
        assert not _in_child(lambda: worker._reaper_socket(r))
        os.close(r)
        assert not _in_child(lambda: worker._reaper_socket(r))
    finally:
        for s in (ours, theirs, stream, other):
            s.close()

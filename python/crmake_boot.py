"""Arm crmake's hooks in a Python process as the CRMAKE_* environment asks (protocol 1)."""

import os
import sys

import crmake_record


def start():
    """Write the boot record, start coverage and arm the runner hooks asked for."""
    environ = os.environ
    crmake_record.emit({
        "type": "boot",
        "pid": os.getpid(),
        "python": sys.executable,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "cache_tag": sys.implementation.cache_tag,
    })
    directory = environ.get("CRMAKE_COVERAGE")
    if directory:
        _start_coverage(directory, environ.get("CRMAKE_COVERAGE_INCLUDE"))
    runner = environ.get("CRMAKE_RUNNER", "")
    if runner not in ("", "auto", "pytest", "unittest"):
        crmake_record.error("hook", "unknown CRMAKE_RUNNER '%s'" % runner)
        return
    if runner in ("auto", "pytest"):
        _guard(_arm_pytest)
    if runner in ("auto", "unittest"):
        _guard(_arm_unittest)


def _guard(step):
    try:
        step()
    except Exception as exc:
        crmake_record.error("hook", "%s: %s" % (step.__name__.lstrip("_"),
                                                crmake_record.describe(exc)))


_coverage_options = None


def _new_coverage():
    """Start a Coverage with the options of this run; it saves at exit."""
    import coverage
    options = dict(_coverage_options)
    options["context"] = os.environ.get("CRMAKE_CONTEXT") or None
    cov = coverage.Coverage(**options)
    # Every Python process of the run is measured; most of them run none of
    # the included files, and coverage must not say so on their stderr.
    try:
        cov.set_option("run:disable_warnings", [
            "no-data-collected", "module-not-imported", "module-not-measured",
            "no-ctracer",
        ])
    except Exception:
        pass
    cov.start()
    crmake_record.coverage = cov
    return cov


def _start_coverage(directory, include_path):
    global _coverage_options
    try:
        import coverage  # noqa: F401
    except Exception as exc:
        crmake_record.error("coverage", str(exc))
        return
    try:
        include = None
        if include_path:
            paths = crmake_record.read_paths(include_path)
            if not paths:
                return
            import glob
            include = [glob.escape(p) for p in paths]
        _coverage_options = {
            "data_file": os.path.join(directory, ".coverage"),
            "data_suffix": True,
            "config_file": False,
            "branch": False,
            "include": include,
        }
        cov = _new_coverage()
    except Exception as exc:
        crmake_record.error("coverage", crmake_record.describe(exc))
        return
    import atexit
    atexit.register(_save_coverage, cov, os.getpid())
    _shared_imports()
    register = getattr(os, "register_at_fork", None)
    if register is not None:
        register(after_in_child=_coverage_in_child)


def _save_coverage(cov, pid):
    # A forked child runs the exit handlers it inherited: they are not its own.
    if os.getpid() != pid:
        return
    if crmake_record.coverage is cov:
        crmake_record.coverage = None
    try:
        cov.stop()
        cov.save()
    except Exception as exc:
        crmake_record.error("coverage", crmake_record.describe(exc))


def _coverage_in_child():
    """Measure a forked child (a multiprocessing worker) with a data file of its own."""
    _forget_term_watch()
    old = crmake_record.coverage
    if old is None:
        return
    try:
        old.stop()
        cov = _new_coverage()
    except Exception as exc:
        crmake_record.error("coverage", "fork: " + crmake_record.describe(exc))
        return
    import atexit
    atexit.register(_save_coverage, cov, os.getpid())
    # multiprocessing's forked workers leave through os._exit, past the exit
    # handlers: save when the worker's work is done.
    process = sys.modules.get("multiprocessing.process")
    base = getattr(process, "BaseProcess", None)
    bootstrap = getattr(base, "_bootstrap", None)
    if bootstrap is None or getattr(bootstrap, "_crmake", False):
        return

    def _bootstrap(self, *args, **kwargs):
        # A pool ends its workers with SIGTERM: save first, once, then go.
        import signal
        import threading

        handled = threading.Event()

        def on_term(signum, frame):
            handled.set()
            signal.signal(signum, signal.SIG_IGN)
            _save_coverage(cov, os.getpid())
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

        try:
            signal.signal(signal.SIGTERM, on_term)
            _watch_term(on_term, handled)
        except Exception:
            pass
        try:
            return bootstrap(self, *args, **kwargs)
        finally:
            try:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            except Exception:
                pass
            _save_coverage(cov, os.getpid())

    _bootstrap._crmake = True
    base._bootstrap = _bootstrap


_term_pipe = None


def _watch_term(handler, handled):
    """See that a SIGTERM reaches handler, even in a blocking call.

    A signal that comes just as the main thread enters a blocking call (a
    pool worker waiting for its next task, as the pool ends it) is noted but
    not handled until the call returns, which may be never. The signal module
    also writes each signal's number to a pipe: a thread reads it and sends
    SIGTERM again to the main thread, whose blocking call that interrupts,
    until handler has run (or is no longer the one for SIGTERM).
    """
    global _term_pipe
    import signal
    import threading
    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        old = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    except Exception:
        old = None
    if old != -1:
        # Someone else's (an event loop's): leave it theirs.
        if old is not None:
            signal.set_wakeup_fd(old)
        os.close(r)
        os.close(w)
        return
    _term_pipe = (r, w)
    main = threading.main_thread().ident
    term = int(signal.SIGTERM)

    def watch():
        while True:
            try:
                data = os.read(r, 64)
            except OSError:
                return
            if not data:
                return
            if term not in data:
                continue
            while not handled.wait(0.05):
                if signal.getsignal(signal.SIGTERM) is not handler:
                    break
                signal.pthread_kill(main, signal.SIGTERM)
            if handled.is_set():
                return

    threading.Thread(target=watch, name="crmake-sigterm", daemon=True).start()


def _forget_term_watch():
    """In a forked child: the signal pipe and its reader are the parent's."""
    global _term_pipe
    if _term_pipe is None:
        return
    r, w = _term_pipe
    _term_pipe = None
    import signal
    try:
        old = signal.set_wakeup_fd(-1)
        if old != w:
            signal.set_wakeup_fd(old)
    except Exception:
        pass
    os.close(r)
    os.close(w)


def _shared_imports():
    """Run every module's import in the shared coverage context."""
    if not any(isinstance(f, _SharedImports) for f in sys.meta_path):
        sys.meta_path.insert(0, _SharedImports())


class _SharedImports:
    """Attribute what a module runs when it is imported to no test.

    A module first imported inside a test runs its module-level code there
    (and whatever functions that code calls), but what it leaves behind is
    seen by every test that comes after: it is the shared context's.
    """

    def find_spec(self, fullname, path=None, target=None):
        return _find_wrapped(self, fullname, path, target, _SharedLoader)


def _find_wrapped(finder, fullname, path, target, wrapper):
    """Find fullname with the other finders, its loader wrapped in wrapper."""
    for other in sys.meta_path:
        if other is finder:
            continue
        find_spec = getattr(other, "find_spec", None)
        if find_spec is None:
            continue
        spec = find_spec(fullname, path, target)
        if spec is not None:
            if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                spec.loader = wrapper(spec.loader)
            return spec
    return None


class _WrappedLoader:
    """The loader found for a module, with something done around its execution (run)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module):
        # The module sees the real loader, as if this one was never there.
        spec = getattr(module, "__spec__", None)
        if spec is not None and spec.loader is self:
            spec.loader = self._loader
        module.__loader__ = self._loader
        return self.run(module)

    def run(self, module):
        return self._loader.exec_module(module)


class _SharedLoader(_WrappedLoader):
    """Execute a module in the shared context."""

    def run(self, module):
        before = crmake_record.context()
        if not before:
            return self._loader.exec_module(module)
        crmake_record.switch_context("")
        try:
            return self._loader.exec_module(module)
        finally:
            crmake_record.switch_context(before)


def _arm_pytest():
    value = os.environ.get("PYTEST_PLUGINS", "")
    if "crmake_pytest" in [name.strip() for name in value.split(",")]:
        return
    os.environ["PYTEST_PLUGINS"] = value + ",crmake_pytest" if value else "crmake_pytest"


def _arm_unittest():
    module = sys.modules.get("unittest.main")
    if module is not None:
        _install_unittest(module)
    else:
        sys.meta_path.insert(0, _UnittestFinder())


def _install_unittest(module):
    try:
        import crmake_unittest
        crmake_unittest.install(module)
    except Exception as exc:
        crmake_record.error("hook", "unittest: " + crmake_record.describe(exc))


class _UnittestFinder:
    """Patch unittest.main right after it is imported, then step aside.

    unittest/__init__ imports unittest.main eagerly, so this sees every use of
    unittest without importing it in processes that never do.
    """

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "unittest.main":
            return None
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        return _find_wrapped(self, fullname, path, target, _PatchingLoader)


class _PatchingLoader(_WrappedLoader):
    """Load a module, then install the unittest hook."""

    def run(self, module):
        self._loader.exec_module(module)
        _install_unittest(module)

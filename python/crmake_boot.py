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


def _start_coverage(directory, include_path):
    try:
        import coverage
    except Exception as exc:
        crmake_record.error("coverage", str(exc))
        return
    try:
        include = None
        if include_path:
            with open(include_path, "rb") as f:
                paths = [p for p in f.read().decode("utf-8").split("\n") if p]
            if not paths:
                return
            import glob
            include = [glob.escape(p) for p in paths]
        cov = coverage.Coverage(
            data_file=os.path.join(directory, ".coverage"),
            data_suffix=True,
            config_file=False,
            branch=False,
            include=include,
            context=os.environ.get("CRMAKE_CONTEXT") or None,
        )
        # Every Python process of the run is measured; most of them run none
        # of the included files, and coverage must not say so on their stderr.
        try:
            cov.set_option("run:disable_warnings", [
                "no-data-collected", "module-not-imported", "module-not-measured",
                "no-ctracer",
            ])
        except Exception:
            pass
        cov.start()
    except Exception as exc:
        crmake_record.error("coverage", crmake_record.describe(exc))
        return
    crmake_record.coverage = cov
    import atexit
    atexit.register(_save_coverage, cov)


def _save_coverage(cov):
    crmake_record.coverage = None
    try:
        cov.stop()
        cov.save()
    except Exception as exc:
        crmake_record.error("coverage", crmake_record.describe(exc))


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
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


class _PatchingLoader:
    """Load a module with the loader found for it, then install the unittest hook."""

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
        self._loader.exec_module(module)
        _install_unittest(module)

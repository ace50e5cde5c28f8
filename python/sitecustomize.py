"""Run the sitecustomize this one shadows, then boot crmake's hooks if CRMAKE_PROTOCOL asks."""

import os
import sys


def _find_shadowed():
    """Return the spec of the next sitecustomize on sys.path after this file's directory."""
    try:
        from _frozen_importlib_external import PathFinder
    except ImportError:
        from importlib.machinery import PathFinder
    mine = os.path.realpath(__file__)
    here = os.path.dirname(mine)
    entries = [(entry, os.path.realpath(entry or os.curdir))
               for entry in sys.path if isinstance(entry, str)]
    start = 0
    for i, (entry, real) in enumerate(entries):
        if real == here:
            start = i + 1
            break
    for entry, real in entries[start:]:
        if real == here:
            continue
        spec = PathFinder.find_spec("sitecustomize", [entry])
        if spec is None or spec.loader is None:
            continue
        if spec.origin and os.path.realpath(spec.origin) == mine:
            continue
        return spec
    return None


def _run_shadowed():
    spec = None
    try:
        spec = _find_shadowed()
        if spec is None:
            return
        try:
            from _frozen_importlib import module_from_spec
        except ImportError:
            from importlib.util import module_from_spec
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
    except Exception as exc:
        if sys.flags.verbose:
            sys.excepthook(*sys.exc_info())
        else:
            where = getattr(spec, "origin", None) or "sitecustomize"
            sys.stderr.write("Error in sitecustomize %s; set PYTHONVERBOSE for "
                             "traceback: %s: %s\n" % (where, type(exc).__name__, exc))


def _boot():
    try:
        import crmake_boot
        crmake_boot.start()
    except Exception as exc:
        try:
            import crmake_record
            crmake_record.error("hook", "boot: " + crmake_record.describe(exc))
        except Exception:
            pass


_run_shadowed()
if os.environ.get("CRMAKE_PROTOCOL") == "1":
    _boot()

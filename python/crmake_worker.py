"""crmake's warm worker: a claimed test session, kept after collection, forking one child per mutant.

The test command runs as usual up to the point where its tests are collected;
then, instead of running them, the process serves requests on a Unix socket.
For each request it forks a child, which joins the mount namespace that
cr-run-one prepared (the mutated file in place, writes private to the child),
puts the mutated function's code in place, runs the selected tests fastest
first up to the first failure and reports on the connection. cr-run-one
owns the time limits, kills the child and writes the result; the worker never
runs a test itself.

Protocol 1, one JSON object per line on the connection. Request, with the
output pipe's write end and, optionally, a mount namespace as SCM_RIGHTS:
  {"op": "run", "protocol": 1, "file": real path, "source": path of the
   mutated text reduced to the function, "full": path of the whole mutated
   text (optional), "scope": "Class.method", "line": N, "tests": [{"runner",
   "id"}...]}
  {"op": "stop"}
Child replies: {"pid": N}, then {"applied": true} or {"applied": false,
"error": "..."}, then {"found": [...], "ran": N, "failed": id or null,
"seconds": the time the tests took}.
"""

import os
import select
import socket
import sys
import time

import crmake_record

PROTOCOL = 1

CLONE_NEWNS = 0x00020000
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CO_NEWLOCALS = 0x0002

_libc = None


def _c():
    """Return libc through ctypes (loaded once, by the worker before it forks)."""
    global _libc
    if _libc is None:
        import ctypes
        # The process's own symbols hold libc's; find_library would run ldconfig.
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(ret, what):
    if ret != 0:
        import ctypes
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


# -- Code objects -----------------------------------------------------------


def _qualpath(qualname):
    """Return a function's __qualname__ as crmake names scopes: Outer.inner."""
    return ".".join(p for p in qualname.split(".") if p != "<locals>")


def _is_lru_wrapper(obj):
    return type(obj).__name__ == "_lru_cache_wrapper" and hasattr(obj, "cache_clear")


def index_functions(files):
    """Map the real paths of files to their live functions: {real: {id(code): (code, [func])}}.

    The caches of functools.lru_cache wrappers around them are listed under
    the key None, to be emptied when a function they wrap changes.
    """
    import gc
    import types
    wanted = set(files)
    reals = {}
    index = {None: []}

    def real_of(code):
        name = code.co_filename
        real = reals.get(name)
        if real is None:
            real = reals[name] = "" if name.startswith("<") else os.path.realpath(name)
        return real

    for obj in gc.get_objects():
        if type(obj) is not types.FunctionType:
            if _is_lru_wrapper(obj):
                wrapped = getattr(obj, "__wrapped__", None)
                if type(wrapped) is types.FunctionType and \
                        real_of(wrapped.__code__) in wanted:
                    index[None].append(obj)
            continue
        code = obj.__code__
        real = real_of(code)
        if real not in wanted:
            continue
        entry = index.setdefault(real, {}).setdefault(id(code), (code, []))
        entry[1].append(obj)
    return index


def _code_children(code):
    import types
    return [c for c in code.co_consts if isinstance(c, types.CodeType)]


def _last_line(code):
    last = code.co_firstlineno
    lines = getattr(code, "co_lines", None)
    if lines is not None:
        for _start, _end, line in lines():
            if line is not None and line > last:
                last = line
    else:
        import dis
        for _offset, line in dis.findlinestarts(code):
            if line > last:
                last = line
    for child in _code_children(code):
        last = max(last, _last_line(child))
    return last


def find_function_code(module_code, scope, line):
    """Return (path, code) of the outermost function of scope holding line.

    scope is the plan's enclosing definition ("Class.method", "outer.inner");
    path is the dotted path to that function. Returns (None, None) when scope
    holds no function (module- or class-level code).
    """
    code = module_code
    path = []
    for name in scope.split(".") if scope else []:
        candidates = [c for c in _code_children(code) if c.co_name == name]
        if not candidates:
            return None, None
        # Redefinitions (a property's getter and setter): the one holding
        # line, else the last one starting before it.
        candidates.sort(key=lambda c: c.co_firstlineno)
        chosen = None
        for c in candidates:
            if c.co_firstlineno <= line:
                chosen = c
                if line <= _last_line(c):
                    break
        if chosen is None:
            chosen = candidates[0]
        path.append(name)
        code = chosen
        if code.co_flags & CO_NEWLOCALS:
            return ".".join(path), code
    return None, None


def loaded_files():
    """Return the real paths of the files the loaded modules come from."""
    files = set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            files.add(os.path.realpath(name))
    return files


def _qualname(code, funcs):
    qual = getattr(code, "co_qualname", None)
    if qual is None:
        qual = getattr(funcs[0], "__qualname__", code.co_name)
    return _qualpath(qual)


def _live_codes(codes, qual, new):
    """Return the live code objects that new replaces: same name, holding its first line.

    new's first line is its def line when compiled from the reduced text (the
    decorators are left out) and its first decorator's otherwise, as for the
    live code; a wrapper made by functools.wraps carries the name it wraps
    but not its code's name, and is no candidate.
    """
    name = qual.rsplit(".", 1)[-1]
    first = new.co_firstlineno
    found = []
    for code, funcs in codes.values():
        if code.co_name == name and code.co_firstlineno <= first <= _last_line(code):
            found.append((_qualname(code, funcs) == qual, code.co_firstlineno, code))
    if not found:
        return []
    best = max(found, key=lambda f: (f[0], f[1] == first, f[1]))
    # The same file loaded twice (under two module names): both copies.
    return [code for same, line, code in found if (same, line) == best[:2]]


def _pair_codes(old, new, pairs, unmatched):
    """Map old's nested code objects to new's, by name and order."""
    pairs[id(old)] = new
    olds = {}
    news = {}
    for c in _code_children(old):
        olds.setdefault(c.co_name, []).append(c)
    for c in _code_children(new):
        news.setdefault(c.co_name, []).append(c)
    for name, children in olds.items():
        others = news.get(name, [])
        if len(others) != len(children):
            unmatched.update(id(c) for c in children)
            continue
        for o, n in zip(children, others):
            _pair_codes(o, n, pairs, unmatched)


def _compile_function(path, filename, scope, line):
    """Compile the mutated text at path; return (qual, code) of scope's function at line."""
    with open(path, "rb") as f:
        source = f.read()
    module_code = compile(source, filename, "exec", dont_inherit=True)
    qual, new = find_function_code(module_code, scope, line)
    if new is None:
        raise ValueError("no function holds line %d of scope '%s'" % (line, scope))
    return qual, new


def apply_mutant(index, loaded, real, source_paths, scope, line):
    """Put the mutated function's code in place; return how many functions got it.

    A module not loaded yet needs nothing: the child sees the mutated file, and
    imports it when a test does. source_paths are the mutated text reduced to
    the function, then the whole text, tried in that order. Functions made
    from the function's nested definitions (closures, decorators' wrappers)
    change with it.
    """
    codes = index.get(real, {})
    if real not in loaded and not codes:
        return 0
    filename = real
    for code, _funcs in codes.values():
        filename = code.co_filename
        break
    error = None
    for path in source_paths:
        try:
            qual, new = _compile_function(path, filename, scope, line)
        except (SyntaxError, ValueError) as exc:
            error = error or exc
            continue
        olds = _live_codes(codes, qual, new)
        if olds:
            break
        error = ValueError("function '%s' is not loaded" % qual)
    else:
        raise error
    pairs = {}
    unmatched = set()
    for old in olds:
        _pair_codes(old, new, pairs, unmatched)
    changed = []
    for key, (code, funcs) in codes.items():
        if key in unmatched:
            raise ValueError("the nested functions of '%s' differ in the mutant" % qual)
        replacement = pairs.get(key)
        if replacement is not None:
            changed.append((funcs, replacement))
    swapped = set()
    for funcs, replacement in changed:
        for func in funcs:
            func.__code__ = replacement
            swapped.add(id(func))
    # What a cache kept was computed by the code that is gone.
    for wrapper in index.get(None, ()):
        if id(getattr(wrapper, "__wrapped__", None)) in swapped:
            wrapper.cache_clear()
    return len(swapped)


# -- The child --------------------------------------------------------------


def _subreaper():
    try:
        _c().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception:
        pass


def _join_namespace(fd):
    """Enter the mount namespace fd and see the tree through it."""
    cwd = os.getcwd()
    _check(_c().setns(fd, CLONE_NEWNS), "setns")
    os.chdir(cwd)
    if os.getuid() != 0:
        # The worker may hold capabilities for this step only; the tests run
        # with none, as they do on the cold path.
        _drop_capabilities()


def _drop_capabilities():
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc = _c()
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = Header(0x20080522, 0)
    data = (Data * 2)()
    _check(libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def _flush():
    """Write out what the streams hold (the test report) before anyone reads or forks."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass


class _Reply:
    def __init__(self, conn):
        self.conn = conn

    def send(self, record):
        data = (crmake_record.dumps(record) + "\n").encode("ascii")
        self.conn.sendall(data)


def _watch(conn):
    """End the child if cr-run-one goes away before it has killed it."""
    import threading

    def watch():
        try:
            conn.recv(1)
        except Exception:
            pass
        os._exit(1)

    thread = threading.Thread(target=watch, name="crmake-watch")
    thread.daemon = True
    thread.start()


def _child(conn, request, fds, index, loaded, adapter):
    """Run one mutant's tests; never returns."""
    status = 0
    try:
        os.setpgid(0, 0)
        _subreaper()
        crmake_record.silence()
        reply = _Reply(conn)
        out = fds[0] if fds else None
        _close_all(fds[2:])
        if len(fds) > 1:
            _join_namespace(fds[1])
            os.close(fds[1])
        if out is not None:
            adapter.redirect(out)
            os.close(out)
        reply.send({"pid": os.getpid()})
        _watch(conn)
        try:
            sources = [request["source"]]
            if request.get("full"):
                sources.append(request["full"])
            apply_mutant(index, loaded, request["file"], sources,
                         request.get("scope", ""), int(request.get("line", 0)))
        except Exception as exc:
            reply.send({"applied": False, "error": crmake_record.describe(exc)})
            raise SystemExit(3)
        reply.send({"applied": True})
        entries = [(i, t["id"]) for i, t in enumerate(request.get("tests", []))
                   if isinstance(t, dict) and t.get("runner") == adapter.runner
                   and isinstance(t.get("id"), str)]
        start = time.perf_counter()
        run = adapter.run_selection(entries)
        seconds = time.perf_counter() - start
        # cr-run-one ends this process and everything below it when it has
        # read the reply: the report must be out before it, then wait for
        # the end, or for cr-run-one to go away.
        _flush()
        reply.send({"found": run.found, "ran": run.ran, "failed": run.failed,
                    "seconds": seconds})
        conn.recv(1)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        status = 1
    os._exit(status)


# -- The server -------------------------------------------------------------


def _recv_request(conn):
    """Read one request line and the descriptors sent with it."""
    import array
    fds = array.array("i")
    data = b""
    deadline = time.monotonic() + 10
    conn.settimeout(10)
    while b"\n" not in data:
        msg, ancdata, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(4 * fds.itemsize))
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
        if not msg:
            break
        data += msg
        if time.monotonic() > deadline:
            break
    conn.settimeout(None)
    line = data.split(b"\n", 1)[0]
    import json
    return json.loads(line.decode("utf-8")) if line else None, list(fds)


def _close_all(fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _owner_alive(pid):
    if not pid:
        return True
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except OSError:
        return True


def _self_check(adapter, limit):
    """Run every test, unmutated, in a forked child; return None if they pass, else why not."""
    parent = os.getpid()
    _flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            # Its own group, so that what its tests start ends with it; and
            # it ends with the worker.
            os.setpgid(0, 0)
            try:
                _c().prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
            except Exception:
                pass
            if os.getppid() != parent:
                os._exit(1)
            crmake_record.silence()
            tests = adapter.tests()
            run = adapter.run_selection([(i, adapter.key(t)) for i, t in enumerate(tests)])
            status = 0 if run.failed is None else 1
        except BaseException:
            status = 1
        _flush()
        os._exit(status)
    deadline = time.monotonic() + limit
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, 9)
                except OSError:
                    pass
            os.waitpid(pid, 0)
            return "they ran past %g s" % limit
        time.sleep(0.02)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return None
    return "they fail"


def _threads():
    try:
        import threading
        return threading.active_count()
    except Exception:
        return 1


def _settings():
    """Take the CRMAKE_SERVE_* settings out of the environment the tests see."""
    environ = os.environ
    values = {}
    for name in ("CRMAKE_SERVE", "CRMAKE_SERVE_IDLE", "CRMAKE_SERVE_OWNER",
                 "CRMAKE_SERVE_FILES", "CRMAKE_SERVE_CHECK"):
        values[name] = environ.pop(name, None) or None
    idle = float(values["CRMAKE_SERVE_IDLE"] or 60)
    owner = int(values["CRMAKE_SERVE_OWNER"] or 0)
    check = float(values["CRMAKE_SERVE_CHECK"] or 600)
    files = []
    listing = values["CRMAKE_SERVE_FILES"]
    if listing:
        with open(listing, "rb") as f:
            files = [p for p in f.read().decode("utf-8").split("\n") if p]
    return idle, owner, check, files


def _listen(path):
    """Return a socket listening at path, put there in one step, and its inode."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temp = "%s.%d" % (path, os.getpid())
    try:
        os.unlink(temp)
    except OSError:
        pass
    try:
        server.bind(temp)
        server.listen(64)
        os.rename(temp, path)
        return server, os.stat(path).st_ino
    except BaseException:
        server.close()
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def serve(adapter, path):
    """Serve the socket at path until idle or told to stop; never returns."""
    try:
        idle, owner, check, files = _settings()
    except Exception as exc:
        crmake_record.error("warm", "bad CRMAKE_SERVE_* settings: " +
                            crmake_record.describe(exc))
        os._exit(3)
    try:
        _c()
    except Exception:
        pass
    # A suite that is not safe to fork (a thread, an event loop or a socket
    # made at import) shows it here, once, rather than in every mutant.
    why = _self_check(adapter, check)
    if why is not None:
        threads = _threads()
        crmake_record.error("warm", "the unmutated tests fail in a forked child "
                            "of the warm worker (%s%s)" % (why, ", %d threads running "
                            "after collection" % threads if threads > 1 else ""))
        os._exit(3)
    try:
        index = index_functions(files)
        loaded = loaded_files()
        server, mine = _listen(path)
    except Exception as exc:
        crmake_record.error("warm", "cannot serve on '%s': %s"
                            % (path, crmake_record.describe(exc)))
        os._exit(3)
    # Objects made so far are never collected in a child: a collection would
    # touch every one of them and copy the worker's memory page by page.
    try:
        import gc
        gc.collect()
        gc.freeze()
    except AttributeError:
        pass
    crmake_record.emit({"type": "serving", "pid": os.getpid(),
                        "runner": adapter.runner, "tests": len(adapter.tests())})
    # poll, not select: a session may hold more than FD_SETSIZE descriptors.
    poller = select.poll()
    poller.register(server, select.POLLIN)
    last = time.monotonic()
    children = 0
    while True:
        while children:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children = 0
                break
            if pid == 0:
                break
            children -= 1
        now = time.monotonic()
        if now - last > idle or (not _owner_alive(owner) and now - last > 2):
            break
        if not poller.poll(1000):
            continue
        try:
            conn, _addr = server.accept()
        except OSError:
            continue
        last = time.monotonic()
        fds = []
        try:
            request, fds = _recv_request(conn)
        except Exception as exc:
            crmake_record.error("hook", "worker: " + crmake_record.describe(exc))
            request = None
        if not isinstance(request, dict) or request.get("op") not in ("run", "stop") \
                or request.get("protocol", PROTOCOL) != PROTOCOL:
            _close_all(fds)
            conn.close()
            continue
        if request["op"] == "stop":
            _close_all(fds)
            conn.close()
            break
        _flush()
        try:
            pid = os.fork()
        except OSError as exc:
            crmake_record.error("hook", "worker: fork: " + crmake_record.describe(exc))
            pid = -1
        if pid == 0:
            server.close()
            _child(conn, request, fds, index, loaded, adapter)
        if pid > 0:
            children += 1
        _close_all(fds)
        conn.close()
    # The socket may have been replaced by a new worker's: leave that one,
    # and its files. Ours (KEY.sock, KEY.pid, ...) are of no use any more.
    try:
        if os.stat(path).st_ino == mine:
            os.unlink(path)
            if path.endswith(".sock"):
                for suffix in (".pid", ".files", ".rec", ".log"):
                    try:
                        os.unlink(path[:-5] + suffix)
                    except OSError:
                        pass
    except OSError:
        pass
    os._exit(0)

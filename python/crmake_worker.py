"""crmake's warm worker: a claimed test session, kept after collection, forking one child per mutant.

The test command runs as usual up to the point where its tests are collected;
then, instead of running them, the process serves requests on a Unix socket.
It keeps a child forked in advance (a spare), which takes the next request
while the worker forks the one after it. The child joins the mount namespace
that cr-run-one prepared (the mutated file in place, writes private to the child),
puts the mutated function's code in place, runs the selected tests fastest
first up to the first failure and reports on the connection. cr-run-one
owns the time limits, kills the child and writes the result; the worker never
runs a test itself.

Protocol 5, one JSON object per line on the connection. The spare that
takes a connection says first who it is: {"spare": its PID}; cr-run-one
then judges the control groups it is in (see _join_fresh_groups). Request,
with the output pipe's write end, the mount namespace if "namespace" is
true, and "groups" control groups' cgroup.procs as SCM_RIGHTS, in that
order (sent only where cr-run-one did not take the spare's own groups;
the child moves into them):
  {"op": "run", "protocol": 5, "file": real path, "source": the mutated
   text reduced to the function, "full": the whole mutated text (optional),
   "scope": "Class.method", "line": N, "namespace": bool, "groups": N,
   "as": the address-space limit in bytes or 0,
   "tests": [{"runner", "id"}...]}
  {"op": "stop"}
Child replies: {"pid": N} once it is in its groups, then {"applied": true}
or {"applied": false, "error": "..."}, then {"start": n} and {"done": n}
around each selected test (n its place in "tests"), then {"found": [...],
"ran": N, "failed": id or null, "seconds": the time the tests took}.

The fresh server (see fresh_point) serves KEY.fresh.sock with the same
greeting and request; its texts and "file", "scope" and "line" are unused
(the namespace holds the mutated file). The spare that takes it replies
{"pid": N}, its run's process then {"start": n} and {"done": n} around each
selected test and {"found": [...], "ran": N, "failed": id or null,
"seconds": ...} if it got as far as its tests, and the spare, once that
process has ended, {"exit": status} or {"signal": number}.
"""

import os
import select
import socket
import sys
import time

import crmake_record

PROTOCOL = 5

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


def _compile_function(source, filename, scope, line):
    """Compile the mutated text source; return (qual, code) of scope's function at line."""
    module_code = compile(source, filename, "exec", dont_inherit=True)
    qual, new = find_function_code(module_code, scope, line)
    if new is None:
        raise ValueError("no function holds line %d of scope '%s'" % (line, scope))
    return qual, new


def apply_mutant(index, loaded, real, sources, scope, line):
    """Put the mutated function's code in place; return how many functions got it.

    A module not loaded yet needs nothing: the child sees the mutated file, and
    imports it when a test does. sources are the mutated text reduced to the
    function, then the whole text, tried in that order. Functions made
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
    for source in sources:
        try:
            qual, new = _compile_function(source, filename, scope, line)
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


def _join_fresh_groups(fd):
    """Move this spare into fresh control groups; whether it is in them.

    fd is the socket of the reaper that started the worker (cr-run-one's
    C code), CRMAKE_SERVE_GROUPS. The spare sends it one end of a new socket
    pair; the reaper makes the groups with the run's limits and sends their
    cgroup.procs back ("G"), or says it has none ("N"). The move costs the
    kernel a grace period, which is paid here, while the spare waits, and
    not by the request. Anything amiss leaves the spare where it was: it
    then joins the groups that come with the request, as it does when
    cr-run-one finds these not to be the run's.
    """
    import array
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    fds = array.array("i")
    try:
        with socket.socket(fileno=os.dup(fd)) as reaper:
            reaper.sendmsg([b"G"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                     array.array("i", [theirs.fileno()]))])
        theirs.close()
        mine.settimeout(5)
        msg, ancdata, _flags, _addr = mine.recvmsg(1, socket.CMSG_SPACE(8 * fds.itemsize))
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
        if msg != b"G" or not fds:
            return False
        for group in fds:
            os.write(group, b"0")
        return True
    except OSError:
        return False
    finally:
        _close_all(fds)
        theirs.close()
        mine.close()


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


def _watch(conn, group=False):
    """End the child if cr-run-one goes away before it has killed it.

    The connection signals the child (with group, its whole process group)
    when it becomes readable: cr-run-one sends nothing after the request,
    so that means it closed its end. The signal is SIGKILL, which no test
    can catch or ignore.
    """
    import fcntl
    fd = conn.fileno()
    fcntl.fcntl(fd, fcntl.F_SETOWN, -os.getpgid(0) if group else os.getpid())
    fcntl.fcntl(fd, fcntl.F_SETSIG, 9)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
    # Gone already, before there was anyone to tell.
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    if poller.poll(0):
        os._exit(1)


def _enter(request, fds):
    """Take the run's place: its groups, its memory limit, its namespace.

    fds are the descriptors sent with request: the output pipe's write
    end, then the namespace and the groups that it says. Return the output
    descriptor, or None.
    """
    out = fds[0] if fds else None
    rest = fds[1:]
    mntns = rest.pop(0) if request.get("namespace") and rest else None
    ngroups = request.get("groups", 0)
    groups = rest[:ngroups] if isinstance(ngroups, int) and ngroups > 0 else []
    _close_all(rest[len(groups):])
    # Into the run's control groups, if it sent any, before anything
    # can fork.
    for fd in groups:
        os.write(fd, b"0")
        os.close(fd)
    limit = request.get("as", 0)
    if isinstance(limit, int) and limit > 0:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if mntns is not None:
        _join_namespace(mntns)
        os.close(mntns)
    return out


def _child(conn, request, fds, index, loaded, adapter):
    """Run one mutant's tests; never returns.

    The process is a spare made ready by _spare: its own process group, a
    subreaper, writing no records.
    """
    status = 0
    try:
        reply = _Reply(conn)
        out = _enter(request, fds)
        if out is not None:
            adapter.redirect(out)
            os.close(out)
        _watch(conn)
        reply.send({"pid": os.getpid()})
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
        run = adapter.run_selection(entries, lambda kind, n: reply.send({kind: n}))
        seconds = time.perf_counter() - start
        # The report is out, and this process's hold on the output pipe
        # let go, before the verdict: cr-run-one reads the output to its end
        # once it has the verdict, and need not wait for this process's exit.
        _flush()
        _release_output(adapter)
        reply.send({"found": run.found, "ran": run.ran, "failed": run.failed,
                    "seconds": seconds})
        # cr-run-one ends this process and everything below it when it has
        # read the verdict; wait for that, or for cr-run-one to go away.
        conn.recv(1)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        status = 1
    os._exit(status)


def _release_output(adapter):
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        adapter.redirect(null)
    except Exception:
        pass
    os.close(null)


def _spare(server, notify, parent, index, loaded, adapter, groups):
    """Wait, ready made, for the next request, then serve it; never returns.

    The worker keeps one spare forked in advance, so that a request does not
    wait for a fork. The spare tells the worker with one byte on notify when
    it takes a request ("R", then it is that request's child; "S" to stop),
    and the worker forks the next one.
    """
    try:
        os.setpgid(0, 0)
        libc = _c()
        libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(0)
        _subreaper()
    except Exception:
        os._exit(1)
    if groups is not None:
        _join_fresh_groups(groups)
        _close_all([groups])
    conn, request, fds = _take_request(server, notify)
    crmake_record.silence()
    _child(conn, request, fds, index, loaded, adapter)


def _take_request(server, notify):
    """Wait for a run request and take it: return (connection, request, descriptors).

    A spare says who it is to whoever connects, reads the request, and
    tells the process that forked it on notify ("R"; on a stop request "S",
    and it ends). From then on it is cr-run-one's to end.
    """
    greeting = (crmake_record.dumps({"spare": os.getpid()}) + "\n").encode("ascii")
    while True:
        try:
            conn, _addr = server.accept()
        except OSError:
            continue
        fds = []
        try:
            conn.sendall(greeting)
        except OSError:
            # One that only had something to say (a stop) may be gone.
            pass
        try:
            request, fds = _recv_request(conn)
        except Exception as exc:
            crmake_record.error("hook", "worker: " + crmake_record.describe(exc))
            request = None
        if isinstance(request, dict) and request.get("op") in ("run", "stop") \
                and request.get("protocol", PROTOCOL) == PROTOCOL:
            break
        _close_all(fds)
        conn.close()
    if request["op"] == "stop":
        os.write(notify, b"S")
        os._exit(0)
    # From here on the child is cr-run-one's to end, whatever becomes of the
    # worker.
    try:
        _c().prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0)
    except Exception:
        pass
    try:
        os.write(notify, b"R")
    except OSError:
        pass
    os.close(notify)
    server.close()
    return conn, request, fds


# -- The server -------------------------------------------------------------


def _recv_request(conn):
    """Read one request and the descriptors sent with it.

    A run request's line is followed by the texts it names: source_bytes
    bytes of the reduced text, then full_bytes of the whole one; they are
    put in the request as "source" and "full" (bytes).
    """
    import array
    import json
    fds = array.array("i")
    data = b""
    deadline = time.monotonic() + 10
    conn.settimeout(10)

    def more():
        msg, ancdata, _flags, _addr = conn.recvmsg(1 << 16, socket.CMSG_SPACE(4 * fds.itemsize))
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
        if time.monotonic() > deadline:
            raise TimeoutError("a request that took more than 10 s to arrive")
        return msg

    try:
        while b"\n" not in data:
            msg = more()
            if not msg:
                break
            data += msg
        line, _nl, rest = data.partition(b"\n")
        request = json.loads(line.decode("utf-8")) if line else None
        if isinstance(request, dict) and request.get("op") == "run":
            sizes = [request.get("source_bytes", 0), request.get("full_bytes", 0)]
            if not all(isinstance(n, int) and 0 <= n for n in sizes):
                raise ValueError("bad text sizes in a request")
            while len(rest) < sum(sizes):
                msg = more()
                if not msg:
                    raise ValueError("a request cut short")
                rest += msg
            request["source"] = rest[:sizes[0]]
            request["full"] = rest[sizes[0]:sizes[0] + sizes[1]]
    except BaseException:
        _close_all(fds)
        raise
    conn.settimeout(None)
    return request, list(fds)


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
                 "CRMAKE_SERVE_FILES", "CRMAKE_SERVE_CHECK", "CRMAKE_SERVE_GROUPS"):
        values[name] = environ.pop(name, None) or None
    idle = float(values["CRMAKE_SERVE_IDLE"] or 60)
    owner = int(values["CRMAKE_SERVE_OWNER"] or 0)
    check = float(values["CRMAKE_SERVE_CHECK"] or 600)
    files = []
    listing = values["CRMAKE_SERVE_FILES"]
    if listing:
        files = crmake_record.read_paths(listing)
    groups = None
    if values["CRMAKE_SERVE_GROUPS"]:
        groups = int(values["CRMAKE_SERVE_GROUPS"])
        if not _reaper_socket(groups):
            groups = None
        else:
            # Not for the tests' own processes.
            os.set_inheritable(groups, False)
    return idle, owner, check, files, groups


def _reaper_socket(fd):
    """Whether fd is still the reaper's end of the groups socket.

    A command that closed it (a wrapper that closes what it does not know)
    may have left the number to another descriptor; such a worker goes
    without groups made in advance, no more. The reaper's socket is a
    SEQPACKET pair made by a process this one descends from.
    """
    import struct
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_SEQPACKET:
                return False
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                    struct.calcsize("3i"))
        maker = struct.unpack("3i", creds)[0]
    except (OSError, ValueError):
        return False
    pid = os.getppid()
    for _ in range(16):
        if pid == maker:
            return True
        if pid <= 1:
            return False
        try:
            with open("/proc/%d/stat" % pid, "rb") as f:
                pid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


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


def _fork_spare(server, parent, index, loaded, adapter, running, groups):
    """Fork the next spare; return (pid, notify read end), or None.

    running holds the worker's descriptors of its other children, which the
    spare does not keep.
    """
    try:
        rfd, wfd = os.pipe()
    except OSError as exc:
        crmake_record.error("hook", "worker: pipe: " + crmake_record.describe(exc))
        return None
    _flush()
    try:
        pid = os.fork()
    except OSError as exc:
        crmake_record.error("hook", "worker: fork: " + crmake_record.describe(exc))
        os.close(rfd)
        os.close(wfd)
        return None
    if pid == 0:
        _close_all([rfd] + list(running))
        _spare(server, wfd, parent, index, loaded, adapter, groups)
    os.close(wfd)
    os.set_blocking(rfd, False)
    return pid, rfd


def _track(running, pid):
    """Watch a child that took a request, to know when it ends."""
    try:
        running[os.pidfd_open(pid)] = pid
    except (AttributeError, OSError):
        # Without a descriptor the worker looks again within a second.
        pass


def _reaped():
    """Reap the children that have ended; yield their PIDs."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid


def _notified(fd):
    """What a spare said on its notify pipe: "R", "S", "" (nothing, it ended) or None (not yet)."""
    try:
        data = os.read(fd, 1)
    except BlockingIOError:
        return None
    except OSError:
        return ""
    return data.decode("ascii", "replace")


def _remove_lock(path):
    """Remove the lock file at path unless a process holds it (one starting a worker)."""
    import fcntl
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


def serve(adapter, path):
    """Serve the socket at path until idle or told to stop; never returns."""
    try:
        idle, owner, check, files, groups = _settings()
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
        # What every child needs is made or imported here, once, not in each.
        prepare = getattr(adapter, "prepare", None)
        if prepare is not None:
            prepare()
        import array  # noqa: F401
        import fcntl  # noqa: F401
        import json  # noqa: F401
        import resource  # noqa: F401
        index = index_functions(files)
        loaded = loaded_files()
        # The fresh server's socket is there before this one: a run that
        # finds the worker finds it too.
        _fresh_listening()
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
    parent = os.getpid()
    spare = None            # (pid, read end of its notify pipe)
    running = {}            # pidfd: pid of a child serving a request
    fresh = _fresh_taken    # the fresh server's word of each run it takes ("R") and ends ("E")
    fresh_runs = 0          # fresh runs under way
    last = time.monotonic()
    stop = False
    while not stop:
        for pid in _reaped():
            if spare is not None and pid == spare[0]:
                # It may have taken a request, and ended, before we looked.
                said = _notified(spare[1])
                stop = said == "S"
                os.close(spare[1])
                spare = None
                if said not in ("R", "S"):
                    # It failed before it could serve: the next one waits
                    # a little, so that a spare that cannot start is not
                    # forked again and again.
                    time.sleep(0.1)
            for fd in [fd for fd, p in running.items() if p == pid]:
                os.close(fd)
                del running[fd]
                last = time.monotonic()
        now = time.monotonic()
        # Idle: no request for a while, and none of its runs under way.
        if stop or (now - last > idle and not running and fresh_runs <= 0) or \
                (not _owner_alive(owner) and now - last > 2):
            break
        # The next spare is made as soon as one is taken, so that it is
        # ready, in its groups, before the next request comes: the move into
        # them can keep the kernel a grace period (milliseconds), and a
        # request that waited for it would leave a processor idle.
        if spare is None:
            spare = _fork_spare(server, parent, index, loaded, adapter, running, groups)
            if spare is None:
                time.sleep(1)
                continue
        poller = select.poll()
        poller.register(spare[1], select.POLLIN)
        for fd in running:
            poller.register(fd, select.POLLIN)
        if groups is not None:
            # Nothing is asked of it: what comes is a hang-up (or an error),
            # the reaper is gone.
            poller.register(groups, 0)
        if fresh is not None:
            poller.register(fresh, select.POLLIN)
        events = poller.poll(1000)
        for fd, _event in events:
            if fd == fresh:
                # A fresh run keeps the worker from being idle, as its own do.
                try:
                    said = os.read(fresh, 512)
                except OSError:
                    said = b""
                if said:
                    last = time.monotonic()
                    fresh_runs += said.count(b"R") - said.count(b"E")
                else:
                    os.close(fresh)
                    fresh = None
                    fresh_runs = 0
            elif fd == groups:
                # The reaper that made the spares' groups, and that holds
                # this worker's tree, is gone (killed): the worker ends too,
                # and the next run starts one that has both.
                stop = True
            elif spare is not None and fd == spare[1]:
                what = _notified(fd)
                if what is None:
                    continue
                if what == "R":
                    last = time.monotonic()
                    _track(running, spare[0])
                elif what == "S":
                    stop = True
                os.close(fd)
                spare = None
    if spare is not None:
        try:
            os.kill(spare[0], 9)
            os.waitpid(spare[0], 0)
        except OSError:
            pass
        os.close(spare[1])
    # The socket may have been replaced by a new worker's: leave that one,
    # and its files. Ours (KEY.sock, KEY.pid, ...) are of no use any more.
    try:
        if os.stat(path).st_ino == mine:
            os.unlink(path)
            if path.endswith(".sock"):
                for suffix in (".pid", ".files", ".rec", ".log", ".fresh.sock"):
                    try:
                        os.unlink(path[:-5] + suffix)
                    except OSError:
                        pass
                _remove_lock(path[:-5] + ".lock")
    except OSError:
        pass
    os._exit(0)


# -- Fresh runs -------------------------------------------------------------

_fresh_forked = False
_fresh_taken = None     # in the worker: where the fresh server tells of each run it takes


def fresh_point():
    """Fork the fresh server here, if this process is a worker still to import the project.

    The runner hooks call this where the test command has loaded its test
    framework but none of the project's code: unittest before it loads the
    tests, pytest before its first conftest.py. The worker goes on to
    collect. The fresh server keeps this state and serves the mutants that
    no function's code can carry: code run when the project is imported
    (module and class bodies). Its child takes the run's namespace, where
    the mutated file is in place, and goes on from here as the test command
    would: it imports the project anew and runs the selected tests, which
    say how they went on the connection, and the child's exit status is
    the verdict, as a cold run's is. If a planned file is imported already,
    there is no fresh server, and those mutants run cold.
    """
    global _fresh_forked, _fresh_taken
    path = os.environ.get("CRMAKE_SERVE")
    if _fresh_forked or not path or not path.endswith(".sock") or crmake_record.claimed():
        return
    _fresh_forked = True
    try:
        listing = os.environ.get("CRMAKE_SERVE_FILES")
        planned = set(crmake_record.read_paths(listing)) if listing else set()
        # A thread would not be in the fork; nor can anything say that what
        # was loaded so far survives one, as the worker's self-check says
        # of the collected tests: where one runs, no fresh server.
        if not planned or planned & loaded_files() or _threads() > 1:
            return
        _c()
        _flush()
        worker = os.getpid()
        taken, tell = os.pipe()
        pid = os.fork()
    except Exception as exc:
        crmake_record.error("hook", "fresh server: " + crmake_record.describe(exc))
        return
    if pid != 0:
        os.close(tell)
        _fresh_taken = taken
        return
    # Nothing here may go back into the test command but the run's own
    # process, which _fresh_run returns in.
    try:
        os.close(taken)
        os.set_blocking(tell, False)
        conn, request, fds = _fresh_serve(path[:-len(".sock")] + ".fresh.sock",
                                          worker, tell)
        _fresh_run(conn, request, fds)
    except BaseException as exc:
        try:
            crmake_record.error("hook", "fresh server: " + crmake_record.describe(exc))
        finally:
            os._exit(1)


def _fresh_listening(limit=10):
    """Wait until the fresh server listens (it says "L"), or is gone."""
    global _fresh_taken
    if _fresh_taken is None:
        return
    poller = select.poll()
    poller.register(_fresh_taken, select.POLLIN)
    if not poller.poll(limit * 1000):
        return
    try:
        said = os.read(_fresh_taken, 1)
    except OSError:
        said = b""
    if said != b"L":
        os.close(_fresh_taken)
        _fresh_taken = None


def _fresh_serve(path, worker, tell):
    """Serve fresh runs at path, with a spare forked in advance, while the worker lives.

    Each run taken is told to the worker on tell. Returns only in a spare
    that took a request: (connection, request, descriptors).
    """
    _c().prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    if os.getppid() != worker:
        os._exit(0)
    reaper = os.environ.get("CRMAKE_SERVE_GROUPS")
    for name in [n for n in os.environ if n.startswith("CRMAKE_SERVE")]:
        del os.environ[name]
    # The groups are the worker's spares' business: its runs, like cold
    # ones, do not hold the reaper's socket.
    try:
        if reaper and _reaper_socket(int(reaper)):
            os.close(int(reaper))
    except (ValueError, OSError):
        pass
    try:
        server, _inode = _listen(path)
    except OSError:
        # The worker cannot serve there either, and says so.
        os._exit(0)
    _tell(tell, b"L")
    me = os.getpid()
    spare = None            # (pid, read end of its notify pipe)
    taken = set()           # spares that took a run, until they end
    while True:
        for pid in _reaped():
            if spare is not None and pid == spare[0]:
                said = _notified(spare[1])
                os.close(spare[1])
                spare = None
                if said == "S":
                    os._exit(0)
                if said == "R":
                    # Taken, and done, before it was seen taken.
                    _tell(tell, b"RE")
                else:
                    time.sleep(0.1)
            elif pid in taken:
                taken.discard(pid)
                _tell(tell, b"E")
        if spare is None:
            rfd, wfd = os.pipe()
            _flush()
            pid = os.fork()
            if pid == 0:
                os.close(rfd)
                os.close(tell)
                return _fresh_spare(server, wfd, me)
            os.close(wfd)
            os.set_blocking(rfd, False)
            spare = (pid, rfd)
        poller = select.poll()
        poller.register(spare[1], select.POLLIN)
        if not poller.poll(1000):
            continue
        said = _notified(spare[1])
        if said is None:
            continue
        os.close(spare[1])
        if said == "S":
            os._exit(0)
        if said == "R":
            taken.add(spare[0])
            _tell(tell, b"R")
        else:
            time.sleep(0.1)
        spare = None


def _tell(fd, what):
    try:
        os.write(fd, what)
    except OSError:
        pass


def _fresh_spare(server, notify, parent):
    try:
        os.setpgid(0, 0)
        _c().prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(0)
        _subreaper()
    except Exception:
        os._exit(1)
    return _take_request(server, notify)


def _fresh_run(conn, request, fds):
    """Run one fresh run: returns in the run's process, which goes on into the test command.

    This process stays in the run's groups and namespace to wait for it,
    and says how it ended: {"exit": status} or {"signal": number}.
    """
    reply = _Reply(conn)
    try:
        out = _enter(request, fds)
    except Exception as exc:
        reply.send({"pid": os.getpid()})
        reply.send({"applied": False, "error": crmake_record.describe(exc)})
        os._exit(3)
    _watch(conn, group=True)
    reply.send({"pid": os.getpid()})
    tests = [(i, t["runner"], t["id"]) for i, t in enumerate(request.get("tests", []))
             if isinstance(t, dict) and isinstance(t.get("runner"), str)
             and isinstance(t.get("id"), str)]
    _flush()
    pid = os.fork()
    if pid == 0:
        try:
            if out is not None:
                os.dup2(out, 1)
                os.dup2(out, 2)
                os.close(out)
            crmake_record.silence()
            crmake_record.preset(tests, lambda kind, n: reply.send({kind: n}), reply.send)
        except BaseException:
            # Not the tests' doing: no exit status, which would be a verdict.
            os.kill(os.getpid(), 9)
        return
    if out is not None:
        os.close(out)
    _pid, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status):
        reply.send({"exit": os.WEXITSTATUS(status)})
    else:
        reply.send({"signal": os.WTERMSIG(status)})
    # cr-run-one ends this process when it has read that.
    conn.recv(1)
    os._exit(0)

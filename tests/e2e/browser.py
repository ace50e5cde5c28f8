"""Headless Chromium driven over the DevTools protocol on a pipe, for the end-to-end tests.

Chromium is started with --remote-debugging-pipe: it reads commands on its
descriptor 3 and writes replies and events on its descriptor 4, each a JSON
object ended by a NUL byte. No network, no extra package.
"""

import json
import os
import select
import subprocess
import time


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, executable, profile, timeout=60):
        self.timeout = timeout
        self.events = []
        self._next = 0
        self._buf = b""
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def descriptors():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        # The flags a closed machine needs: no sandbox as root, no GPU, and
        # none of the background connections that would be refused.
        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-extensions",
             "--user-data-dir=" + profile, "--remote-debugging-pipe",
             "--window-size=1280,1000", "about:blank"],
            preexec_fn=descriptors, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "..", "chromium.log"), "wb"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("no answer from Chromium in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            data = os.read(self._from_chrome, 1 << 20)
            if not data:
                raise BrowserError("Chromium closed the pipe (exit status %s)" % self.proc.poll())
            self._buf += data
        message, self._buf = self._buf.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        """Send a command; return its result, keeping the events met meanwhile."""
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise BrowserError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, timeout=None):
        """Return the first event named method, waiting for it if need be."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read(deadline))

    def open(self, url):
        """Open url in a new page; return the page's session ID once it has loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        self.send("Network.enable", session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired")
        return session

    def evaluate(self, session, expression):
        """The value of a JavaScript expression in the page (awaited if a promise)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=session)
        if "exceptionDetails" in result:
            raise BrowserError("%s: %s" % (expression[:60], result["exceptionDetails"]))
        return result["result"].get("value")

    def until(self, session, expression, timeout=30):
        """Wait until a JavaScript expression is true in the page; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(session, expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError("never true: " + expression[:200])
            time.sleep(0.1)

    def requests(self):
        """The URLs the pages asked for, from the network events met so far."""
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

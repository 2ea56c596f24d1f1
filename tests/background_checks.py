"""Slow, self-contained checks started in the background once pytest has collected the tests that read them.

A few checks are one long subprocess run (or a fixed sequence of them) whose result some tests then only
read: the whole-tree ansible-lint, the AWX configuration playbook's runs against the AWX API double, the
ansible-test integration targets.  Run inside their tests they keep one of CI's two cores idle for
minutes while pytest waits.  Declared as a `BackgroundCheck` and read with `.result()` in the test, such a
check starts as soon as pytest has collected a test marked `@uses(CHECK)` (tests/unit/conftest.py), in ONE
background thread (the checks one after the other: with pytest's own tests that makes two busy cores,
not more), and the tests that read it run at the end of the session, when it is most likely done.

Nothing is skipped or loosened: a test that reads a check waits for it and asserts on its full output as
before; a check that no collected test reads never starts; a check not started in the background (a
test run in a way that bypasses the hook) runs in the test itself when it asks for the result.  A check's
exception is raised again in every test that reads it.  A check's subprocesses run through `run`, so
that a session that ends early (-x, Ctrl-C) stops them instead of leaving them running, and with the
environment as it was when the lane started (`environ()`): a test running meanwhile cannot change it.
"""
import os
import signal
import subprocess
import threading

_CLAIM_LOCK = threading.Lock()


class BackgroundCheck:
    """`function()` computed once, in the background lane or on first `result()`, whichever comes first."""

    def __init__(self, name, function):
        self.name = name
        self.function = function
        self._done = threading.Event()
        self._claimed = False
        self._value = None
        self._error = None

    def _claim(self):
        with _CLAIM_LOCK:
            if self._claimed:
                return False
            self._claimed = True
            return True

    def _compute(self):
        try:
            self._value = self.function()
        except BaseException as error:  # noqa: B036 - handed to the test that reads the check
            self._error = error
        finally:
            self._done.set()

    def result(self, timeout=3600):
        """The check's return value (waiting for the background run), or its exception raised again."""
        if self._claim():
            self._compute()
        if not self._done.wait(timeout):
            raise TimeoutError("background check %r not done after %d s" % (self.name, timeout))
        if self._error is not None:
            raise self._error
        return self._value


def uses(*checks):
    """Marks a test function as reading these checks (the hook starts them and runs the test late)."""
    def mark(test):
        test.background_checks = tuple(getattr(test, "background_checks", ())) + checks
        return test
    return mark


def checks_of(item):
    return tuple(getattr(getattr(item, "function", None), "background_checks", ()))


class Lane:
    """One background thread for the checks, the subprocesses they run and the environment they run in."""

    def __init__(self):
        self.processes = set()
        self.stopping = threading.Event()
        self.start_environ = {}

    def environ(self):
        """A copy of the environment for a check's subprocesses: as it was when the lane started."""
        return dict(self.start_environ or os.environ)

    def start(self, checks):
        """Runs `checks` (in this order, each at most once) in one daemon thread."""
        self.start_environ.update(os.environ)

        def lane():
            for check in checks:
                if self.stopping.is_set():
                    return
                if check._claim():
                    check._compute()
        thread = threading.Thread(target=lane, name="background-checks", daemon=True)
        thread.start()
        return thread

    def run(self, args, timeout=None, **kwargs):
        """subprocess.run(args, capture_output=True, text=True, check=False) that `stop()` can end."""
        if self.stopping.is_set():
            raise RuntimeError("the session is over: %s not started" % (args[0],))
        kwargs.setdefault("env", self.environ())
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, **kwargs)
        self.processes.add(proc)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        finally:
            self.processes.discard(proc)
        return subprocess.CompletedProcess(args, proc.returncode, out, err)

    def stop(self):
        """At the end of the session: ends what the lane still runs (its process groups), starts nothing more."""
        self.stopping.set()
        for proc in list(self.processes):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass


# the session's lane (tests/unit/conftest.py starts and stops it)
SESSION = Lane()
environ, start, run, stop = SESSION.environ, SESSION.start, SESSION.run, SESSION.stop

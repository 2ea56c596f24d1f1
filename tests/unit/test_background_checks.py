"""tests/background_checks.py: a check is computed once, its result or exception reaches every reader,
it runs where it is read when nothing started it, the environment it runs in is the one of the lane's
start, `stop()` ends what it still runs, and the hook runs its readers last."""
import sys
import threading
import time

import pytest

from tests.background_checks import BackgroundCheck, Lane, uses
from conftest import pytest_collection_modifyitems


def test_computed_once_in_the_lane_and_read_by_every_reader():
    calls = []
    gate = threading.Event()

    def slow():
        gate.wait(5)
        calls.append(threading.current_thread().name)
        return {"value": len(calls)}

    check = BackgroundCheck("slow", slow)
    lane = Lane().start([check])
    gate.set()
    assert check.result(timeout=10) == {"value": 1}
    assert check.result(timeout=10) == {"value": 1}
    lane.join(5)
    assert calls == ["background-checks"]


def test_runs_in_the_reader_when_nothing_started_it():
    check = BackgroundCheck("inline", lambda: threading.current_thread().name)
    assert check.result() == threading.current_thread().name


def test_the_exception_reaches_every_reader():
    def broken():
        raise AssertionError("lint found 3 failures")

    check = BackgroundCheck("broken", broken)
    Lane().start([check]).join(5)
    for _reader in range(2):
        with pytest.raises(AssertionError, match="lint found 3 failures"):
            check.result(timeout=5)


def test_a_reader_waits_no_longer_than_its_timeout():
    gate = threading.Event()
    check = BackgroundCheck("stuck", lambda: gate.wait(10))
    Lane().start([check])
    with pytest.raises(TimeoutError, match="stuck"):
        check.result(timeout=0.2)
    gate.set()


def test_run_captures_like_subprocess_run_with_the_environment_of_the_lane_start(monkeypatch):
    lane = Lane()
    monkeypatch.setenv("METROSTOR_BACKGROUND_PROBE", "at the start")
    lane.start([])
    monkeypatch.setenv("METROSTOR_BACKGROUND_PROBE", "changed by a test meanwhile")
    proc = lane.run([sys.executable, "-c", "import os, sys; print(os.environ['METROSTOR_BACKGROUND_PROBE']);"
                                  " sys.stderr.write('err'); sys.exit(3)"], timeout=30)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "at the start\n", "err")


def test_stop_ends_a_running_subprocess_and_starts_no_more():
    lane = Lane()
    started = time.monotonic()
    check = BackgroundCheck("sleeper", lambda: lane.run(["sleep", "60"], timeout=120))
    lane.start([check])
    for _ in range(100):
        if lane.processes:
            break
        time.sleep(0.05)
    lane.stop()
    proc = check.result(timeout=30)
    assert proc.returncode != 0 and time.monotonic() - started < 30
    with pytest.raises(RuntimeError, match="session is over"):
        lane.run(["true"])


def test_the_readers_run_last_in_their_order():
    check = BackgroundCheck("c", lambda: 42)

    def test_plain():
        pass

    def test_reads():
        pass

    class Item:
        def __init__(self, name, function):
            self.name, self.function = name, function

    items = [Item("reads_first", uses(check)(lambda: None)), Item("plain", test_plain),
             Item("reads_second", uses(check)(test_reads)), Item("plain_too", test_plain), Item("no_function", None)]
    pytest_collection_modifyitems(None, None, items)
    assert [item.name for item in items] == ["plain", "plain_too", "no_function", "reads_first", "reads_second"]

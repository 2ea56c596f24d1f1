"""The day-2 scenario: each test module runs one operation under write load (lab/day2_operations.py)
and asserts on its outcome; outcomes are kept in .lab/day2/outcomes.json (bench/day2_operations.py
--last prints them)."""
import json
import os
import signal
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "lab"))

import day2_operations  # noqa: E402

# molecule/day2_ci keeps its figures apart (METROSTOR_DAY2_OUTCOMES=outcomes-ci.json): the full scenario's stay
OUTCOMES = os.path.join(ROOT, ".lab", "day2", os.environ.get("METROSTOR_DAY2_OUTCOMES") or "outcomes.json")
# molecule/day2_ci sets it: the operations that have a trimmed form run it (lab/day2_operations.heketi_failover)
TRIMMED = os.environ.get("METROSTOR_DAY2_TRIMMED") == "1"


def _interrupted(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "day2_ci: in the CI stage of this scenario (molecule/day2_ci, run by tests/lab.sh): three refusals, "
                   "the brick disk replaced, the node replaced, the scale-out (each under load), the trimmed Heketi failover")


# `timeout` (or anything else) stopping a run with SIGTERM: raised as an interruption, so that the
# operations' clean-up still runs (a cut site healed, Heketi moved home, the scale-out's hosts taken out)
signal.signal(signal.SIGTERM, _interrupted)
# what this session measured, printed at its end (pytest_terminal_summary), also when a test failed
KEPT_THIS_SESSION = {}
FIGURES = ("rc", "second_rc", "changed", "second_changed", "unreachable", "playbook_seconds",
           "seconds_to_full_redundancy", "stall_seconds", "acknowledged", "lost", "write_errors", "heal_pending",
           "data_bricks_identical")


def keep(name, outcome):
    KEPT_THIS_SESSION[name] = outcome
    os.makedirs(os.path.dirname(OUTCOMES), exist_ok=True)
    try:
        with open(OUTCOMES) as handle:
            kept = json.load(handle)
    except (IOError, ValueError):
        kept = {}
    kept[name] = outcome
    with open(OUTCOMES, "w") as handle:
        json.dump(kept, handle, indent=2, sort_keys=True)
    return outcome


@pytest.fixture(scope="session")
def ops():
    return day2_operations


@pytest.fixture(scope="session")
def keep_outcome():
    return keep


def assert_nothing_lost(outcome):
    """The common assertions: no acknowledged write lost, nothing pending heal, identical data bricks."""
    assert outcome["acknowledged"] > 50, outcome
    assert outcome["lost"] == 0, outcome
    assert outcome["heal_pending"] == 0, outcome
    assert outcome["data_bricks_identical"], outcome


@pytest.fixture(scope="session")
def nothing_lost():
    return assert_nothing_lost


def pytest_terminal_summary(terminalreporter):
    """The figures each operation of this session measured (the whole outcome is in OUTCOMES)."""
    if not KEPT_THIS_SESSION:
        return
    terminalreporter.section("day-2 figures measured by this run (all of it: %s)" % OUTCOMES)
    for name, outcome in KEPT_THIS_SESSION.items():
        figures = ", ".join("%s=%s" % (k, outcome[k]) for k in FIGURES if k in outcome)
        terminalreporter.write_line("%s (%s): %s" % (name, outcome.get("operation", name), figures))
        extra = dict((k, v) for k, v in outcome.items() if k not in FIGURES and k not in ("operation", "data_brick_sums"))
        terminalreporter.write_line("    " + json.dumps(extra, sort_keys=True, default=str)[:3000])

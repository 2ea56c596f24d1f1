"""Fixtures: a running Heketi server, real or emulated, and a module runner.

``heketi`` runs every test that uses it twice: against the REAL Heketi
server (tests/real_heketi.py: upstream v10, mock executor, a fresh DB, JWT
on, the role's settings) and against the emulation (tests/heketi_emulator,
a test double).  Where the real server cannot run here, its half is SKIPPED
with the reason.  A test that only the emulation can run (injected faults,
clocks, brick eviction, clone) says so with ``@emulation_only`` and a
docstring line "emulation only: <why>".
"""
import importlib

import pytest
from ansible.module_utils import basic
from tests.unit.module_args import patch_module_args

from tests import real_heketi
from tests.heketi_backend import HeketiUnderTest
from tests.heketi_emulator import HeketiEmulator

ADMIN_KEY = "adminsecret"


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    raise ModuleExit(kwargs, failed=False)


def _fail_json(self, msg, **kwargs):
    kwargs["msg"] = msg
    kwargs["failed"] = True
    raise ModuleExit(kwargs, failed=True)


BACKENDS = ["real", "emulation"]

# Restricts a test to the emulation; the test's docstring says why.
emulation_only = pytest.mark.parametrize("heketi", ["emulation"], indirect=True)


def start_server(kind, glusterfs=None):
    """A fresh server of ``kind`` with the role's heketi.json settings, ``glusterfs`` overriding some."""
    settings = dict(real_heketi.role_settings(), **(glusterfs or {}))
    if kind == "real":
        reason = real_heketi.available()
        if reason:
            pytest.skip("real Heketi: %s" % reason)
        server = real_heketi.RealHeketi(admin_key=ADMIN_KEY, user_key="usersecret", glusterfs=settings)
    else:
        server = HeketiEmulator(admin_key=ADMIN_KEY, user_key="usersecret", pending_polls=1, glusterfs=settings)
    server.start()
    return server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (the fixture prints the real server's log on failure)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


@pytest.fixture(params=BACKENDS)
def heketi(request):
    """The server under test; a test marked ``@pytest.mark.heketi_settings({...})`` gets those
    heketi.json ``glusterfs`` settings over the role's."""
    marker = request.node.get_closest_marker("heketi_settings")
    server = start_server(request.param, marker.args[0] if marker else None)
    yield HeketiUnderTest(server)
    report = getattr(request.node, "rep_call", None)
    if request.param == "real" and report is not None and report.failed:
        print("real Heketi log (tail):\n" + server.server_log()[-4000:])
    server.stop()


@pytest.fixture
def run_module(heketi, monkeypatch):
    """run_module("heketi_node", {...}, check=False, diff=True) -> result dict.

    Runs the real module code in-process against the emulation, exactly as
    AnsibleModule would (argument spec, check mode, diff mode, no_log).
    """
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)
    monkeypatch.setattr("time.sleep", lambda s: None)

    def run(name, args, check=False, diff=True, expect_fail=False, connection=True):
        mod = importlib.import_module("ansible_collections.metrostor.gluster.plugins.modules." + name)
        full = dict(args)
        if connection:
            full.setdefault("heketi_url", heketi.url)
            full.setdefault("heketi_key", ADMIN_KEY)
            full.setdefault("poll_interval", 0.001)
        full["_ansible_check_mode"] = check
        full["_ansible_diff"] = diff
        with patch_module_args(full):
            with pytest.raises(ModuleExit) as info:
                mod.main()
        result = info.value.result
        if expect_fail:
            assert info.value.failed, "expected a failure, got %r" % (result,)
        else:
            assert not info.value.failed, "module failed: %s" % result.get("msg")
        return result

    return run

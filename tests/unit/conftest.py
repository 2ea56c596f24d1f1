"""Fixtures: a running Heketi emulation (TEST DOUBLE) and a module runner."""
import importlib

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

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


@pytest.fixture
def heketi():
    emu = HeketiEmulator(admin_key=ADMIN_KEY, user_key="usersecret", pending_polls=1)
    emu.start()
    yield emu
    emu.stop()


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

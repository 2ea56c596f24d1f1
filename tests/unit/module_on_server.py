"""Run a module in-process against a given Heketi server (real or emulated), as AnsibleModule would.

For tests that need their own server (a real one they crash and restart, say)
rather than conftest's ``heketi`` fixture.
"""
import importlib

import pytest
from ansible.module_utils import basic
from tests.unit.module_args import patch_module_args


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super().__init__(result.get("msg"))
        self.result = result
        self.failed = failed


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    kwargs.setdefault("warnings", [])
    raise ModuleExit(kwargs, failed=False)


def _fail_json(self, msg, **kwargs):
    kwargs["msg"] = msg
    kwargs["failed"] = True
    raise ModuleExit(kwargs, failed=True)


def module_runner(monkeypatch, server):
    """run(name, args, check=False, diff=True, expect_fail=False) -> result (``warnings`` included)."""
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, text: warnings.append(text))

    def run(name, args, check=False, diff=True, expect_fail=False):
        mod = importlib.import_module("ansible_collections.metrostor.gluster.plugins.modules." + name)
        full = dict(args)
        full.setdefault("heketi_url", server.url)
        full.setdefault("heketi_key", server.admin_key)
        full.setdefault("poll_interval", 0.01)
        full["_ansible_check_mode"] = check
        full["_ansible_diff"] = diff
        del warnings[:]
        with patch_module_args(full):
            with pytest.raises(ModuleExit) as info:
                mod.main()
        result = dict(info.value.result, warnings=list(warnings))
        if expect_fail:
            assert info.value.failed, "expected a failure, got %r" % (result,)
        else:
            assert not info.value.failed, "module failed: %s" % result.get("msg")
        return result

    return run

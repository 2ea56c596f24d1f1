"""Set a module's arguments for an in-process run, on every ansible-core in requires_ansible.

ansible-core 2.19 has ``ansible.module_utils.testing.patch_module_args``; the
older ones (2.15-2.18) read the arguments from ``basic._ANSIBLE_ARGS`` (the JSON
that ansible sends a module), which is what this falls back to there.
"""
import contextlib
import json

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

__all__ = ["patch_module_args"]

try:
    from ansible.module_utils.testing import patch_module_args  # ansible-core >= 2.19
except ImportError:  # ansible-core < 2.19
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

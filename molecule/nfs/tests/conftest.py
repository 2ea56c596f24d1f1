"""The lab verification helpers of molecule/default (run_playbook, playbook, ansible_host_for), shared."""
import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
    "metrostor_lab_verify", os.path.join(os.path.dirname(__file__), "..", "..", "default", "tests", "conftest.py"))
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)

ROOT = _shared.ROOT
run_playbook = _shared.run_playbook
playbook = _shared.playbook
ansible_host_for = _shared.ansible_host_for

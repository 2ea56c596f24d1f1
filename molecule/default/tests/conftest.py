"""Helpers for the lab verification tests (run by molecule's testinfra verifier)."""
import os
import re
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def run_playbook(*args, playbook="playbooks/site.yml"):
    """Run ansible-playbook on the lab from the checkout; returns (rc, output, recap)."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORCE_COLOR="0")
    env.pop("ANSIBLE_INVENTORY", None)
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), playbook] + list(args),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    out = proc.stdout + proc.stderr
    recap = {m.group(1): {"changed": int(m.group(2)), "failed": int(m.group(3))}
             for m in re.finditer(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", out, re.M)}
    return proc.returncode, out, recap


@pytest.fixture(scope="session")
def playbook():
    return run_playbook


@pytest.fixture(scope="session")
def ansible_host_for():
    import testinfra

    def get(name):
        return testinfra.get_host("ansible://%s?ansible_inventory=%s" % (
            name, os.path.join(ROOT, "inventories", "lab", "hosts.yml")))
    return get

"""ansible-playbook runs of every heketi module against the REAL Heketi server (tests/real_heketi.py:
upstream v10, mock executor, fresh DB, JWT on, the heketi role's settings) and the emulation (a test
double): first run changes, second run changes nothing, check mode changes nothing, diffs show.
The real half is skipped, with the reason, where the real server cannot run here."""
import os
import re

import pytest

from tests.integration.ansible_playbook import run_playbook
from tests import real_heketi
from tests.heketi_backend import HeketiUnderTest
from tests.heketi_emulator import HeketiEmulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "tests", "integration", "playbooks", "heketi_stack.yml")


def playbook(emu, *extra):
    return run_playbook(["-i", "localhost,", PLAYBOOK,
                         "-e", "heketi_url=%s heketi_key=%s" % (emu.url, emu.admin_key)] + list(extra))


@pytest.fixture(params=["real", "emulation"])
def emu(request):
    if request.param == "real":
        reason = real_heketi.available()
        if reason:
            pytest.skip("real Heketi: %s" % reason)
        server = real_heketi.RealHeketi()
    else:
        server = HeketiEmulator(pending_polls=1, glusterfs=real_heketi.role_settings())
    server.start()
    yield HeketiUnderTest(server)
    server.stop()


def test_playbook_idempotent_and_check_mode(emu):
    check_first = playbook(emu, "--check")
    # check mode on an empty Heketi: reports changes, makes none
    assert check_first["changed"] >= 1 and emu.clusters() == {}
    first = playbook(emu)
    assert first["rc"] == 0 and first["failed"] == 0 and first["changed"] == 6, first["out"][-2000:]
    dump = emu.fingerprint()
    second = playbook(emu)
    assert second["rc"] == 0 and second["changed"] == 0, second["out"][-3000:]
    check = playbook(emu, "--check", "--diff")
    assert check["rc"] == 0 and check["changed"] == 0
    assert emu.fingerprint() == dump


def test_check_diff_shows_change_and_touches_nothing(emu):
    applied = playbook(emu, "-vvv")
    assert applied["rc"] == 0 and emu.admin_key not in applied["out"]  # the key is never printed
    dump = emu.fingerprint()
    run = playbook(emu, "--check", "--diff", "-e", "arbiter_tag=supported volume_size=12")
    assert run["changed"] == 2
    assert re.search(r'-\s+"arbiter": "required"', run["out"]), run["out"][-3000:]
    assert re.search(r'\+\s+"arbiter": "supported"', run["out"]), run["out"][-3000:]
    assert re.search(r'\+\s+"size": 12', run["out"])
    assert emu.fingerprint() == dump

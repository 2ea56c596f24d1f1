"""Job templates run the way AWX runs them: ansible-runner, a private data dir (awx/awx_job.py).

Localhost-only content (no lab): the "validate the layout" template on the
three-site example inventory, and the Heketi template's credentials and survey
with a probe playbook that calls Heketi (the emulation) with the injected key.
Each run must end `successful`, and no secret (the Heketi key, the machine
SSH key, or their base64 forms) may appear in any job event or the stdout,
at verbosity 3 (module arguments shown).  The leak detector is itself checked
on a run that prints the key on purpose.
"""
import os
import subprocess

import pytest

from awx import awx_job
from tests.heketi_emulator import HeketiEmulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEKETI_KEY = "k3y-0f-the-heketi-admin-9f1c2e"


@pytest.fixture(scope="module")
def ssh_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "awx-test", "-f", str(path)], check=True)
    return path.read_text()


def key_body(ssh_key):
    """The base64 lines of a private key (what would leak)."""
    return [line for line in ssh_key.splitlines() if line and not line.startswith("-----")]


def test_validate_layout_template_runs_like_awx(tmp_path):
    config = awx_job.load_config()
    runner_args = awx_job.build_private_data_dir(
        str(tmp_path / "pdd"), config, "metrostor: validate the layout",
        os.path.join(ROOT, "inventories", "three_site", "hosts.yml"))
    runner, events = awx_job.run(runner_args)
    stdout = runner.stdout.read()
    assert runner.status == "successful", stdout[-3000:]
    assert runner.rc == 0
    assert "'dc1': 2, 'dc2': 2, 'tb': 1" in stdout
    assert [e for e in events if e.get("event") == "playbook_on_stats"]
    # what AWX shows as the job's events: every task of the playbook, none failed
    assert not [e for e in events if e.get("event") == "runner_on_failed"]


@pytest.fixture
def heketi():
    server = HeketiEmulator(admin_key=HEKETI_KEY, user_key="usersecret")
    server.start()
    yield server
    server.stop()


def heketi_job(tmp_path, heketi, ssh_key, survey_answers=None):
    config = awx_job.load_config()
    inputs = {"metrostor Heketi API": {"heketi_url": heketi.url, "heketi_user": "admin", "heketi_key": HEKETI_KEY}}
    runner_args = awx_job.build_private_data_dir(
        str(tmp_path / "pdd"), config, "metrostor: Heketi (topology, executor, DB backup)",
        os.path.join(ROOT, "inventories", "three_site", "hosts.yml"), inputs, ssh_key, survey_answers)
    # the template's credentials, survey and injection, with a localhost-only probe instead of heketi.yml
    runner_args["playbook"] = "tests/unit/fixtures/awx_heketi_probe.yml"
    return config, inputs, runner_args


def test_heketi_credential_is_used_and_never_shown(tmp_path, heketi, ssh_key):
    config, inputs, runner_args = heketi_job(tmp_path, heketi, ssh_key)
    assert "-e @" in runner_args["cmdline"]          # the injected extra vars come from a file
    assert HEKETI_KEY not in runner_args["cmdline"]  # not from the command line
    runner, events = awx_job.run(runner_args)
    stdout = runner.stdout.read()
    assert runner.status == "successful", stdout[-3000:]
    assert "HEKETI_CLUSTERS=0" in stdout
    # the key reached Heketi: the emulation verified the JWT signed with it
    statuses = [status for _method, _path, status in heketi.requests]
    assert statuses and 200 in statuses and 401 not in statuses
    secrets = awx_job.secret_values(config, inputs) + key_body(ssh_key)
    assert secrets and HEKETI_KEY in secrets
    assert awx_job.leaks(events, secrets, stdout) == []
    # the module's arguments were in the events (verbosity 3), masked
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in stdout + str(events)


def test_leak_detector_sees_a_shown_key(tmp_path, heketi, ssh_key):
    config, inputs, runner_args = heketi_job(tmp_path, heketi, ssh_key, survey_answers={"heketi_probe_leak": "true"})
    runner, events = awx_job.run(runner_args)
    assert runner.status == "successful"
    assert awx_job.leaks(events, awx_job.secret_values(config, inputs), runner.stdout.read()) == [HEKETI_KEY]

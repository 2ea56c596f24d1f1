"""The job templates of awx/config.yml, run the way AWX runs them, against the deployed lab.

Each job is what AWX would start: ansible-runner with a private data dir
(awx/awx_job.py): the lab inventory as the job's inventory but WITHOUT its
``ansible_ssh_private_key_file`` (the machine credential's key is handed over
in ``env/ssh_key``, which ansible-runner loads into an ssh-agent), the "Heketi
API" credential injected as extra vars from a file, the survey's answers in
``env/extravars``.  Each job must end ``successful`` with rc 0, no task may
fail or be unreachable, the idempotent ones (the whole deploy included, on the
deployed lab) may change nothing, and neither the Heketi key nor the body of the
SSH key may appear in any job event or in the job's stdout.

Needs the lab up and deployed (``lab/lab up`` + ``playbooks/site.yml``); run it
under the lab lock: ``flock /tmp/metrostor-lab.lock tests/lab-awx.sh``.
Not collected by the default test run (pytest.ini's testpaths).
"""
import os
import time

import pytest

from awx import awx_job

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB_INVENTORY = os.path.join(ROOT, "inventories", "lab", "hosts.yml")
LAB_SSH_KEY = "/var/lib/metrostor-lab/ssh/id_ed25519"
HEKETI_KEY = "lab-admin-secret"   # inventories/lab/hosts.yml: heketi_admin_key (the deployed Heketi's)
HEKETI_INPUTS = {"metrostor Heketi API": {"heketi_url": "https://10.77.3.11:8080", "heketi_user": "admin",
                                          "heketi_key": HEKETI_KEY}}

# (template, survey answers, may it change something on the deployed lab?)
JOBS = [
    ("metrostor: validate the layout", {}, False),
    ("metrostor: health (read-only)", {}, False),
    ("metrostor: security check (read-only)", {}, False),
    ("metrostor: Kubernetes storage", {"kubernetes_storage_mode": "render"}, False),
    ("metrostor: Heketi (topology, executor, DB backup)", {}, False),
    ("metrostor: deploy the stack", {"site_reachability_on_loss": "stop"}, False),
]

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab_ready():
    if not os.path.exists(LAB_SSH_KEY):
        pytest.skip("the lab is not built here (%s missing)" % LAB_SSH_KEY)
    with open(LAB_SSH_KEY) as f:
        return f.read()


def awx_inventory(tmp_path):
    """The lab inventory as AWX holds it: the SSH key comes from the machine credential, not from a path."""
    with open(LAB_INVENTORY) as f:
        lines = [line for line in f if not line.strip().startswith("ansible_ssh_private_key_file:")]
    path = tmp_path / "hosts.yml"
    path.write_text("".join(lines))
    return str(path)


def key_body(ssh_key):
    return [line for line in ssh_key.splitlines() if line and not line.startswith("-----")]


@pytest.mark.parametrize("template,answers,may_change", JOBS, ids=[j[0].split(": ", 1)[1] for j in JOBS])
def test_job_template_runs_on_the_lab(template, answers, may_change, lab_ready, tmp_path):
    ssh_key = lab_ready
    config = awx_job.load_config()
    runner_args = awx_job.build_private_data_dir(str(tmp_path / "pdd"), config, template, awx_inventory(tmp_path),
                                                 HEKETI_INPUTS, ssh_key, answers)
    assert "ansible_ssh_private_key_file" not in open(os.path.join(runner_args["inventory"], "hosts.yml")).read()
    started = time.monotonic()
    runner, events = awx_job.run(runner_args, verbosity=1)
    elapsed = time.monotonic() - started
    stdout = runner.stdout.read()
    print("%s: %s rc=%s in %.1f s, %d events" % (template, runner.status, runner.rc, elapsed, len(events)))
    assert runner.status == "successful" and runner.rc == 0, stdout[-4000:]
    failed = [e["event_data"].get("task") for e in events if e.get("event") in ("runner_on_failed", "runner_on_unreachable")
              and not e["event_data"].get("ignore_errors")]
    assert failed == []
    if not may_change:
        changed = sorted({"%s on %s" % (e["event_data"].get("task"), e["event_data"].get("host")) for e in events
                          if e.get("event") == "runner_on_ok" and e["event_data"].get("res", {}).get("changed")})
        assert changed == [], "changed on the deployed lab: %s" % changed
    stats = [e for e in events if e.get("event") == "playbook_on_stats"]
    assert stats and stats[-1]["event_data"].get("ok")
    secrets = awx_job.secret_values(config, HEKETI_INPUTS) + key_body(ssh_key)
    assert HEKETI_KEY in secrets
    assert awx_job.leaks(events, secrets, stdout) == []

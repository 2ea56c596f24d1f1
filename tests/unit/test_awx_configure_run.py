"""playbooks/awx_configure.yml with the real awx.awx modules against a test double of AWX's API.

The double (tests/unit/awx_api_double.py) is not AWX: it stores what it is
sent, refuses names where AWX wants ids, and answers secrets as `$encrypted$`
as AWX does.  Checked here: what the playbook creates from awx/config.yml
(types, credentials with their secrets, templates with their credentials and
surveys, the workflow's nodes and links, schedules), that a second run sends
no change (changed=0), that check mode on a configured AWX sends nothing, and
that secrets are replaced only when asked.
"""
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from awx import awx_job
from tests.unit.awx_api_double import AWXDouble

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CONFIG = awx_job.load_config()
SECRETS = {"awx_secret_machine_ssh_key": "ssh-key-7c1f", "awx_secret_vault_password": "vault-pw-90ab",
           "awx_secret_heketi_key": "heketi-key-55e2"}


def configure(awx, *extra, secrets=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CONTROLLER_"))}
    # pipelining: each task's module goes to its Python through stdin, without the temporary
    # directory, copy, chmod and removal (four shells per task): the same module code runs
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_PIPELINING="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, CONTROLLER_HOST=awx.url,
               CONTROLLER_USERNAME=awx.username, CONTROLLER_PASSWORD=awx.password)
    args = []
    for key, value in (secrets or SECRETS).items():
        args += ["-e", "%s=%s" % (key, value)]
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "playbooks/awx_configure.yml"]
                          + args + list(extra), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    out = proc.stdout + proc.stderr
    recap = re.search(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)", out)
    return proc.returncode, int(recap.group(2)) if recap else None, out


@pytest.fixture(scope="module")
def configured():
    awx = AWXDouble()
    awx.start()
    rc, changed, out = configure(awx)
    assert rc == 0, out[-4000:]
    assert changed > 0
    first = len(awx.mutations())
    yield awx, out, first
    awx.stop()


def one(awx, endpoint, name):
    found = awx.find(endpoint, name=name)
    assert len(found) == 1, "%s %r: %d found" % (endpoint, name, len(found))
    return found[0]


def test_credential_type_and_credentials(configured):
    awx, out = configured[:2]
    ctype = one(awx, "credential_types", "Heketi API")
    assert ctype["kind"] == "cloud"
    assert ctype["inputs"] == CONFIG["awx_heketi_credential_type"]["inputs"]
    # the AWX templates reached AWX untouched by Ansible's templating
    assert ctype["injectors"]["extra_vars"]["heketi_admin_key"] == "{{ heketi_key }}"
    heketi = one(awx, "credentials", "metrostor Heketi API")
    assert heketi["credential_type"] == ctype["id"]
    assert heketi["inputs"]["heketi_url"] == "https://heketi.example.invalid:8080"
    assert awx.secrets[(heketi["id"], "heketi_key")] == SECRETS["awx_secret_heketi_key"]
    machine = one(awx, "credentials", "metrostor nodes (SSH)")
    assert awx.secrets[(machine["id"], "ssh_key_data")] == SECRETS["awx_secret_machine_ssh_key"]
    vault = one(awx, "credentials", "metrostor vault")
    assert awx.secrets[(vault["id"], "vault_password")] == SECRETS["awx_secret_vault_password"]
    for secret in SECRETS.values():
        assert secret not in out


def test_job_templates_with_credentials_and_surveys(configured):
    awx = configured[0]
    project = one(awx, "projects", CONFIG["awx_project"]["name"])
    inventory = one(awx, "inventories", CONFIG["awx_inventory"]["name"])
    ee = one(awx, "execution_environments", CONFIG["awx_execution_environment"]["name"])
    assert project["default_environment"] == ee["id"]
    source = one(awx, "inventory_sources", CONFIG["awx_inventory"]["source"]["name"])
    assert (source["source"], source["source_project"], source["inventory"]) == ("scm", project["id"], inventory["id"])
    assert source["source_path"] == "inventories/three_site/hosts.yml"
    credential_ids = {c["name"]: one(awx, "credentials", c["name"])["id"] for c in CONFIG["awx_credentials"]}
    assert len(awx.objects["job_templates"]) == len(CONFIG["awx_job_templates"])
    for wanted in CONFIG["awx_job_templates"]:
        template = one(awx, "job_templates", wanted["name"])
        assert (template["playbook"], template["project"], template["inventory"], template["execution_environment"]) \
            == (wanted["playbook"], project["id"], inventory["id"], ee["id"])
        linked = awx.associations.get(("job_templates", template["id"], "credentials"), [])
        assert sorted(linked) == sorted(credential_ids[n] for n in wanted.get("credentials", []))
        assert template["survey_enabled"] is ("survey_spec" in wanted)
        if "survey_spec" in wanted:
            assert awx.surveys[("job_templates", template["id"])] == wanted["survey_spec"]


def test_workflow_deploy_then_verify_and_schedules(configured):
    awx = configured[0]
    workflow = one(awx, "workflow_job_templates", CONFIG["awx_workflow"]["name"])
    nodes = {n["identifier"]: n for n in awx.find("workflow_job_template_nodes", workflow_job_template=workflow["id"])}
    assert set(nodes) == {"deploy", "verify"}
    deploy_jt = one(awx, "job_templates", "metrostor: deploy the stack")
    verify_jt = one(awx, "job_templates", "metrostor: health (read-only)")
    assert nodes["deploy"]["unified_job_template"] == deploy_jt["id"]
    assert nodes["verify"]["unified_job_template"] == verify_jt["id"]
    assert awx.associations[("workflow_job_template_nodes", nodes["deploy"]["id"], "success_nodes")] == \
        [nodes["verify"]["id"]]
    assert nodes["verify"]["extra_data"] == {"metrostor_health_fail_on": ["quorum", "split_brain"]}
    for wanted in CONFIG["awx_schedules"]:
        schedule = one(awx, "schedules", wanted["name"])
        assert schedule["rrule"] == wanted["rrule"]
        assert schedule["unified_job_template"] == one(awx, "job_templates", wanted["job_template"])["id"]
        assert schedule["enabled"] is wanted.get("enabled", True)
        assert (schedule.get("extra_data") or {}) == wanted.get("extra_data", {})


ROTATED = dict(SECRETS, awx_secret_heketi_key="heketi-key-rotated")


@pytest.fixture(scope="module")
def quiet_runs(configured, tmp_path_factory):
    """On the configured double, at the same time (neither may send a change; two processes at once
    halve the wall time on two cores): the second run, given other secret values than the first
    (without awx_update_secrets), and a check-mode run of a config with one change.
    Returns {"second": (rc, changed, out), "check": (rc, changed, out), "mutations": count after both}."""
    awx = configured[0]
    config = open(os.path.join(ROOT, "awx", "config.yml")).read().replace(
        "description: Two data sites and a tie-breaker site (inventories/three_site)",
        "description: changed in check mode")
    changed_config = tmp_path_factory.mktemp("config") / "config.yml"
    changed_config.write_text(config)
    with ThreadPoolExecutor(max_workers=2) as pool:
        second = pool.submit(configure, awx, secrets=ROTATED)
        check = pool.submit(configure, awx, "--check", "-e", "awx_config_file=%s" % changed_config)
        runs = {"second": second.result(), "check": check.result()}
    runs["mutations"] = len(awx.mutations())
    return runs


def test_second_run_changes_nothing(configured, quiet_runs):
    """Also with other secret values: a run that is not asked to replace secrets leaves them (and all else)."""
    awx, first = configured[0], configured[2]
    rc, changed, out = quiet_runs["second"]
    assert rc == 0, out[-4000:]
    assert changed == 0, [line for line in out.splitlines() if line.startswith("changed")]
    assert quiet_runs["mutations"] == first, awx.mutations()[first:]  # nothing was sent (by either run)


def test_check_mode_on_a_configured_awx_sends_nothing(configured, quiet_runs):
    awx, first = configured[0], configured[2]
    rc, changed, out = quiet_runs["check"]
    assert rc == 0, out[-4000:]
    assert changed == 1  # the inventory's description would change
    assert quiet_runs["mutations"] == first, awx.mutations()[first:]  # nothing was sent (by either run)


def test_secrets_are_replaced_only_when_asked(configured, quiet_runs):
    awx = configured[0]
    heketi = one(awx, "credentials", "metrostor Heketi API")
    rc, changed, out = quiet_runs["second"]  # other secret values, not asked to replace them
    assert rc == 0 and changed == 0, out[-3000:]
    assert awx.secrets[(heketi["id"], "heketi_key")] == SECRETS["awx_secret_heketi_key"]
    rc, changed, out = configure(awx, "-e", "awx_update_secrets=true", secrets=ROTATED)
    assert rc == 0 and changed > 0, out[-3000:]
    assert awx.secrets[(heketi["id"], "heketi_key")] == "heketi-key-rotated"
    assert "heketi-key-rotated" not in out

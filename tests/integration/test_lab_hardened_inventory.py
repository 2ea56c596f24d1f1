"""The hardened lab inventory (inventories/lab_hardened, layered over inventories/lab/hosts.yml) and
the example production inventory (inventories/three_site): the security check is strict with them
(every property plugins/filter/security_findings.py knows, so a check added later cannot be left
out), the overlay turns Gluster TLS and auth.allow on for every volume the lab inventory declares,
keeps Heketi over HTTPS and the executor key restricted, its settings are valid for the roles that
apply them, and the layout check accepts it.  On the control node only: no lab host is contacted."""
import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = ["-i", "inventories/lab/hosts.yml"]
HARDENED = LAB + ["-i", "inventories/lab_hardened"]
THREE_SITE = ["-i", "inventories/three_site/hosts.yml"]
SETTINGS_PLAYBOOK = "tests/integration/playbooks/hardened_inventory.yml"


def known_properties():
    """The properties the security check knows (its filter's PROPERTIES), read from the plugin file."""
    spec = importlib.util.spec_from_file_location(
        "security_findings_for_test", os.path.join(ROOT, "plugins", "filter", "security_findings.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PROPERTIES


def run(inventory, playbook, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook")] + inventory
                          + [playbook] + list(extra), cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def settings(inventory):
    proc = run(inventory, SETTINGS_PLAYBOOK)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    found = re.search(r'"msg": "SETTINGS=(.*)"\n', proc.stdout)
    assert found, proc.stdout[-3000:]
    return json.loads(found.group(1).encode().decode("unicode_escape"))


@pytest.fixture(scope="module")
def hardened():
    return settings(HARDENED)


@pytest.fixture(scope="module")
def three_site():
    return settings(THREE_SITE)


def test_the_check_knows_the_properties_the_issue_names():
    assert {"gluster_management_tls", "volume_io_tls", "volume_auth_allow", "heketi_tls",
            "executor_key_restricted"} <= set(known_properties())


@pytest.mark.parametrize("which", ["hardened", "three_site"])
def test_strict_every_property_of_the_check_required(which, request):
    """security_check.yml reads metrostor_security_required on localhost; every host has the same."""
    found = request.getfixturevalue(which)
    required = found["localhost"]["metrostor_security_required"]
    assert sorted(required) == sorted(known_properties()), (which, required)
    assert len(required) == len(set(required))
    for host, values in found.items():
        assert sorted(values["metrostor_security_required"]) == sorted(known_properties()), host


def test_the_plain_lab_is_not_strict():
    """What the overlay changes: the shared lab alone leaves Gluster TLS and auth.allow unrequired."""
    required = settings(LAB)["localhost"]["metrostor_security_required"]
    assert "gluster_management_tls" not in required and "volume_io_tls" not in required


def test_gluster_tls_and_auth_allow_on_every_declared_volume(hardened):
    declared = set()
    for values in hardened.values():
        if values.get("heketi_standby_db_volume"):
            declared.add(values["heketi_standby_db_volume"])
        declared.update(v["name"] for v in values.get("metrostor_nfs_volumes", []))
        declared.update(v["primary"] for v in (values.get("metrostor_dr_site") or {}).get("volumes", []))
    assert {"heketidbstorage", "nfs", "drvol"} <= declared, declared
    for host in ("gl-a1", "gl-b1", "gl-c1", "k8s-a1", "k8s-b1"):
        assert hardened[host]["gluster_tls_management"] is True, host
        assert declared <= set(hardened[host]["gluster_tls_volumes"]), (host, hardened[host]["gluster_tls_volumes"])
    for host in ("gl-a1", "gl-b1", "gl-c1"):
        assert declared <= set(hardened[host]["gluster_volume_access_volumes"]), host
        assert hardened[host]["metrostor_client_networks"], host


def test_heketi_over_https_and_the_executor_key_restricted(hardened):
    for host in ("gl-c1", "gl-a2"):  # the Heketi host and its standby
        values = hardened[host]
        assert values["heketi_tls_enabled"] is True, host
        assert values["heketi_ssh_user"] not in ("", "root") and values["heketi_ssh_sudo"] is True, host
        assert values["heketi_ssh_allowed_from"], host
    assert hardened["gl-a1"]["kubernetes_storage_heketi_resturl"].startswith("https://")


def test_settings_valid_for_the_roles_and_a_bad_one_refused():
    """The settings playbook validates against roles/gluster_tls and roles/gluster_volume_access argument_specs
    (its run in the fixtures passed); the same validation refuses a value the role would not take."""
    proc = run(HARDENED, SETTINGS_PLAYBOOK, "-e", '{"gluster_tls_management": "maybe"}')
    assert proc.returncode != 0
    assert "argument 'gluster_tls_management' is of type str and we were unable to convert to bool" in proc.stdout


def test_the_layout_check_accepts_the_hardened_lab():
    proc = run(HARDENED, "playbooks/validate_layout.yml")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "5 nodes per site" in proc.stdout
    assert "Unable to parse" not in proc.stderr, proc.stderr[-2000:]

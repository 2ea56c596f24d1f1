"""site.yml refuses an unsafe layout before contacting any host."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(inventory, playbook):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory,
                           playbook], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_unsafe_layout_refused_before_any_connection():
    proc = run("tests/integration/inventories/unsafe_3_1_1.yml", "playbooks/site.yml")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "losing site a (3 of 5 nodes) leaves 2 of 5 glusterd (40%)" in out
    assert "Gathering Facts" not in out and "UNREACHABLE" not in out


def test_lab_layout_is_valid():
    proc = run("inventories/lab/hosts.yml", "playbooks/validate_layout.yml")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "5 nodes per site" in proc.stdout


def test_three_site_example_layout_is_valid():
    proc = run("inventories/three_site/hosts.yml", "playbooks/validate_layout.yml")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "'dc1': 2, 'dc2': 2, 'tb': 1" in proc.stdout


def rendered_topology(inventory):
    import json
    import re
    proc = run(inventory, "tests/integration/playbooks/render_topology.yml")
    assert proc.returncode == 0, proc.stdout[-3000:]
    return json.loads(re.search(r'"msg": "TOPOLOGY=(.*)"', proc.stdout).group(1).replace('\\"', '"'))


def test_heketi_topology_follows_sites():
    topo = rendered_topology("inventories/three_site/hosts.yml")
    nodes = {n["node"]["hostnames"]["manage"][0]: n for n in topo["clusters"][0]["nodes"]}
    assert set(nodes) == {"10.10.1.11", "10.10.1.12", "10.20.1.11", "10.20.1.12", "10.30.1.11"}
    assert nodes["10.10.1.11"]["node"]["zone"] == 1 and nodes["10.20.1.12"]["node"]["zone"] == 2
    assert nodes["10.30.1.11"]["node"]["zone"] == 3
    assert nodes["10.30.1.11"]["node"]["tags"] == {"arbiter": "required", "site": "tb"}
    assert nodes["10.10.1.12"]["node"]["tags"] == {"arbiter": "disabled", "site": "dc1"}
    assert nodes["10.20.1.11"]["devices"] == ["/dev/sdc", "/dev/sdd"]

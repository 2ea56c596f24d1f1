"""The nfs_ganesha role: its files rendered for the lab's heads (BIRD parses its configuration),
and bad input refused in the first task, naming the field."""
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(playbook, *args, env_extra=None):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, **(env_extra or {}))
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                           "inventories/lab/hosts.yml", playbook] + list(args), cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("nfs")
    rc, log = run("tests/integration/playbooks/render_nfs_head.yml", "--tags", "render", env_extra={"NFS_RENDER_DIR": str(out)})
    assert rc == 0, log[-3000:]
    return lambda host, name: (out / ("%s-%s" % (host, name))).read_text()


def test_ganesha_exports_the_volume_with_short_lease_and_grace(rendered):
    conf = rendered("gl-b1", "ganesha.conf")
    for line in ("Protocols = 3, 4;", "Lease_Lifetime = 10;", "Grace_Period = 20;", "Minor_Versions = 0, 1, 2;",
                 "Export_Id = 1;", 'Path = "/nfs";', 'Pseudo = "/nfs";', "Name = GLUSTER;", 'Volume = "nfs";',
                 "Enable_Upcall = true;", "MNT_Port = 20048;"):
        assert line in conf, line
    assert rendered("gl-a1", "ganesha.conf").split("\n", 1)[1].replace("gl-a1 (site a)", "X") == \
        conf.split("\n", 1)[1].replace("gl-b1 (site b)", "X"), "both heads serve identical exports"


def test_keepalived_unicast_between_heads_with_the_head_check(rendered):
    a = rendered("gl-a1", "keepalived.conf")
    b = rendered("gl-b1", "keepalived.conf")
    assert "unicast_src_ip 10.77.1.11" in a and "\n        10.77.2.11\n" in a
    assert "unicast_src_ip 10.77.2.11" in b and "\n        10.77.1.11\n" in b
    assert "priority 150" in a and "priority 100" in b
    for conf in (a, b):
        assert "nopreempt" in conf and "state BACKUP" in conf
        assert "10.77.10.50/32 dev eth0" in conf
        assert ('nfs-head-check --ratio 51 10.77.1.11 10.77.1.12 10.77.2.11 10.77.2.12 10.77.3.11"' in conf)
        assert "track_script {\n        nfs_head_check\n    }" in conf


@pytest.mark.skipif(not shutil.which("bird"), reason="BIRD is not installed (scripts/bootstrap.sh installs it)")
def test_bird_config_parses_and_announces_only_the_floating_address(rendered, tmp_path):
    conf = rendered("gl-a1", "bird.conf")
    assert "neighbor 10.77.1.1 as 64512;" in conf and "local 10.77.1.11 as 65010;" in conf
    assert conf.count("net = 10.77.10.50/32") == 2 and "error wait time 1, 5;" in conf
    path = tmp_path / "bird.conf"
    path.write_text(conf.replace("log syslog all;", ""))
    proc = subprocess.run(["bird", "-p", "-c", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("extra,message", [
    ({"nfs_ganesha_floating_address": "10.77.9.50"},
     "gl-a1: nfs_ganesha_floating_address 10.77.9.50 is outside the networks of data site a "
     "(nfs_ganesha_site_networks.a: 10.77.1.0/24, 10.77.10.0/24)"),
    ({"nfs_ganesha_floating_address": "10.77.1.50"},
     "gl-b1: nfs_ganesha_floating_address 10.77.1.50 is outside the networks of data site b"),
    ({"nfs_ganesha_floating_address": "10.77.10.50/24"},
     "nfs_ganesha_floating_address '10.77.10.50/24' is not an IP address"),
    ({"nfs_ganesha_grace_period": 5}, "nfs_ganesha_grace_period (5) is shorter than nfs_ganesha_lease_lifetime (10)"),
    ({"nfs_ganesha_bgp_peers": []}, "nfs_ganesha_bgp_peers is empty but nfs_ganesha_floating_announce is bgp"),
    ({"nfs_ganesha_site": "c"}, "nfs_ganesha_site c is the tie-breaker site"),
    ({"nfs_ganesha_floating_announce": "ospf"}, "nfs_ganesha_floating_announce"),
])
def test_bad_input_refused_first(extra, message):
    rc, log = run("tests/integration/playbooks/nfs_head_input.yml", "-e", json.dumps(extra))
    assert rc != 0 and message in log, log[-3000:]
    assert "Nothing was changed" in log or "argument" in log.lower()
    assert "Install the packages" not in log

"""The nfs_ganesha role: its files rendered for the lab's heads (BIRD parses its configuration),
bad input refused in the first task, naming the field, and Ganesha restarted one head at a time
(the head without the floating address first, serving again before the next) when the bricks'
connection options change, with a test double of the heads' commands (nfs_head_double)."""
import json
import os
import re
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
                          capture_output=True, text=True, timeout=300, check=False)
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
    proc = subprocess.run(["bird", "-p", "-c", str(path)], capture_output=True, text=True, check=False)
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


# --- Restart head by head when the bricks' connection options change (tests/integration/nfs_head_double) ---
DOUBLE_BIN = os.path.join(ROOT, "tests", "integration", "nfs_head_double", "bin")
BRICK_OPTIONS_SET = {"server.tcp-user-timeout": "5", "server.keepalive-time": "2", "server.keepalive-interval": "1",
                     "server.keepalive-count": "3"}
RESTART_PLAYBOOK = "tests/integration/playbooks/nfs_head_restart.yml"
# a grace period of 1 s keeps the wait between the heads short
FAST = ["-e", "nfs_ganesha_grace_period=1", "-e", "nfs_ganesha_lease_lifetime=1", "-e", "nfs_ganesha_restart_wait_seconds=2"]


class Heads(object):
    """The state directory of the double: the volume's options, Ganesha running, the command log."""

    def __init__(self, directory, options=None):
        self.dir = directory
        (directory / "ganesha-active").touch()
        if options:
            (directory / "options.json").write_text(json.dumps(options))

    def run(self, *args, floating_dev="eth-a", **env):
        self.log_start = len(self.log())
        env = dict({"PATH": DOUBLE_BIN + os.pathsep + os.environ["PATH"], "NFS_HEAD_DOUBLE_DIR": str(self.dir),
                    "NFS_HEAD_DOUBLE_FLOATING_DEV": floating_dev}, **env)
        return run(RESTART_PLAYBOOK, *(FAST + list(args)), env_extra=env)

    def log(self):
        path = self.dir / "log"
        return path.read_text().splitlines() if path.exists() else []

    def commands(self):
        """The command lines of the last run."""
        return self.log()[self.log_start:]

    def options(self):
        path = self.dir / "options.json"
        return json.loads(path.read_text()) if path.exists() else {}


def restarts(commands):
    """The heads restarted, in order, by the address their serving checks called: [(head address, step), ...]
    where step is what ran between its stop and the next stop."""
    out = []
    for line in commands:
        if line == "systemctl stop nfs-ganesha":
            out.append([None, []])
        elif out:
            out[-1][1].append(line)
            words = line.split()
            if words[0] == "rpcinfo" and out[-1][0] is None:
                out[-1][0] = words[words.index("-t") + 1]
    return out


def recap(log, host):
    match = re.search(r"%s\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)" % host, log)
    assert match, log[-3000:]
    return int(match.group(1)), int(match.group(2))


def test_changed_brick_options_restart_the_backup_head_first_then_nothing_on_the_second_run(tmp_path):
    heads = Heads(tmp_path)
    rc, log = heads.run(floating_dev="eth-a")  # gl-a1 (10.77.1.11) holds the floating address
    assert rc == 0, log[-3000:]
    assert {k: heads.options()[k] for k in BRICK_OPTIONS_SET} == BRICK_OPTIONS_SET
    order = restarts(heads.commands())
    assert [address for address, _unused in order] == ["10.77.2.11", "10.77.1.11"], heads.commands()
    backup_step = order[0][1]
    # one head at a time: the backup started again and answered NFS, MOUNT and the head check before the
    # holder of the address stopped
    assert backup_step[:3] == ["pgrep -x ganesha.nfsd", "systemctl show nfs-ganesha", "systemctl start nfs-ganesha"]
    for check in ("rpcinfo -n 2049 -t 10.77.2.11 nfs 3", "rpcinfo -n 2049 -t 10.77.2.11 nfs 4",
                  "rpcinfo -t 10.77.2.11 mountd 3",
                  "nfs-head-check --ratio 51 10.77.1.11 10.77.1.12 10.77.2.11 10.77.2.12 10.77.3.11"):
        assert check in backup_step, backup_step
    assert "Restarting Ganesha one head at a time: gl-b1, then gl-a1 (the last holds the floating address" in log
    assert recap(log, "gl-a1")[0] > 0
    # nothing changed: nothing set, nothing restarted, changed=0
    rc, log = heads.run(floating_dev="eth-a")
    assert rc == 0, log[-3000:]
    assert not [c for c in heads.commands() if " set " in c or c.startswith("systemctl stop")], heads.commands()
    assert recap(log, "gl-a1") == (0, 0) and recap(log, "gl-b1") == (0, 0), log[-3000:]


def test_check_mode_predicts_the_restarts_and_changes_nothing(tmp_path):
    heads = Heads(tmp_path)
    rc, log = heads.run("--check", floating_dev="eth-b")  # gl-b1 holds the address: gl-a1 first
    assert rc == 0, log[-3000:]
    assert "Check mode: would restart Ganesha one head at a time: gl-a1, then gl-b1" in log, log[-3000:]
    assert heads.options() == {}
    restarts = (["systemctl", "stop"], ["systemctl", "start"])
    assert not [c for c in heads.commands() if " set " in c or c.split()[:2] in restarts]
    assert (tmp_path / "ganesha-active").exists()
    assert recap(log, "gl-a1")[0] > 0, "check mode predicts the change"


def test_other_option_changes_restart_nothing(tmp_path):
    heads = Heads(tmp_path, options=dict(BRICK_OPTIONS_SET, **{"features.cache-invalidation": "off"}))
    rc, log = heads.run()
    assert rc == 0, log[-3000:]
    assert heads.options()["features.cache-invalidation"] == "on"
    assert restarts(heads.commands()) == [] and "Ganesha one head at a time:" not in log


def test_holder_alone_is_not_restarted_and_says_so(tmp_path):
    """Site b unreachable (the run is limited to gl-a1, which holds the address): no head could take the
    address while Ganesha restarts there, so it is left as it is, named."""
    heads = Heads(tmp_path)
    rc, log = heads.run("--limit", "gl-a1", floating_dev="eth-a")
    assert rc == 0, log[-3000:]
    assert restarts(heads.commands()) == []
    assert "Not restarting Ganesha on gl-a1: it holds the floating address 10.77.10.50" in log


def test_backup_that_does_not_serve_again_stops_before_the_active_head(tmp_path):
    heads = Heads(tmp_path)
    rc, log = heads.run(floating_dev="eth-a", NFS_HEAD_DOUBLE_DOWN="1")
    assert rc != 0
    order = restarts(heads.commands())
    assert [address for address, _unused in order] == ["10.77.2.11"], heads.commands()
    assert "rpcinfo -n 2049 -t 10.77.2.11 nfs 3" in order[0][1]

"""playbooks/dr_schedule.yml and dr_schedule_run.yml on this machine (no lab).

dr_schedule.yml writes a service and a timer unit per schedule into a directory of the test
(gluster_dr_schedule_manage_systemd=false: this machine's systemd is not touched), which
`systemd-analyze verify` accepts; a second run changes nothing; check mode on a fresh directory
predicts the changes and writes nothing; a schedule dropped from the inventory has its units removed;
a bad schedule is refused naming the problem before any unit is written.
dr_schedule_run.yml refuses an undeclared schedule, and a namespace the cluster does not have, before
it changes anything: kubectl is a recording stand-in here (a TEST DOUBLE: no Kubernetes API server
exists on this machine) and the run must have asked it only for the namespaces.  The run itself
(checkpoint, consistent point recorded on the DR node) needs the lab: molecule/dr and lab/dr_drill.py.
"""
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK_BIN = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
SHOP = {"name": "shop", "volumes": ["drvol"], "namespaces": ["shop"], "every": "15m",
        "pre_hook": {"namespace": "shop", "pod": "db-0", "command": ["sync"]}}
NIGHTLY = {"name": "nightly", "volumes": ["drvol"], "daily_at": "02:30"}


def inventory(tmp_path, schedules):
    inv = {"all": {"children": {
        "gluster_nodes": {"hosts": {"metro1": {"ansible_host": "127.0.0.1", "ansible_connection": "local"}}},
        "dr_site": {"hosts": {"drnode": {"ansible_host": "127.0.0.1", "ansible_connection": "local"}},
                    "vars": {"metrostor_dr_site": {"primary_group": "gluster_nodes",
                                                   "volumes": [{"primary": "drvol", "standby": "drvol"}]},
                             "metrostor_dr_schedules": schedules}}}}}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(inv))
    return str(path)


def run(tmp_path, playbook, schedules, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([PLAYBOOK_BIN, "-i", inventory(tmp_path, schedules), os.path.join("playbooks", playbook)]
                          + list(extra), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def timers(tmp_path, schedules, units, *extra):
    return run(tmp_path, "dr_schedule.yml", schedules, "-e", "gluster_dr_schedule_unit_dir=%s" % units,
               "-e", "gluster_dr_schedule_manage_systemd=false", "-e", "gluster_dr_schedule_project_dir=%s" % ROOT,
               "-e", "gluster_dr_schedule_ansible_playbook=%s" % PLAYBOOK_BIN, *extra)


def recap(out):
    return re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)", out)


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "units"
    path.mkdir()
    return path


def test_timers_written_verified_and_idempotent(tmp_path, units):
    rc, out = timers(tmp_path, [SHOP, NIGHTLY], units)
    assert rc == 0, out[-3000:]
    assert sorted(os.listdir(units)) == ["metrostor-dr-nightly.service", "metrostor-dr-nightly.timer",
                                         "metrostor-dr-shop.service", "metrostor-dr-shop.timer"]
    timer = (units / "metrostor-dr-shop.timer").read_text()
    assert "OnActiveSec=300s\nOnUnitActiveSec=900s\n" in timer and "RPO of its volumes is then at most 1500 s" in timer
    assert "OnCalendar=*-*-* 02:30:00 UTC\nPersistent=true\n" in (units / "metrostor-dr-nightly.timer").read_text()
    service = (units / "metrostor-dr-shop.service").read_text()
    assert ("ExecStart=%s -i inventory metrostor.gluster.dr_schedule_run -e gluster_dr_schedule_name=shop"
            % PLAYBOOK_BIN) in service
    # checkpoint timeout + pre hook timeout + 600
    assert "TimeoutStartSec=1320\n" in service and "WorkingDirectory=%s\n" % ROOT in service
    assert "'shop: RPO <= 1500 s', 'nightly: RPO <= 87000 s'" in out
    verify = subprocess.run(["systemd-analyze", "verify", "--man=no"] + sorted(str(p) for p in units.iterdir()),
                            capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    before = dict((p.name, p.read_text()) for p in units.iterdir())
    rc, out = timers(tmp_path, [SHOP, NIGHTLY], units)
    assert rc == 0 and recap(out).group(1) == "0", out[-3000:]
    assert dict((p.name, p.read_text()) for p in units.iterdir()) == before


def test_check_mode_predicts_and_writes_nothing(tmp_path, units):
    rc, out = timers(tmp_path, [SHOP], units, "--check", "--diff")
    assert rc == 0, out[-3000:]
    assert int(recap(out).group(1)) >= 2 and os.listdir(units) == []
    assert "OnUnitActiveSec=900s" in out  # the diff shows the timer that would be written


def test_dropped_schedule_removed(tmp_path, units):
    assert timers(tmp_path, [SHOP, NIGHTLY], units)[0] == 0
    rc, out = timers(tmp_path, [SHOP], units, "--check")
    assert rc == 0 and len(os.listdir(units)) == 4, out[-2000:]
    rc, out = timers(tmp_path, [SHOP], units)
    assert rc == 0, out[-3000:]
    assert sorted(os.listdir(units)) == ["metrostor-dr-shop.service", "metrostor-dr-shop.timer"]
    assert "removed: ['metrostor-dr-nightly.service', 'metrostor-dr-nightly.timer']" in out


def test_awx_schedules_shown(tmp_path, units):
    rc, out = timers(tmp_path, [SHOP], units, "-e", "gluster_dr_schedule_show_awx=true")
    assert rc == 0, out[-3000:]
    assert '"job_template": "metrostor: DR schedule run"' in out
    assert '"rrule": "DTSTART:20261201T000000Z RRULE:FREQ=MINUTELY;INTERVAL=15"' in out


@pytest.mark.parametrize("schedule,message", [
    (dict(SHOP, volumes=["nosuch"]), "schedule 'shop' names volumes that are not copied to the DR site: nosuch"),
    (dict(SHOP, namespaces=["Not_A_Namespace"]), "schedule 'shop' names invalid namespaces Not_A_Namespace"),
    (dict(NIGHTLY, every="15m"), "schedule 'nightly' needs exactly one of every"),
])
def test_bad_schedule_refused_before_any_unit_is_written(tmp_path, units, schedule, message):
    rc, out = timers(tmp_path, [schedule], units)
    assert rc != 0 and message in out and "nothing was changed" in out, out[-3000:]
    assert os.listdir(units) == []


@pytest.fixture
def kubectl(tmp_path):
    """A recording stand-in for kubectl (TEST DOUBLE): knows namespaces default and shop."""
    log = tmp_path / "kubectl.log"
    path = tmp_path / "kubectl"
    path.write_text("#!/bin/sh\necho \"$*\" >> %s\n"
                    "if [ \"$1 $2\" = 'get namespaces' ]; then printf 'namespace/default\\nnamespace/shop\\n'; exit 0; fi\n"
                    "exit 3\n" % log)
    path.chmod(0o755)
    return str(path), log


def run_schedule(tmp_path, schedules, name, kubectl_path):
    return run(tmp_path, "dr_schedule_run.yml", schedules, "-e", "gluster_dr_schedule_name=%s" % name,
               "-e", "gluster_dr_schedule_kubectl=%s" % kubectl_path, "-e", "gluster_dr_state_dir=%s" % tmp_path)


def test_run_of_undeclared_schedule_refused(tmp_path, kubectl):
    rc, out = run_schedule(tmp_path, [SHOP], "nosuch", kubectl[0])
    assert rc != 0 and "There is no DR schedule nosuch; declared: shop" in out, out[-3000:]
    assert not kubectl[1].exists()


def test_run_with_unknown_namespace_refused_before_any_change(tmp_path, kubectl):
    schedule = dict(SHOP, namespaces=["shop", "billing"])
    rc, out = run_schedule(tmp_path, [schedule], "shop", kubectl[0])
    assert rc != 0, out[-3000:]
    assert "schedule 'shop' names namespaces the cluster does not have: billing (it has default, shop)" in out
    assert kubectl[1].read_text().splitlines() == ["get namespaces -o name"]  # no hook ran
    assert not list(tmp_path.glob("*.checkpoint.json"))

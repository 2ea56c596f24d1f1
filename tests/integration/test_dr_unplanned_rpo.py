"""The unplanned failover's RPO figures (roles/gluster_dr/tasks/failover_unplanned.yml), on this machine.

The role's own tasks (the time-of-loss check, the RPO facts, the lag refusal) are taken from the task
file and run by ansible-playbook with the results of the two reads made on the DR node (newest brick
mtime, recorded consistent point) given as they would be registered there.  On the lab the whole
failover runs in molecule/dr (lab/dr_drill.py)."""
import base64
import json
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TASKS = yaml.safe_load(open(os.path.join(ROOT, "roles", "gluster_dr", "tasks", "failover_unplanned.yml")))
PAIRS = [{"primary": "a", "standby": "a"}, {"primary": "b", "standby": "b"}]


def task(prefix):
    return [t for t in TASKS if t["name"].startswith(prefix)][0]


def recorded(*points):
    out = []
    for pair, point in zip(PAIRS, points):
        if point is None:
            out.append({"pair": pair, "failed": True, "msg": "file not found"})
        else:
            out.append({"pair": pair, "content": base64.b64encode(json.dumps({"consistent_at": point}).encode()).decode()})
    return {"results": out}


def run(tmp_path, lost_at, newest, points, force=False):
    play = [{"hosts": "localhost", "gather_facts": False,
             "vars": {"gluster_dr_volumes": PAIRS, "gluster_dr_lost_at": lost_at, "gluster_dr_max_lag_seconds": 300,
                      "gluster_dr_force": force, "gluster_dr_newest": {"results": [{"stdout": n} for n in newest]},
                      "gluster_dr_recorded": recorded(*points)},
             "tasks": [task("Refuse a time of loss"), task("RPO of an unplanned"), task("Refuse a DR copy"),
                       {"name": "figures", "ansible.builtin.debug": {"msg": "FIGURES {{ {'rpo': gluster_dr_rpo_seconds, "
                                                                            "'bound': gluster_dr_rpo_bound_seconds} | to_json }}"}}]}]
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump(play))
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(path)], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ, ANSIBLE_NOCOLOR="1"), check=False)
    out = proc.stdout + proc.stderr
    if proc.returncode:
        return None, out
    line = [x for x in out.splitlines() if "FIGURES" in x][0]
    return json.loads(json.loads(line.split('"msg": ', 1)[1])[len("FIGURES "):]), out


def test_rpo_from_newest_data_and_bound_from_consistent_point(tmp_path):
    figures, out = run(tmp_path, "1100.0", ["1090.5", "1080"], [1000.0, 1010.0])
    assert figures == {"rpo": 20.0, "bound": 100.0}, out[-2000:]  # the oldest volume counts for both


def test_no_bound_without_a_consistent_point_for_every_volume(tmp_path):
    figures, out = run(tmp_path, "1100", ["1090", "1095"], [1000.0, None])
    assert figures == {"rpo": 10.0, "bound": None}, out[-2000:]


def test_copy_too_far_behind_refused_unless_forced(tmp_path):
    figures, out = run(tmp_path, "2000", ["1090", "1095"], [None, None])
    assert figures is None and "The DR copy is 910.0 s behind" in out and "Nothing was changed" in out, out[-2000:]
    figures, out = run(tmp_path, "2000", ["1090", "1095"], [None, None], force=True)
    assert figures == {"rpo": 910.0, "bound": None}, out[-2000:]


@pytest.mark.parametrize("lost_at", ["yesterday", "12:00", "1e9"])
def test_time_of_loss_must_be_epoch_seconds(tmp_path, lost_at):
    figures, out = run(tmp_path, lost_at, ["1090", "1095"], [None, None])
    assert figures is None and "give the time the primary was lost as epoch seconds" in out, out[-2000:]

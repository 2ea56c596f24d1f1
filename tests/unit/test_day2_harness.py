"""The day-2 lab harness (lab/day2_operations.py) reads ansible-playbook's recap: a playbook that goes on
without a lost site exits 4 (unreachable hosts) and still did its work when no host failed; a failed host
is a failure whatever the exit code."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lab"))

import day2_operations as ops  # noqa: E402

RECAP = """PLAY RECAP *********************************************************************
gl-a1                      : ok=12   changed=0    unreachable=0    failed=0    skipped=4    rescued=0    ignored=0
gl-a2                      : ok=30   changed=5    unreachable=0    failed=0    skipped=7    rescued=0    ignored=0
gl-c1                      : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0
localhost                  : ok=5    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
"""


def run(monkeypatch, rc, out=RECAP):
    """ops.playbook() on a canned ansible-playbook run (its exit code and output)."""
    class Proc:
        returncode = rc
        stdout = out
    monkeypatch.setattr(ops.subprocess, "run", lambda *a, **kw: Proc())
    return ops.playbook("heketi_failover.yml", "-e", "heketi_failover_to=gl-a2")


def test_rc_4_with_only_unreachable_hosts_is_done_and_names_them(monkeypatch):
    done = run(monkeypatch, 4)
    assert done["recap"]["gl-c1"] == {"changed": 0, "unreachable": 1, "failed": 0}
    assert ops.succeeded(done) and ops.unreachable(done) == ["gl-c1"] and ops.changed(done) == 5
    assert ops.summary(done, done)["unreachable"] == ["gl-c1"]


def test_a_failed_host_is_a_failure_whatever_the_exit_code(monkeypatch):
    failed = run(monkeypatch, 4, RECAP.replace("unreachable=0    failed=0    skipped=7",
                                               "unreachable=0    failed=1    skipped=7"))
    assert not ops.succeeded(failed)
    assert not ops.succeeded(run(monkeypatch, 2))
    assert not ops.succeeded(run(monkeypatch, 4, "no recap: the playbook did not start\n"))

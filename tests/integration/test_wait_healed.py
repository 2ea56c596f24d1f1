"""roles/cluster_health_gate's wait_healed (the end of replace_device, replace_node, scale_out and each node of
the rolling upgrade): entries still pending after cluster_health_gate_heal_nudge_after seconds get an index
heal (`gluster volume heal VOL`: the self-heal daemons crawl at once instead of at their next
cluster.heal-timeout, 600 s by default; seen on the lab after a scale-out), and the wait goes on.  The pool is
the gluster CLI TEST DOUBLE (tests/integration/gluster_double: the XML recorded on the lab), on the control
machine."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVENTORY = os.path.join(ROOT, "tests", "integration", "inventories", "rolling_upgrade_local.yml")
DOUBLE = os.path.join(ROOT, "tests", "integration", "gluster_double")
PLAYBOOK = os.path.join(ROOT, "tests", "integration", "playbooks", "wait_healed.yml")
INDEX_HEAL = re.compile(r"volume heal (\S+)$")


def run(tmp_path, **env_extra):
    log = tmp_path / "gluster-calls.log"
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, PATH=DOUBLE + os.pathsep + os.environ["PATH"],
               GLUSTER_DOUBLE_LOG=str(log), **env_extra)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", INVENTORY, PLAYBOOK],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    calls = log.read_text().splitlines() if log.exists() else []
    recap = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", proc.stdout, re.M)}
    return proc, [INDEX_HEAL.search(c).group(1) for c in calls if INDEX_HEAL.search(c)], recap


def test_nothing_pending_no_index_heal(tmp_path):
    proc, healed, recap = run(tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert healed == [] and recap == {"gl-b1": 0}, (healed, recap)


def test_entries_that_only_an_index_heal_clears_are_healed_after_the_nudge(tmp_path):
    # pending until `volume heal drvol` (the daemons would otherwise wait for their next crawl)
    proc, healed, recap = run(tmp_path, GLUSTER_DOUBLE_HEAL_PENDING="3",
                              GLUSTER_DOUBLE_INDEX_HEALED=str(tmp_path / "index-healed"))
    out = proc.stdout
    assert proc.returncode == 0, out[-3000:]
    # each volume with entries pending (the double shows them on every volume), once
    assert sorted(healed) == ["drvol", "gluster_shared_storage"], healed
    assert "Go on waiting for full redundancy" in out and recap == {"gl-b1": 0}, (out[-3000:], recap)


def test_entries_still_pending_after_the_nudge_fail_naming_them(tmp_path):
    # the index heal is refused (the double's rc 99, as with a self-heal daemon down): the wait goes on,
    # then fails within its time naming what is still pending
    proc, healed, recap = run(tmp_path, GLUSTER_DOUBLE_HEAL_PENDING="3")
    out = proc.stdout
    assert proc.returncode != 0, out[-3000:]
    assert sorted(healed) == ["drvol", "gluster_shared_storage"], healed
    assert "volume drvol: 3 entries pending heal" in out, out[-3000:]

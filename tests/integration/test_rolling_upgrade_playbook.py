"""playbooks/rolling_upgrade.yml: the plan (data sites first, the tie-breaker last) and its refusals before
anything changes: a node down, heal pending, a site that does not answer, a dist-upgrade without the new
release's sources.  Every node is the control machine (ansible_connection: local) with the gluster CLI
TEST DOUBLE on PATH (tests/integration/gluster_double/gluster: the XML recorded on the lab; it fails any
command that would change the pool, and logs every call).  The upgrade itself runs on the lab only."""
import os
import re
import subprocess
import sys


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVENTORY = os.path.join(ROOT, "tests", "integration", "inventories", "rolling_upgrade_local.yml")
DOUBLE = os.path.join(ROOT, "tests", "integration", "gluster_double")
PLAN = "gl-b1 (site b) -> gl-b2 (site b) -> gl-c1 (site c)"


READ_ONLY = re.compile(r"(--version|pool list|volume info all|volume status all|volume heal \S+ info summary|volume get "
                       r"|volume geo-replication status)")


def run(tmp_path, *args, inventories=(), **env_extra):
    log = tmp_path / "gluster-calls.log"
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, PATH=DOUBLE + os.pathsep + os.environ["PATH"],
               GLUSTER_DOUBLE_LOG=str(log), **env_extra)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", INVENTORY]
                          + sum((["-i", str(i)] for i in inventories), []) + ["playbooks/rolling_upgrade.yml"] + list(args), cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    calls = log.read_text().splitlines() if log.exists() else []
    recap = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", proc.stdout, re.M)}
    return proc, calls, recap


def refused(proc, calls, recap, text):
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert text in out, out[-3000:]
    assert recap and not any(recap.values()), recap          # nothing changed on any host
    assert "Upgrade one node at a time" not in out           # no node was touched
    assert all(READ_ONLY.search(c) for c in calls), calls   # only reads reached the pool
    return out


def test_the_plan_orders_data_sites_first_and_the_tiebreaker_last(tmp_path):
    # heal pending makes the run stop at the health gate, after the plan was printed
    proc, calls, recap = run(tmp_path, GLUSTER_DOUBLE_HEAL_PENDING="3")
    out = proc.stdout
    assert "one node at a time, waiting for full redundancy after each: gl-a1 (site a) -> gl-a2 (site a) -> " + PLAN in out, out[-3000:]


def test_heal_pending_is_refused_before_anything_changes(tmp_path):
    proc, calls, recap = run(tmp_path, GLUSTER_DOUBLE_HEAL_PENDING="3")
    refused(proc, calls, recap, "rolling_upgrade.yml refused, nothing was changed: the cluster is already degraded: "
                                "volume drvol: 3 entries pending heal")
    assert any("heal drvol info summary" in c for c in calls), calls


def test_a_node_down_is_refused_before_anything_changes(tmp_path):
    proc, calls, recap = run(tmp_path, GLUSTER_DOUBLE_DISCONNECTED="10.77.2.12")
    out = refused(proc, calls, recap, "rolling_upgrade.yml refused, nothing was changed: the cluster is already degraded: "
                                      "peer 10.77.2.12 is")
    assert "-e force=true" in out  # the gate's wording; the upgrade itself passes force=false whatever is given


def test_force_does_not_override_the_refusal(tmp_path):
    proc, calls, recap = run(tmp_path, "-e", "force=true", GLUSTER_DOUBLE_DISCONNECTED="10.77.2.12")
    refused(proc, calls, recap, "peer 10.77.2.12 is")


def test_a_site_that_does_not_answer_is_named(tmp_path):
    # gl-b2 is reached over SSH on a port where nothing listens: it does not answer, at once
    down = tmp_path / "gl-b2-down.yml"
    down.write_text("all:\n  hosts:\n    gl-b2: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 9}\n")
    proc, calls, recap = run(tmp_path, inventories=(down,))
    out = refused(proc, calls, recap, "did not answer: rolling_upgrade.yml stops here, before changing anything")
    assert "site b" in out, out[-3000:]
    assert calls == []  # stopped before the health gate read the pool


def test_dist_upgrade_without_the_new_sources_is_refused_on_the_control_node(tmp_path):
    proc, calls, recap = run(tmp_path, "-e", "gluster_rolling_upgrade_method=dist_upgrade")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "gluster_rolling_upgrade_method=dist_upgrade needs gluster_rolling_upgrade_apt_sources" in out, out[-2000:]
    assert calls == []  # refused before any host (and any gluster command)


def test_an_unknown_method_is_refused(tmp_path):
    proc, calls, recap = run(tmp_path, "-e", "gluster_rolling_upgrade_method=yum")
    assert proc.returncode != 0 and "gluster_rolling_upgrade_method=yum is neither packages nor dist_upgrade" in proc.stdout
    assert calls == []

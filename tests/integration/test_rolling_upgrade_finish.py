"""roles/gluster_rolling_upgrade, tasks_from: finish (after the last node): cluster.op-version is left alone
unless every node of gluster_nodes runs the new release.  Two nodes reached on the control machine
(ansible_connection: local) with a fake `glusterd --version` per node and a fake `gluster` that answers
`volume get all ...` and logs every call.

Found on the lab run of 2026-11-26: under ansible-core 2.19 the release table ({% set %} + update() in a
template) stayed empty, so the check passed with nodes on 9.2 and printed "every node runs GlusterFS ";
a run limited to one node (--limit) also passed it with the other nodes unchecked."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PLAY = """\
- hosts: gluster_nodes
  gather_facts: false
  environment:
    FAKE_RELEASE: "{{ fake_release }}"
  tasks:
    - ansible.builtin.include_role:
        name: metrostor.gluster.gluster_rolling_upgrade
        tasks_from: finish
      vars:
        gluster_rolling_upgrade_target_major: "{{ target | default('10') }}"
        gluster_rolling_upgrade_bump_op_version: false
"""

GLUSTER = """\
#!/bin/sh
echo "$*" >> "$FAKE_GLUSTER_LOG"
case "$*" in
  *"volume get all cluster.op-version"*) printf 'Option Value\\n------ -----\\ncluster.op-version 90000\\n' ;;
  *"volume get all cluster.max-op-version"*) printf 'Option Value\\n------ -----\\ncluster.max-op-version 100000\\n' ;;
  *) echo "fake gluster: refusing $*" >&2; exit 1 ;;
esac
"""


def run(tmp_path, releases, *args):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "glusterd").write_text('#!/bin/sh\necho "glusterfs $FAKE_RELEASE"\n')
    (bin_dir / "gluster").write_text(GLUSTER)
    for tool in ("glusterd", "gluster"):
        (bin_dir / tool).chmod(0o755)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text("all:\n  children:\n    gluster_nodes:\n      hosts:\n" + "".join(
        "        %s: {ansible_connection: local, fake_release: '%s'}\n" % (host, rel) for host, rel in releases.items()))
    playbook = tmp_path / "finish.yml"
    playbook.write_text(textwrap.dedent(PLAY))
    log = tmp_path / "gluster-calls.log"
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, PATH=str(bin_dir) + os.pathsep + os.environ["PATH"],
               FAKE_GLUSTER_LOG=str(log))
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory),
                           str(playbook)] + list(args), cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    calls = log.read_text().splitlines() if log.exists() else []
    return proc, proc.stdout + proc.stderr, calls


def test_a_node_on_the_old_release_keeps_the_op_version_and_is_named(tmp_path):
    proc, out, calls = run(tmp_path, {"n1": "10.3", "n2": "9.2"})
    assert proc.returncode != 0, out[-3000:]
    assert "The rolling upgrade is not finished, cluster.op-version was left as it is: not on GlusterFS 10: n2 (9.2)" in out
    assert calls == []   # not even read


def test_nodes_on_different_releases_without_a_target_are_named(tmp_path):
    proc, out, calls = run(tmp_path, {"n1": "10.3", "n2": "9.2"}, "-e", "target=")
    assert proc.returncode != 0, out[-3000:]
    assert "the nodes run different releases: n1 10.3, n2 9.2" in out and calls == []


def test_a_run_limited_to_some_nodes_does_not_count_as_finished(tmp_path):
    proc, out, calls = run(tmp_path, {"n1": "10.3", "n2": "9.2"}, "--limit", "n1")
    assert proc.returncode != 0, out[-3000:]
    assert "not checked in this run (--limit): n2" in out and calls == []


def test_every_node_on_the_new_release_passes_and_names_it(tmp_path):
    proc, out, calls = run(tmp_path, {"n1": "10.3", "n2": "10.3"})
    assert proc.returncode == 0, out[-3000:]
    assert "every node runs GlusterFS 10.3" in out
    assert all(" get all " in c for c in calls) and len(calls) == 2   # only read (the raise is switched off here)

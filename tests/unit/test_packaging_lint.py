"""ansible-lint, production profile (.ansible-lint), on the files that pass it, so they stay passing.

LINT_CLEAN lists what passes today among the files whose lint findings this
work may fix.  Other files that pass today (roles/site_reachability,
roles/cluster_health_gate, playbooks/health.yml) are for their owners to add.
The lint sees everything a listed playbook runs (its roles, imported
playbooks), so a finding in one of those fails it too.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
LINT_CLEAN = [
    "playbooks/validate_layout.yml",
    "playbooks/gluster_nodes.yml",
    "playbooks/awx_configure.yml",
    "roles/gluster_node",
    "roles/heketi",
    "playbooks/heketi.yml",
    "execution-environment.yml",
]


def lint(home, *paths, cwd=ROOT):
    """ansible-lint with its own HOME: it installs the collection under test into ~/.ansible/collections,
    where a stale copy would shadow the checkout for later runs that use the default collections path."""
    env = dict(os.environ, PATH=os.pathsep.join([BIN, os.environ.get("PATH", "")]), NO_COLOR="1", HOME=str(home))
    return subprocess.run([os.path.join(BIN, "ansible-lint"), "-f", "pep8", "--nocolor"] + list(paths), cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=900, check=False)


def test_clean_files_pass_the_production_profile(tmp_path):
    proc = lint(tmp_path, *LINT_CLEAN)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Profile 'production' was required, and it passed" in out


def test_lint_fails_a_playbook_that_breaks_the_profile(tmp_path):
    """The same configuration refuses a task without a name and a bare `command`."""
    (tmp_path / ".ansible-lint").write_text(open(os.path.join(ROOT, ".ansible-lint")).read())
    (tmp_path / "bad.yml").write_text("---\n- name: Bad\n  hosts: localhost\n  tasks:\n    - command: /bin/true\n")
    proc = lint(tmp_path, "bad.yml", cwd=str(tmp_path))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "fqcn[action-core]" in out and "name[missing]" in out and "no-changed-when" in out

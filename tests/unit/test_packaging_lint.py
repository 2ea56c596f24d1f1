"""ansible-lint, production profile (.ansible-lint), on the files that pass it, so they stay passing.

LINT_CLEAN lists what passes today among the files whose lint findings this
work may fix (the whole tree's findings, by owner, are listed in docs/install.md).  Other files that pass today (roles/site_reachability,
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
    "changelogs",
    "tests/integration/targets",
    "molecule/default/molecule.yml",
    "molecule/stretch/molecule.yml",
    "tests/sanity/ignore-2.19.txt",
]
# Playbooks whose target hosts an operator chooses (`hosts: "{{ replace_node_host }}"`): other findings in
# them are their owners', but the syntax check must pass (.ansible-lint's extra_vars give it the hosts).
SURVEY_HOST_PLAYBOOKS = [
    "playbooks/heketi_failover.yml",
    "playbooks/replace_device.yml",
    "playbooks/replace_node.yml",
    "playbooks/scale_out.yml",
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


def test_playbooks_with_chosen_hosts_pass_the_syntax_check(tmp_path):
    proc = lint(tmp_path, "-t", "syntax-check", *SURVEY_HOST_PLAYBOOKS)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "syntax-check" not in proc.stdout, out[-4000:]


def test_changelog_fragments_may_have_long_lines_other_yaml_may_not(tmp_path):
    """.yamllint lifts the line length for changelog fragments only (one release note per line)."""
    for name in (".ansible-lint", ".yamllint"):
        (tmp_path / name).write_text(open(os.path.join(ROOT, name)).read())
    entry = "  - " + " ".join(["a release note that runs on"] * 8) + "\n"
    (tmp_path / "changelogs" / "fragments").mkdir(parents=True)
    (tmp_path / "changelogs" / "fragments" / "long.yml").write_text("---\nminor_changes:\n" + entry)
    (tmp_path / "long.yml").write_text("---\nminor_changes:\n" + entry)
    proc = lint(tmp_path, "changelogs/fragments/long.yml", "long.yml", cwd=str(tmp_path))
    out = proc.stdout + proc.stderr
    assert "long.yml:3: yaml[line-length]" in out, out[-3000:]
    assert "changelogs/fragments/long.yml" not in out, out[-3000:]


def test_lint_fails_a_playbook_that_breaks_the_profile(tmp_path):
    """The same configuration refuses a task without a name and a bare `command`."""
    (tmp_path / ".ansible-lint").write_text(open(os.path.join(ROOT, ".ansible-lint")).read())
    (tmp_path / "bad.yml").write_text("---\n- name: Bad\n  hosts: localhost\n  tasks:\n    - command: /bin/true\n")
    proc = lint(tmp_path, "bad.yml", cwd=str(tmp_path))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "fqcn[action-core]" in out and "name[missing]" in out and "no-changed-when" in out

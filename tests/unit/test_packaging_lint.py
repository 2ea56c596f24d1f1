"""ansible-lint, production profile (.ansible-lint), on the whole tree: 0 failures, so CI enforces it.

`ansible-lint` with no path lints what .ansible-lint does not exclude (every role, playbook, molecule
scenario, integration target, changelog fragment, execution-environment.yml, the sanity ignore file) and
runs the syntax check of every playbook first: the playbooks whose hosts an operator chooses
(`hosts: "{{ replace_node_host }}"`) get placeholders from .ansible-lint's extra_vars.  Findings accepted
for a reason are in .ansible-lint-ignore (one line each, with the reason above it) or in a `# noqa` with
the reason on the same line or the line above; anything else fails this test.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def lint(home, *paths, cwd=ROOT):
    """ansible-lint with its own HOME: it installs the collection under test into ~/.ansible/collections,
    where a stale copy would shadow the checkout for later runs that use the default collections path."""
    env = dict(os.environ, PATH=os.pathsep.join([BIN, os.environ.get("PATH", "")]), NO_COLOR="1", HOME=str(home))
    return subprocess.run([os.path.join(BIN, "ansible-lint"), "-f", "pep8", "--nocolor"] + list(paths), cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=1800, check=False)


def test_the_whole_tree_passes_the_production_profile(tmp_path):
    proc = lint(tmp_path)
    out = proc.stdout + proc.stderr
    failures = [line for line in proc.stdout.splitlines() if re.match(r"^\S+:\d+(:\d+)?: \S+", line)
                and not line.endswith("(warning)")]
    assert proc.returncode == 0 and failures == [], "\n".join(failures) or out[-4000:]
    assert "Profile 'production' was required, and it passed" in out, out[-4000:]
    summary = re.search(r"Passed: 0 failure\(s\), \d+ warning\(s\) in (\d+) files processed", out)
    assert summary and int(summary.group(1)) > 300, out[-2000:]   # the whole tree, not a few files


def test_noqa_comments_give_their_reason():
    """A `# noqa` silences a rule where it is wrong for the case: the reason is on its line or the line above."""
    bare = []
    for top in ("roles", "playbooks", "molecule", "tests/integration/targets", "examples"):
        for dirpath, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if not name.endswith((".yml", ".yaml")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    lines = f.read().splitlines()
                for i, line in enumerate(lines):
                    if "# noqa" not in line:
                        continue
                    before = line.split("# noqa")[0]
                    reason_above = i > 0 and lines[i - 1].strip().startswith("#")
                    reason_after = re.search(r"# noqa:?\s*[\w\[\]-]+(\s*,\s*[\w\[\]-]+)*\s+\S", line)
                    if not (reason_above or reason_after or "#" in before):
                        bare.append("%s:%d" % (os.path.relpath(path, ROOT), i + 1))
    assert bare == [], "noqa without its reason: %s" % bare


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

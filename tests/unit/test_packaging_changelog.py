"""Release notes from fragments (antsibull-changelog).

The fragments lint clean, changelogs/changelog.yaml is valid, and CHANGELOG.rst
is exactly what `antsibull-changelog generate` writes from them (so nobody
edits it by hand).  Each runs on a copy (galaxy.yml, changelogs/,
CHANGELOG.rst) so the checkout is not written to.  A broken fragment makes
the lint fail, naming the file.
"""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


@pytest.fixture
def copy(tmp_path):
    shutil.copy(os.path.join(ROOT, "galaxy.yml"), str(tmp_path))
    shutil.copy(os.path.join(ROOT, "CHANGELOG.rst"), str(tmp_path))
    shutil.copytree(os.path.join(ROOT, "changelogs"), str(tmp_path / "changelogs"),
                    ignore=shutil.ignore_patterns(".plugin-cache.yaml"))
    return tmp_path


def changelog(copy, *args):
    env = dict(os.environ, PATH=os.pathsep.join([BIN, os.environ.get("PATH", "")]))
    return subprocess.run([os.path.join(BIN, "antsibull-changelog")] + list(args), cwd=str(copy), env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_fragments_lint_clean(copy):
    proc = changelog(copy, "lint")
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr
    assert len(os.listdir(str(copy / "changelogs" / "fragments"))) > 0


def test_changelog_yaml_is_valid(copy):
    proc = changelog(copy, "lint-changelog-yaml", "changelogs/changelog.yaml")
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr


def test_changelog_rst_is_generated_from_the_fragments(copy):
    proc = changelog(copy, "generate", "--output", "generated.rst", "--output-format", "rst")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(os.path.join(ROOT, "CHANGELOG.rst")) as f:
        committed = f.read()
    assert (copy / "generated.rst").read_text() == committed
    assert "v0.1.0" in committed and "metrostor.gluster.heketi_topology" in committed


def test_a_broken_fragment_fails_the_lint(copy):
    (copy / "changelogs" / "fragments" / "broken.yml").write_text("new_stuff:\n  - not a section\n")
    proc = changelog(copy, "lint")
    assert proc.returncode != 0
    assert "broken.yml" in proc.stdout + proc.stderr

"""tests/integration/targets in ansible-test's layout (as kubernetes.core and community.general lay theirs
out): every target has `aliases` naming its CI group and either `tasks/main.yml` (a role) or an
executable `runme.sh` (a script); `setup_*` targets are only dependencies; ansible-test lists exactly
these targets and runs them (`ansible-test integration --local`) from a copy of the checkout laid out
as ansible_collections/metrostor/gluster.  The pytest integration tests beside them stay as they are
(tests/run.sh)."""
import os
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGETS = os.path.join(ROOT, "tests", "integration", "targets")
BIN = os.path.dirname(sys.executable)
NAMES = sorted(os.listdir(TARGETS))
TESTED = [name for name in NAMES if not name.startswith("setup_")]
# What ansible-test's copy needs: the collection's content, not the virtualenv, the lab or test output.
COPY_IGNORE = shutil.ignore_patterns(".venv", ".git", ".lab", "output", "__pycache__", "*.tar.gz", ".pytest_cache",
                                     "context", ".molecule", "dist")


def aliases(name):
    with open(os.path.join(TARGETS, name, "aliases")) as handle:
        return [line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()]


def test_there_are_targets():
    assert {"site_layout", "validate_layout", "heketi_modules", "setup_heketi_emulator"} <= set(NAMES)


@pytest.mark.parametrize("name", TESTED)
def test_target_has_aliases_with_a_ci_group_and_something_to_run(name):
    path = os.path.join(TARGETS, name)
    assert any(a.startswith("shippable/") for a in aliases(name)), "%s/aliases names no CI group" % name
    role = os.path.isfile(os.path.join(path, "tasks", "main.yml"))
    script = os.path.isfile(os.path.join(path, "runme.sh"))
    assert role != script, "%s: exactly one of tasks/main.yml and runme.sh" % name
    if script:
        assert os.access(os.path.join(path, "runme.sh"), os.X_OK), "%s/runme.sh is not executable" % name


@pytest.mark.parametrize("name", NAMES)
def test_dependencies_are_setup_targets_that_exist(name):
    meta = os.path.join(TARGETS, name, "meta", "main.yml")
    if not os.path.isfile(meta):
        return
    with open(meta) as handle:
        for dep in (yaml.safe_load(handle) or {}).get("dependencies", []):
            dep = dep if isinstance(dep, str) else dep["role"]
            assert dep.startswith("setup_") and dep in NAMES, "%s depends on %s" % (name, dep)


@pytest.fixture(scope="module")
def collection_copy(tmp_path_factory):
    dest = tmp_path_factory.mktemp("ansible-test") / "ansible_collections" / "metrostor" / "gluster"
    shutil.copytree(ROOT, str(dest), ignore=COPY_IGNORE, symlinks=True)
    return str(dest)


def ansible_test(copy, *args, timeout=900):
    env = dict(os.environ, PATH=os.pathsep.join([BIN, os.environ.get("PATH", "")]), ANSIBLE_NOCOLOR="1")
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)  # ansible-test puts the copy's collections tree there itself
    return subprocess.run([os.path.join(BIN, "ansible-test"), "integration"] + list(args), cwd=copy, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_ansible_test_lists_the_targets(collection_copy):
    proc = ansible_test(collection_copy, "--list-targets")
    assert proc.returncode == 0, proc.stderr[-3000:]
    listed = sorted(line.strip() for line in proc.stdout.splitlines() if line.strip())
    assert listed == TESTED, proc.stdout


def test_ansible_test_runs_the_targets(collection_copy):
    proc = ansible_test(collection_copy, "--local", *TESTED)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-5000:]
    for name in TESTED:
        assert "Running %s integration test" % name in out

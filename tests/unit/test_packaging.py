"""The collection as a Galaxy user gets it: the tarball, its install, a run by FQCN.

``ansible-galaxy collection build`` is run on a copy of the tracked files with
build debris planted in it (a virtualenv, lab images, test output, caches,
molecule's ephemeral dir, ansible-builder's context, an old tarball), so the
check of galaxy.yml's build_ignore does not depend on what lies in this
checkout.  The tarball is installed into an empty collections path and a
playbook is run from that installed copy by FQCN only, with
ANSIBLE_COLLECTIONS_PATH holding nothing but the install dir and the `ansible`
package's collections (site-packages): the checkout is not reachable.
"""
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from tests.heketi_emulator import HeketiEmulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
SITE_PACKAGES = os.path.dirname(os.path.dirname(os.path.abspath(yaml.__file__)))

# Planted in the copy; none of it may reach the tarball.
DEBRIS = [
    ".venv/lib/python3.11/site-packages/x.py",
    ".lab/images/base.img",
    "tests/output/junit/results.xml",
    ".pytest_cache/v/cache/lastfailed",
    "roles/heketi/.pytest_cache/README.md",
    "plugins/modules/__pycache__/heketi_info.cpython-311.pyc",
    "plugins/filter/site_layout.pyc",
    ".mypy_cache/3.11/x.json",
    ".cache/molecule/default/inventory",
    "molecule/default/.molecule/state.yml",
    ".ansible/collections/x",
    "context/Containerfile",
    "ee/dist/metrostor-gluster-0.0.9.tar.gz",
    "metrostor-gluster-0.0.8.tar.gz",
    "changelogs/.plugin-cache.yaml",
    "ansible_collections/metrostor/gluster/x",
    "playbooks/site.yml.swp",
    ".git/HEAD",
]
# A debris member is a planted path or anything below a planted directory.
DEBRIS_MARKERS = (".venv/", ".lab/", "tests/output/", ".pytest_cache/", "__pycache__/", ".pyc", ".mypy_cache/",
                  ".cache/", ".molecule/", ".ansible/", ".tar.gz", "plugin-cache", ".swp", ".git/")
# ... and these only at the top (a test fixture may hold its own ansible_collections tree)
TOP_DEBRIS = ("context/", "ansible_collections/")


def galaxy():
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        return yaml.safe_load(f)


def source_files():
    """The files of the checkout that git does not ignore (tracked, or new and not yet committed)."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [p for p in out.split("\0") if p and os.path.isfile(os.path.join(ROOT, p))]


EMPTY_CFG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "empty_ansible.cfg")


def plain_env(**extra):
    """An environment without the checkout on any collections path (conftest puts it there), nor its ansible.cfg."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_CONFIG=EMPTY_CFG)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(tarball path, member names) of a build from a debris-laden copy of the source files."""
    src = tmp_path_factory.mktemp("src")
    for rel in source_files():
        dst = os.path.join(src, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), dst)
    for rel in DEBRIS:
        dst = os.path.join(src, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "w") as f:
            f.write("debris\n")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(src)],
                          capture_output=True, text=True, env=plain_env(), timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    meta = galaxy()
    tarball = os.path.join(str(out), "%s-%s-%s.tar.gz" % (meta["namespace"], meta["name"], meta["version"]))
    with tarfile.open(tarball) as tar:
        members = tar.getnames()
    return tarball, members


def test_tarball_has_no_build_debris(built):
    members = built[1]
    debris = [m for m in members if any(mark in m + "/" for mark in DEBRIS_MARKERS)
              or (m + "/").startswith(TOP_DEBRIS)]
    assert debris == []


def test_tarball_holds_the_collection_content(built):
    members = built[1]
    for required in ("MANIFEST.json", "FILES.json", "meta/runtime.yml", "meta/execution-environment.yml",
                     "meta/ee-requirements.txt", "bindep.txt", "plugins/modules/heketi_info.py",
                     "plugins/modules/heketi_topology.py", "plugins/filter/site_layout.py",
                     "roles/heketi/meta/argument_specs.yml", "roles/gluster_node/meta/argument_specs.yml",
                     "playbooks/site.yml", "playbooks/validate_layout.yml", "CHANGELOG.rst",
                     "changelogs/changelog.yaml"):
        assert required in members, required
    # build_ignore drops no content: every source file of the collection's own directories is in it
    content_dirs = ("plugins/", "roles/", "playbooks/", "meta/", "changelogs/")
    missing = [p for p in source_files() if p.startswith(content_dirs) and p not in members
               and p != "changelogs/.plugin-cache.yaml"]
    assert missing == []


def test_manifest_carries_the_dependencies_of_galaxy_yml(built):
    import json
    tarball = built[0]
    with tarfile.open(tarball) as tar:
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    assert manifest["collection_info"]["dependencies"] == galaxy()["dependencies"]


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """The tarball installed (offline) into an empty collections path; returns that path."""
    tarball = built[0]
    dest = tmp_path_factory.mktemp("collections")
    # --no-deps: the dependencies come from the pinned `ansible` package (site-packages), as in CI
    # --force: older ansible-galaxy (2.15) skips the install when any configured path (~/.ansible) has a copy
    proc = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--no-deps",
                           "--force", "-p", str(dest), tarball], capture_output=True, text=True,
                          env=plain_env(ANSIBLE_COLLECTIONS_PATH=str(dest)), timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return str(dest)


def installed_env(installed):
    return plain_env(ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([installed, SITE_PACKAGES]))


def test_only_the_installed_copy_is_found(installed, tmp_path):
    proc = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "list", "metrostor.gluster", "--format", "yaml"],
                          capture_output=True, text=True, env=installed_env(installed), cwd=str(tmp_path), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    found = yaml.safe_load(proc.stdout)
    assert list(found) == [os.path.join(installed, "ansible_collections")]
    assert found[os.path.join(installed, "ansible_collections")]["metrostor.gluster"]["version"] == galaxy()["version"]


PLAYBOOK = """
- name: The installed collection, by FQCN only
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Heketi through the installed module
      metrostor.gluster.heketi_info:
        heketi_url: "{{ url }}"
        heketi_user: admin
        heketi_key: "{{ key }}"
      register: info

    - name: The three-site layout through the installed filter
      ansible.builtin.set_fact:
        layout: "{{ sites | metrostor.gluster.site_layout(nodes=nodes) }}"
      vars:
        sites: {a: {group: site_a, zone: 1}, b: {group: site_b, zone: 2}, c: {group: site_c, zone: 3, tiebreaker: true}}
        nodes: {a1: a, b1: b, c1: c}

    - name: Report
      ansible.builtin.debug:
        msg: "CLUSTERS={{ info.clusters | length }} SURVIVORS={{ layout.survivors_after_site_loss }}"
"""


def test_playbook_runs_from_the_installed_copy_by_fqcn(installed, tmp_path):
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    server = HeketiEmulator(admin_key="adminsecret", user_key="usersecret")
    server.start()
    try:
        proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", "play.yml",
                               "-e", "url=%s key=adminsecret" % server.url],
                              capture_output=True, text=True, env=installed_env(installed), cwd=str(tmp_path),
                              timeout=300, check=False)
    finally:
        server.stop()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "CLUSTERS=0 SURVIVORS=" in out
    assert ROOT not in out


def test_collection_playbook_runs_by_fqcn_from_the_installed_copy(installed, tmp_path):
    """`ansible-playbook metrostor.gluster.validate_layout` finds the playbook inside the installed tarball."""
    inventory = os.path.join(ROOT, "inventories", "three_site", "hosts.yml")
    shutil.copytree(os.path.dirname(inventory), str(tmp_path / "inv"))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", str(tmp_path / "inv" / "hosts.yml"),
                           "metrostor.gluster.validate_layout"],
                          capture_output=True, text=True, env=installed_env(installed), cwd=str(tmp_path), timeout=300, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "'dc1': 2, 'dc2': 2, 'tb': 1" in out

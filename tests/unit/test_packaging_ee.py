"""The execution environment: `ansible-builder create` and the build context it writes.

The image cannot be built here (no base image is reachable); what can be
checked is everything ansible-builder puts in the build context: the
collection tarball, the collection requirements AWX also syncs, the Python and
system requirements, the ansible.cfg, and a Containerfile that installs them
with the ansible-core and ansible-runner this project pins.  ansible-builder's
own introspection script (what runs inside the image build) is then run on
the tarball installed here, to show that the collection declares its needs
itself (meta/execution-environment.yml).
"""
import configparser
import os
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
DIST = os.path.join(ROOT, "ee", "dist")


def load(rel):
    with open(os.path.join(ROOT, rel)) as f:
        return yaml.safe_load(f)


def requirement_lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def pinned(name):
    """The version requirements.txt pins for a package."""
    for line in requirement_lines(os.path.join(ROOT, "requirements.txt")):
        if re.match(r"^%s==" % re.escape(name), line):
            return line.split("==", 1)[1]
    raise AssertionError("%s is not pinned in requirements.txt" % name)


def ssh_options(cfg_path):
    cfg = configparser.ConfigParser()
    cfg.read(cfg_path)
    args = cfg.get("ssh_connection", "ssh_args")
    options = dict(re.findall(r"-o\s*(\w+)=(\S+)", args))
    return {k: options.get(k) for k in ("ServerAliveInterval", "ServerAliveCountMax", "ConnectTimeout")}, \
        cfg.get("defaults", "timeout", fallback=None)


def env():
    out = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    out["ANSIBLE_CONFIG"] = os.path.join(ROOT, "tests", "unit", "fixtures", "empty_ansible.cfg")
    return out


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """Build the tarball into ee/dist (where execution-environment.yml takes it from), then `ansible-builder create`."""
    meta = load("galaxy.yml")
    os.makedirs(DIST, exist_ok=True)
    for old in os.listdir(DIST):
        if old.endswith(".tar.gz"):
            os.unlink(os.path.join(DIST, old))
    proc = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", DIST],
                          cwd=ROOT, capture_output=True, text=True, env=env(), timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ctx = str(tmp_path_factory.mktemp("ee") / "context")
    proc = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f", "execution-environment.yml",
                           "--context", ctx, "--output-filename", "Containerfile"],
                          cwd=ROOT, capture_output=True, text=True, env=env(), timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Complete! The build context can be found at" in proc.stdout
    return ctx, "%s-%s-%s.tar.gz" % (meta["namespace"], meta["name"], meta["version"])


def test_context_holds_exactly_this_collection(context):
    ctx, tarball = context
    assert os.listdir(os.path.join(ctx, "_build", "collections")) == [tarball]
    with tarfile.open(os.path.join(ctx, "_build", "collections", tarball)) as tar:
        members = tar.getnames()
        manifest = yaml.safe_load(tar.extractfile("MANIFEST.json"))
    for needed in ("meta/execution-environment.yml", "meta/ee-requirements.txt", "bindep.txt",
                   "plugins/modules/heketi_topology.py", "roles/heketi/tasks/main.yml", "playbooks/site.yml"):
        assert needed in members, needed
    assert manifest["collection_info"]["version"] == load("galaxy.yml")["version"]


def test_context_holds_every_collection_dependency(context):
    ctx = context[0]
    in_context = load(os.path.join(ctx, "_build", "requirements.yml"))
    assert in_context == load("collections/requirements.yml")
    names = {c["name"] for c in in_context["collections"]}
    # every dependency the collection declares (galaxy.yml) is installed in the image
    assert set(load("galaxy.yml")["dependencies"]) <= names


def test_context_holds_the_python_and_system_requirements(context):
    ctx = context[0]
    assert requirement_lines(os.path.join(ctx, "_build", "requirements.txt")) == \
        requirement_lines(os.path.join(ROOT, "meta", "ee-requirements.txt"))
    system = requirement_lines(os.path.join(ctx, "_build", "bindep.txt"))
    assert system == requirement_lines(os.path.join(ROOT, "bindep.txt"))
    for package in ("openssh-clients [platform:rpm]", "openssh-client [platform:dpkg]",
                    "glusterfs-fuse [platform:rpm]", "glusterfs-client [platform:dpkg]"):
        assert package in system


def test_ee_requirements_are_runtime_only():
    """Not the development tooling: no test runner, linter, molecule or lab helper in the image."""
    runtime = {re.split(r"[<>=\[ ;]", line, 1)[0].lower() for line in
               requirement_lines(os.path.join(ROOT, "meta", "ee-requirements.txt"))}
    assert runtime.isdisjoint({"pytest", "pytest-testinfra", "molecule", "ansible-lint", "ansible-builder",
                               "antsibull-changelog", "netfilterqueue", "kubernetes-validate"})


def test_containerfile_installs_the_pinned_engine_and_the_collection(context):
    ctx = context[0]
    with open(os.path.join(ctx, "Containerfile")) as f:
        text = f.read()
    refs = re.search(r'ARG ANSIBLE_INSTALL_REFS="([^"]*)"', text).group(1).split()
    assert "ansible-core==%s" % pinned("ansible-core") in refs
    assert "ansible-runner==%s" % pinned("ansible-runner") in refs
    assert re.search(r"ansible-galaxy collection install .*-r requirements.yml", text)
    assert "ansible-galaxy collection install --offline --collections-path /usr/share/ansible/collections " \
           "/build/collections/metrostor-gluster-*.tar.gz" in text
    assert "COPY _build/configs/ansible.cfg /etc/ansible/ansible.cfg" in text
    # introspection in the image merges our files with every installed collection's
    assert "introspect.py introspect --user-pip=requirements.txt --user-bindep=bindep.txt" in text


def test_ee_ansible_cfg_keeps_the_projects_ssh_keepalive(context):
    ctx = context[0]
    project = ssh_options(os.path.join(ROOT, "ansible.cfg"))
    image = ssh_options(os.path.join(ctx, "_build", "configs", "ansible.cfg"))
    assert project == image
    assert project[0] == {"ServerAliveInterval": "5", "ServerAliveCountMax": "3", "ConnectTimeout": "10"}
    assert project[1] == "10"


def test_installed_collection_declares_its_own_requirements(context, tmp_path):
    """ansible-builder's introspection (run in the image build) finds our requirements in the installed tarball."""
    ctx, tarball = context
    # --force: without it ansible-galaxy skips the install when any configured collections path
    # (~/.ansible/collections, where molecule and other tests install it) already has this version
    dest = tmp_path / "collections"
    proc = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--no-deps",
                           "--force", "-p", str(dest), os.path.join(ctx, "_build", "collections", tarball)],
                          capture_output=True, text=True, env=env(), timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    introspect = os.path.join(ctx, "_build", "scripts", "introspect.py")
    pip_out, bindep_out = tmp_path / "pip.txt", tmp_path / "bindep.txt"
    proc = subprocess.run([sys.executable, introspect, "introspect", str(dest), "--write-pip", str(pip_out),
                           "--write-bindep", str(bindep_out)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pip_lines = pip_out.read_text().splitlines()
    bindep_lines = bindep_out.read_text().splitlines()
    assert "kubernetes>=24.2.0  # from collection metrostor.gluster" in pip_lines
    assert "glusterfs-fuse [platform:rpm]  # from collection metrostor.gluster" in bindep_lines
    assert "openssh-clients [platform:rpm]  # from collection metrostor.gluster" in bindep_lines
    # not the development tooling at the collection root (requirements.txt)
    assert not [line for line in pip_lines if line.startswith(("pytest", "molecule", "NetfilterQueue"))]

"""playbooks/dr_k8s_restore.yml in render mode: exported objects (a kubectl List and single
documents) are rewritten for the standby cluster, written one per file, validated by
kubernetes-validate; a second run changes nothing; a PV without DR copy is refused before
anything is written."""
import copy
import os
import pathlib
import shutil
import sys
import tempfile

import yaml

from tests import background_checks
from tests.background_checks import BackgroundCheck, uses
from tests.unit.test_k8s_dr_rewrite import EXPORTED, PV_GLUSTER

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(export_dir, render_dir, *extra):
    env = dict(background_checks.environ(), ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return background_checks.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                                  "tests/integration/inventories/dr_k8s.yml", "playbooks/dr_k8s_restore.yml",
                                  "-e", "dr_k8s_export_dir=%s" % export_dir, "-e", "dr_k8s_render_dir=%s" % render_dir,
                                  "-e", "dr_k8s_nfs_server=10.77.4.11"] + list(extra),
                                 cwd=ROOT, env=env, timeout=300)


def render_twice():
    """Renders the exported objects, then again: {"first": proc, "again": proc, "files": {name: text} of the first}."""
    top = pathlib.Path(tempfile.mkdtemp(prefix="metrostor-dr-k8s-"))
    try:
        export, render = top / "export", top / "render"
        export.mkdir()
        (export / "all.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": EXPORTED[:5]}))
        (export / "more.yml").write_text(yaml.safe_dump_all(EXPORTED[5:]))
        first = run(export, render)
        files = {name: (render / name).read_text() for name in os.listdir(render)} if render.is_dir() else {}
        return {"first": first, "again": run(export, render), "files": files}
    finally:
        shutil.rmtree(top, ignore_errors=True)


# two ansible-playbook runs, about 35 s on CI: started in the background once collected (tests/background_checks.py)
RENDER_TWICE = BackgroundCheck("playbooks/dr_k8s_restore.yml render, twice", render_twice)


@uses(RENDER_TWICE)
def test_render_validate_and_rerun():
    runs = RENDER_TWICE.result()
    proc = runs["first"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    files = sorted(runs["files"])
    assert len(files) == len(EXPORTED) + 2  # + Endpoints and Service for the glusterfs PV's namespace
    assert files[0].startswith("000-endpoints-shop-glusterfs-dr")
    pv = yaml.safe_load(runs["files"][next(f for f in files if "persistentvolume-cluster-pvc-0b7e" in f)])
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["spec"]["glusterfs"] == {"endpoints": "glusterfs-dr", "path": "vol_3f2a"}
    assert "uid" not in pv["spec"]["claimRef"]
    again = runs["again"]
    assert again.returncode == 0 and "changed=0" in again.stdout, again.stdout[-2000:]


def test_pv_without_dr_copy_refused_before_writing(tmp_path):
    export, render = tmp_path / "export", tmp_path / "render"
    export.mkdir()
    orphan = copy.deepcopy(PV_GLUSTER)
    orphan["spec"]["glusterfs"]["path"] = "vol_nodr"
    (export / "pv.yml").write_text(yaml.safe_dump(orphan))
    proc = run(export, render)
    assert proc.returncode != 0
    assert "pvc-0b7e uses Gluster volume vol_nodr, which has no DR copy" in proc.stdout
    assert not render.exists()

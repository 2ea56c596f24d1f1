"""playbooks/dr_k8s_restore.yml in render mode: exported objects (a kubectl List and single
documents) are rewritten for the standby cluster, written one per file, validated by
kubernetes-validate; a second run changes nothing; a PV without DR copy is refused before
anything is written."""
import copy
import os
import subprocess
import sys

import yaml

from tests.unit.test_k8s_dr_rewrite import EXPORTED, PV_GLUSTER

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(export_dir, render_dir, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                           "tests/integration/inventories/dr_k8s.yml", "playbooks/dr_k8s_restore.yml",
                           "-e", "dr_k8s_export_dir=%s" % export_dir, "-e", "dr_k8s_render_dir=%s" % render_dir,
                           "-e", "dr_k8s_nfs_server=10.77.4.11"] + list(extra),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_render_validate_and_rerun(tmp_path):
    export, render = tmp_path / "export", tmp_path / "render"
    export.mkdir()
    (export / "all.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": EXPORTED[:5]}))
    (export / "more.yml").write_text(yaml.safe_dump_all(EXPORTED[5:]))
    proc = run(export, render)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    files = sorted(os.listdir(render))
    assert len(files) == len(EXPORTED) + 2  # + Endpoints and Service for the glusterfs PV's namespace
    assert files[0].startswith("000-endpoints-shop-glusterfs-dr")
    pv = yaml.safe_load((render / next(f for f in files if "persistentvolume-cluster-pvc-0b7e" in f)).read_text())
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["spec"]["glusterfs"] == {"endpoints": "glusterfs-dr", "path": "vol_3f2a"}
    assert "uid" not in pv["spec"]["claimRef"]
    again = run(export, render)
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

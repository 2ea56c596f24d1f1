"""metrostor.gluster.kubernetes_manifest_files, run in-process as AnsibleModule runs it."""
import os
import stat

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.metrostor.gluster.plugins.modules import kubernetes_manifest_files


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result.get("msg"))
        self.result, self.failed = result, failed


@pytest.fixture
def run(monkeypatch):
    def exit_json(self, **kwargs):
        raise Exit(kwargs, False)

    def fail_json(self, msg, **kwargs):
        raise Exit(dict(kwargs, msg=msg), True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)

    def call(args, check=False, diff=True):
        with patch_module_args(dict(args, _ansible_check_mode=check, _ansible_diff=diff)):
            with pytest.raises(Exit) as info:
                kubernetes_manifest_files.main()
        return info.value

    return call


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_write_then_nothing_then_change(run, tmp_path):
    files = [{"path": "c1/01-storageclass-a.yaml", "content": "kind: StorageClass\n"},
             {"path": "c2/01-csidriver-x.yaml", "content": "kind: CSIDriver\n"}]
    first = run({"dest": str(tmp_path), "files": files})
    assert not first.failed and first.result["changed"]
    assert first.result["written"] == ["c1/01-storageclass-a.yaml", "c2/01-csidriver-x.yaml"]
    assert (tmp_path / "c1" / "01-storageclass-a.yaml").read_bytes() == b"kind: StorageClass\n"
    assert mode(tmp_path / "c1" / "01-storageclass-a.yaml") == 0o644 and mode(tmp_path / "c1") == 0o755
    mtime = os.stat(tmp_path / "c1" / "01-storageclass-a.yaml").st_mtime_ns
    second = run({"dest": str(tmp_path), "files": files})
    assert not second.result["changed"] and second.result["unchanged"] == 2
    assert os.stat(tmp_path / "c1" / "01-storageclass-a.yaml").st_mtime_ns == mtime
    os.chmod(tmp_path / "c2" / "01-csidriver-x.yaml", 0o666)
    third = run({"dest": str(tmp_path), "files": files})
    assert third.result["written"] == ["c2/01-csidriver-x.yaml"]
    assert third.result["diff"][0]["before"] == "(mode 0666)\n" and third.result["diff"][0]["after"] == "(mode 0644)\n"
    assert mode(tmp_path / "c2" / "01-csidriver-x.yaml") == 0o644


def test_check_mode_writes_nothing_and_diff_shows_content(run, tmp_path):
    result = run({"dest": str(tmp_path), "files": [{"path": "c/01-secret-x.yaml", "content": "a: 1\n"}]}, check=True)
    assert result.result["changed"] and os.listdir(tmp_path) == []
    assert result.result["diff"] == [{"before_header": "c/01-secret-x.yaml (absent)", "after_header": "c/01-secret-x.yaml",
                                      "before": "", "after": "a: 1\n"}]


def test_stale_manifests_removed_other_files_kept(run, tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "07-storageclass-old.yaml").write_text("old")
    (tmp_path / "c" / "kustomization.yaml").write_text("keep")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "01-storageclass-x.yaml").write_text("not ours to judge")
    result = run({"dest": str(tmp_path), "files": [{"path": "c/01-storageclass-new.yaml", "content": "new"}]})
    assert result.result["removed"] == ["c/07-storageclass-old.yaml"]
    assert sorted(os.listdir(tmp_path / "c")) == ["01-storageclass-new.yaml", "kustomization.yaml"]
    assert os.path.exists(tmp_path / "other" / "01-storageclass-x.yaml")
    kept = run({"dest": str(tmp_path), "files": [{"path": "c/01-storageclass-new.yaml", "content": "new"}],
                "remove_stale": False})
    assert not kept.result["changed"]


def test_secret_files_hidden_from_diff_and_0600(run, tmp_path):
    args = {"dest": str(tmp_path), "files": [{"path": "c/01-storageclass-a.yaml", "content": "x\n"}],
            "secret_files": [{"path": "c/00-secret-ns-heketi.yaml", "content": "data: {key: c2VjcmV0}\n"}]}
    result = run(args)
    assert "c2VjcmV0" not in repr(result.result)
    secret_diff = [d for d in result.result["diff"] if d["after_header"] == "c/00-secret-ns-heketi.yaml"]
    assert secret_diff[0]["after"] == "(secret, 22 bytes, mode 0600)\n"
    assert mode(tmp_path / "c" / "00-secret-ns-heketi.yaml") == 0o600
    assert not run(args).result["changed"]
    # no longer asked for: the Secret file goes
    gone = run(dict(args, secret_files=[]))
    assert gone.result["removed"] == ["c/00-secret-ns-heketi.yaml"]


def test_paths_must_stay_under_dest(run, tmp_path):
    result = run({"dest": str(tmp_path), "files": [{"path": "../escape.yaml", "content": "x"}]})
    assert result.failed and "must stay under dest" in result.result["msg"]

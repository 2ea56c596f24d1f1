"""Each refusal of the kubernetes_storage role names the field it comes from."""
import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_checks import (
    StorageCheckError,
    check_clusters,
    immutable_change_message,
    immutable_changes,
    unknown_heketi_clusters,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_version import parse_version, server_version
from tests.unit.k8s_storage_settings import role_settings


def refused(clusters, mode="render", cluster_info=None, exists=lambda p: True, **overrides):
    with pytest.raises(StorageCheckError) as info:
        check_clusters(clusters, role_settings(**overrides), mode, cluster_info=cluster_info, path_exists=exists)
    return str(info.value)


def info(git_version, apis=("v1", "storage.k8s.io/v1", "snapshot.storage.k8s.io/v1")):
    return {"version": {"server": {"kubernetes": {"gitVersion": git_version}}},
            "apis": dict((a, {}) for a in apis)}


@pytest.mark.parametrize("text,expected", [("1.24", (1, 24)), ("v1.24.3", (1, 24)), ("1.25.16+rke2r1", (1, 25)),
                                           ("v1.29.3-gke.1282001", (1, 29)), (" 1.35 ", (1, 35))])
def test_versions_read(text, expected):
    assert parse_version(text) == expected


@pytest.mark.parametrize("bad", ["latest", "1", "1.x", "24", "v1.24.3 beta", ""])
def test_unknown_version_string(bad):
    msg = refused([{"name": "k", "version": bad}])
    assert "kubernetes_storage_clusters[0].version" in msg and "is not a Kubernetes version" in msg


@pytest.mark.parametrize("version", ["1.18", "1.36", "2.0"])
def test_version_outside_range(version):
    msg = refused([{"name": "k", "version": version}])
    assert "kubernetes_storage_clusters[0].version: Kubernetes %s is outside the supported range 1.19-1.35" \
        % version in msg


def test_glusterfs_on_126_names_the_nfs_path():
    msg = refused([{"name": "ok", "version": "1.25", "paths": ["heketi"]},
                   {"name": "new", "version": "1.26", "paths": ["heketi", "nfs"]}])
    assert "kubernetes_storage_clusters[1].paths" in msg and "removed in Kubernetes 1.26" in msg
    assert "use the NFS path" in msg and "kubernetes_storage_clusters[0]" not in msg


def test_missing_kubeconfig_in_apply_mode():
    msg = refused([{"name": "k", "version": "1.29"}], mode="apply")
    assert "kubernetes_storage_clusters[0].kubeconfig is missing: apply mode talks to the cluster" in msg


@pytest.mark.parametrize("entry", [{"name": "k", "version": "api"}, {"name": "k"}, {"name": "k", "version": None}])
def test_missing_kubeconfig_when_asking_the_api(entry):
    """No version (or null, as a role argument spec may fill in) means: ask the API."""
    msg = refused([entry])
    assert "kubernetes_storage_clusters[0].kubeconfig is missing: the version is asked from the API" in msg


def test_null_fields_take_their_defaults():
    cluster = check_clusters([{"name": "k", "version": "1.29", "paths": None, "snapshots": None, "zones": None}],
                             role_settings(), "render")[0]
    assert cluster["paths"] == ["nfs"] and cluster["snapshots"] is True
    assert cluster["zones"] == {"a": "site-a", "b": "site-b"}


def test_kubeconfig_that_does_not_exist():
    msg = refused([{"name": "k", "version": "1.29", "kubeconfig": "/nope/kubeconfig"}], mode="apply",
                  exists=lambda p: False)
    assert "kubernetes_storage_clusters[0].kubeconfig: /nope/kubeconfig does not exist" in msg


def test_render_mode_needs_no_kubeconfig_with_a_version():
    clusters = check_clusters([{"name": "k", "version": "1.29"}], role_settings(), "render")
    assert clusters[0]["version"] == (1, 29) and clusters[0]["paths"] == ["nfs"]


def test_nfs_on_120_without_static_volumes():
    msg = refused([{"name": "k", "version": "1.20", "paths": ["nfs"]}], kubernetes_storage_nfs_static_volumes=[])
    assert "kubernetes_storage_clusters[0].paths: csi-driver-nfs v4 needs Kubernetes 1.21" in msg
    assert "kubernetes_storage_nfs_static_volumes" in msg


def test_snapshot_api_the_version_does_not_serve():
    msg = refused([{"name": "k", "version": "1.29", "snapshot_api": "snapshot.storage.k8s.io/v1beta1"}])
    assert "kubernetes_storage_clusters[0].snapshot_api: Kubernetes 1.29 serves snapshot.storage.k8s.io/v1, " \
           "not snapshot.storage.k8s.io/v1beta1" in msg


def test_snapshot_api_checked_on_every_version():
    msg = refused([{"name": "old", "version": "1.19", "paths": ["heketi"],
                    "snapshot_api": "snapshot.storage.k8s.io/v1"}])
    assert "kubernetes_storage_clusters[0].snapshot_api: Kubernetes 1.19 serves snapshot.storage.k8s.io/v1beta1, " \
           "not snapshot.storage.k8s.io/v1" in msg
    ok = check_clusters([{"name": "old", "version": "1.19", "paths": ["heketi"],
                          "snapshot_api": "snapshot.storage.k8s.io/v1beta1"}], role_settings(), "render")
    assert ok[0]["snapshot_api"] == "snapshot.storage.k8s.io/v1beta1"


def test_snapshot_api_the_cluster_does_not_serve():
    msg = refused([{"name": "k", "version": "api", "kubeconfig": "/k"}],
                  cluster_info={"k": info("v1.29.3", apis=("v1", "storage.k8s.io/v1"))})
    assert "kubernetes_storage_clusters[0].snapshots: cluster k does not serve snapshot.storage.k8s.io/v1" in msg
    # without snapshots the same cluster is fine
    ok = check_clusters([{"name": "k", "version": "api", "kubeconfig": "/k", "snapshots": False}], role_settings(),
                        "render", cluster_info={"k": info("v1.29.3", apis=("v1",))}, path_exists=lambda p: True)
    assert ok[0]["version"] == (1, 29) and ok[0]["version_asked"]


def test_version_asked_from_the_api():
    clusters = check_clusters([{"name": "k", "version": "api", "kubeconfig": "/k"}], role_settings(), "render",
                              cluster_info={"k": info("v1.31.2+k3s1")}, path_exists=lambda p: True)
    assert clusters[0]["version_text"] == "1.31"
    msg = refused([{"name": "k", "version": "api", "kubeconfig": "/k"}], cluster_info={"k": info("v1.18.20")})
    assert "kubernetes_storage_clusters[0].version (as answered by the API): Kubernetes 1.18 is outside" in msg


def test_declared_version_differs_from_the_api():
    msg = refused([{"name": "k", "version": "1.24", "kubeconfig": "/k"}], mode="apply",
                  cluster_info={"k": info("v1.27.1")})
    assert "kubernetes_storage_clusters[0].version: the inventory says 1.24 but the cluster's API answers 1.27" in msg


def test_server_version_reads_k8s_cluster_info():
    assert server_version(info("v1.22.17")) == (1, 22)


@pytest.mark.parametrize("server,words", [
    ("10.99.0.5", "kubernetes_storage_nfs_server 10.99.0.5 is outside the networks of data site a "
                  "(kubernetes_storage_data_sites.a: 10.77.1.0/24, 10.77.10.0/24)"),
    # it moves between the data sites: a network of one site only is not enough
    ("10.77.2.50", "kubernetes_storage_nfs_server 10.77.2.50 is outside the networks of data site a"),
    ("nfs.example", "kubernetes_storage_nfs_server 'nfs.example' is not an IP address"),
    ("", "kubernetes_storage_nfs_server is not set"),
])
def test_floating_address(server, words):
    msg = refused([{"name": "k", "version": "1.29"}], kubernetes_storage_nfs_server=server)
    assert words in msg


def test_floating_address_in_the_network_of_both_sites_is_fine():
    check_clusters([{"name": "k", "version": "1.29"}], role_settings(kubernetes_storage_nfs_server="10.77.10.7"),
                   "render")


def test_data_site_without_networks():
    msg = refused([{"name": "k", "version": "1.29"}],
                  kubernetes_storage_data_sites={"a": {"zone": "site-a", "networks": ["10.77.10.0/24"]},
                                                 "b": {"zone": "site-b"}})
    assert "kubernetes_storage_data_sites has no networks for data site b" in msg


def test_floating_address_not_checked_for_heketi_only():
    check_clusters([{"name": "k", "version": "1.24", "paths": ["heketi"]}],
                   role_settings(kubernetes_storage_nfs_server=""), "render")


def test_heketi_settings():
    msg = refused([{"name": "k", "version": "1.24", "paths": ["heketi"]}], kubernetes_storage_heketi_resturl="",
                  kubernetes_storage_heketi_volume_options=["network.ping-timeout 4"],
                  kubernetes_storage_heketi_gid_min=100)
    assert "kubernetes_storage_heketi_resturl is missing" in msg
    assert "kubernetes_storage_heketi_volume_options must contain 'user.heketi.arbiter true'" in msg
    assert "kubernetes_storage_heketi_gid_min/gid_max: 100-50000" in msg


def test_paths_sites_names():
    msg = refused([{"name": "k", "version": "1.29", "paths": ["ceph"], "zones": {"c": "x"},
                    "node_sites": {"w1": "c"}}, {"name": "k", "version": "1.29"}])
    assert "kubernetes_storage_clusters[0].paths: ['ceph']" in msg
    assert "kubernetes_storage_clusters[0].zones: sites c are not data sites" in msg
    assert "kubernetes_storage_clusters[0].node_sites: node w1 is placed in site 'c'" in msg
    assert "the name k is used twice" in msg


def test_mode_and_clusters():
    assert "kubernetes_storage_mode: 'push'" in refused([{"name": "k", "version": "1.29"}], mode="push")
    assert "kubernetes_storage_clusters: give at least one" in refused([])


def test_default_class_must_be_made():
    msg = refused([{"name": "k", "version": "1.29"}], kubernetes_storage_default_class="fast")
    assert "kubernetes_storage_default_class: 'fast' is not one of the classes" in msg


def test_every_problem_is_listed_at_once():
    err = None
    try:
        check_clusters([{"name": "a", "version": "1.10"}, {"name": "b", "version": "1.26", "paths": ["heketi"]}],
                       role_settings(kubernetes_storage_nfs_server="192.0.2.1"), "apply", path_exists=lambda p: True)
    except StorageCheckError as caught:
        err = caught
    assert err is not None and len(err.problems) == 5, err.problems


def test_unknown_heketi_cluster_ids():
    heketi = [{"id": "aaa"}, {"id": "bbb"}]
    assert unknown_heketi_clusters(["aaa"], heketi) is None
    msg = unknown_heketi_clusters(["aaa", "zzz"], heketi)
    assert msg == "kubernetes_storage_heketi_cluster_ids: Heketi has no cluster zzz (it has: aaa, bbb)"
    assert "it has: none" in unknown_heketi_clusters(["x"], [])


def test_immutable_changes_and_message():
    existing = {"metadata": {"name": "gluster-nfs-stretched"}, "provisioner": "nfs.csi.k8s.io",
                "parameters": {"server": "10.77.10.50", "share": "/old"}, "reclaimPolicy": "Delete",
                "volumeBindingMode": "Immediate", "allowVolumeExpansion": False}
    wanted = dict(existing, parameters={"server": "10.77.10.50", "share": "/gluster-k8s", "subDir": "x"},
                  allowVolumeExpansion=True)
    changes = immutable_changes(existing, wanted)
    assert [f for f, _unused, _unused in changes] == ["parameters"]  # allowVolumeExpansion may change
    msg = immutable_change_message("gluster-nfs-stretched", changes)
    assert "parameters.share: \"/old\" -> \"/gluster-k8s\"" in msg and "parameters.subDir: null -> \"x\"" in msg
    assert "immutable" in msg and "kubernetes_storage_force: true" in msg
    assert immutable_changes(None, wanted) == []
    # defaults the API server fills in are not changes
    assert immutable_changes(dict(existing, reclaimPolicy="Delete"), dict(existing, reclaimPolicy=None)) == []
    wanted = dict(existing, volumeBindingMode="WaitForFirstConsumer", provisioner="x")
    assert [change[0] for change in immutable_changes(existing, wanted)] == ["provisioner", "volumeBindingMode"]

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Kubernetes versions the collection supports, and what each one offers.

Every version rule of the kubernetes_storage role lives here:

* the supported range, 1.19 (the Rancher 2 era) to 1.35;
* the in-tree ``kubernetes.io/glusterfs`` provisioner exists up to 1.25 (it is
  removed, dynamic and static, in 1.26);
* csi-driver-nfs v4 supports Kubernetes 1.21 and later; on 1.19-1.20 the NFS
  path offers statically provisioned in-tree ``nfs`` PersistentVolumes;
* the VolumeSnapshot API the cluster serves: ``snapshot.storage.k8s.io/v1``
  from 1.20, ``v1beta1`` on 1.17-1.19, ``v1alpha1`` before.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

SUPPORTED_MIN = (1, 19)
SUPPORTED_MAX = (1, 35)
GLUSTERFS_INTREE_LAST = (1, 25)
CSI_NFS_FIRST = (1, 21)
SNAPSHOT_GROUP = "snapshot.storage.k8s.io"

# "1.24", "1.24.3", "v1.24.3", "v1.24.3+rke2r1", "v1.29.3-gke.1282001"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$")


class K8sVersionError(ValueError):
    """A version that cannot be read or is outside the supported range."""


def parse_version(text, field="version"):
    """(major, minor) of a Kubernetes version string; ``field`` names it in errors."""
    match = _VERSION.match(str(text).strip()) if text is not None else None
    if not match:
        raise K8sVersionError(
            "%s: %r is not a Kubernetes version; give it as 1.MINOR (for example 1.24 or v1.24.3), "
            "or 'api' to ask the cluster" % (field, text))
    return int(match.group(1)), int(match.group(2))


def version_text(version):
    return "%d.%d" % version


def check_supported(version, field="version"):
    """Refuse a version outside 1.19-1.35."""
    if not SUPPORTED_MIN <= version <= SUPPORTED_MAX:
        raise K8sVersionError(
            "%s: Kubernetes %s is outside the supported range %s-%s"
            % (field, version_text(version), version_text(SUPPORTED_MIN), version_text(SUPPORTED_MAX)))
    return version


def has_intree_glusterfs(version):
    return version <= GLUSTERFS_INTREE_LAST


def has_csi_nfs(version):
    return version >= CSI_NFS_FIRST


def served_snapshot_api(version):
    """The snapshot.storage.k8s.io version a cluster of this version serves."""
    if version >= (1, 20):
        return SNAPSHOT_GROUP + "/v1"
    if version >= (1, 17):
        return SNAPSHOT_GROUP + "/v1beta1"
    return SNAPSHOT_GROUP + "/v1alpha1"


def server_version(cluster_info, field="version"):
    """(major, minor) from kubernetes.core.k8s_cluster_info's ``version.server``."""
    server = ((cluster_info or {}).get("version") or {}).get("server") or {}
    git_version = (server.get("kubernetes") or server).get("gitVersion")
    return parse_version(git_version, field)

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dr_standby_objects
short_description: Rewrite Kubernetes objects exported from the primary cluster for the standby cluster at the DR site
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - Drops what the source cluster owns (uid, resourceVersion, creationTimestamp, generation, managedFields,
    ownerReferences, status, binding annotations, a Service's cluster IPs).
  - PersistentVolumes get reclaim policy Retain, lose claimRef uid and resourceVersion, and are pointed at the DR
    copy (in-tree glusterfs - DR volume and Endpoints, added for each claim namespace; nfs and the nfs.csi.k8s.io CSI
    driver - DR NFS server and share).
  - Refuses, naming each, a PV whose Gluster volume has no DR copy or whose volume source is of another kind.
options:
  _input:
    description: Objects as exported (for example the C(resources) of C(kubernetes.core.k8s_info)).
    type: list
    elements: dict
    required: true
  volumes:
    description: >-
      Primary Gluster volume to its DR copy, C({drvol: drvol}).
    type: dict
    required: true
  glusterfs_endpoints:
    description: Name of the Endpoints (and Service) the standby's in-tree glusterfs PVs use.
    type: str
  gluster_addresses:
    description: Addresses of the DR site's Gluster nodes (the Endpoints' addresses).
    type: list
    elements: str
  nfs_server:
    description: The DR site's NFS server, for nfs and CSI NFS PVs.
    type: str
"""

EXAMPLES = r"""
- name: Objects for the standby cluster
  ansible.builtin.set_fact:
    standby_objects: >-
      {{ exported | metrostor.gluster.dr_standby_objects(volumes={'drvol': 'drvol'},
         glusterfs_endpoints='glusterfs-dr', gluster_addresses=['10.77.4.11'], nfs_server='10.77.4.11') }}
"""

RETURN = r"""
_value:
  description: The rewritten objects, Endpoints and Services for the in-tree glusterfs PVs first.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_dr_rewrite import RewriteError, rewrite_for_standby


def dr_standby_objects(objects, volumes, glusterfs_endpoints=None, gluster_addresses=None, nfs_server=None):
    try:
        return rewrite_for_standby(objects, {"volumes": volumes, "glusterfs_endpoints": glusterfs_endpoints,
                                             "gluster_addresses": gluster_addresses, "nfs_server": nfs_server})
    except RewriteError as err:
        raise AnsibleFilterError("Not restorable on the standby cluster: %s" % err)


class FilterModule(object):
    def filters(self):
        return {"dr_standby_objects": dr_standby_objects}

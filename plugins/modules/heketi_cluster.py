#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_cluster
short_description: Manage Heketi clusters
description:
  - Creates, updates the file/block flags of, and deletes Heketi clusters.
  - Heketi clusters have no name. Without O(id), the module manages the only cluster
    (creating it when there is none) and fails when there are several.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  id:
    description: Id of the cluster. Required with O(state=absent) when several clusters exist.
    type: str
  file:
    description: Allow file volumes on the cluster.
    type: bool
    default: true
  block:
    description: Allow block-hosting volumes on the cluster.
    type: bool
    default: true
  state:
    description:
      - C(present) creates or updates; C(absent) deletes.
      - Heketi refuses (HTTP 409) to delete a cluster that still has nodes or volumes;
        remove them first, for example with M(metrostor.gluster.heketi_topology).
    type: str
    default: present
    choices: [present, absent]
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  action_group:
    support: full
    membership: [metrostor.gluster.heketi]
"""

EXAMPLES = r"""
- name: Make sure one cluster exists for file volumes only
  metrostor.gluster.heketi_cluster:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    block: false
  register: cluster

- name: Delete an empty cluster
  metrostor.gluster.heketi_cluster:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    id: "{{ cluster.cluster.id }}"
    state: absent
"""

RETURN = r"""
cluster:
  description: Cluster info as Heketi returns it (empty after deletion; predicted in check mode).
  returned: always
  type: dict
  sample: {"id": "8c1d...", "nodes": [], "volumes": [], "blockvolumes": [], "file": true, "block": false}
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import HeketiModule


class HeketiClusterModule(HeketiModule):
    argument_spec = dict(
        id=dict(type="str"),
        file=dict(type="bool", default=True),
        block=dict(type="bool", default=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def run(self):
        p = self.params
        if not p["file"] and not p["block"] and p["state"] == "present":
            self.fail("At least one of file or block must be true")
        clusters = self.client.cluster_list()
        if p["id"]:
            current = self.client.cluster_info(p["id"]) if p["id"] in clusters else None
        elif len(clusters) == 1:
            current = self.client.cluster_info(clusters[0])
        elif not clusters:
            current = None
        else:
            self.fail("Heketi has %d clusters (%s); say which one with id" % (len(clusters), ", ".join(clusters)))
        if p["state"] == "absent":
            self.result["cluster"] = {}
            if current:
                self.changed({"cluster": flags(current)}, {"cluster": None})
                if not self.check:
                    self.client.cluster_delete(current["id"])
            return
        want = {"file": p["file"], "block": p["block"]}
        if current is None:
            if p["id"]:
                self.fail("Cluster %s does not exist; Heketi chooses ids itself, so omit id to create one" % p["id"])
            self.changed({"cluster": None}, {"cluster": want})
            self.result["cluster"] = want if self.check else self.client.cluster_create(**want)
            return
        if flags(current) != want:
            self.changed({"cluster": flags(current)}, {"cluster": want})
            if not self.check:
                self.client.cluster_set_flags(current["id"], **want)
            current = dict(current, **want)
        self.result["cluster"] = current


def flags(info):
    return {"file": info.get("file"), "block": info.get("block")}


def main():
    HeketiClusterModule().main()


if __name__ == "__main__":
    main()

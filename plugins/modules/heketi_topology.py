#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_topology
short_description: Make Heketi's clusters, nodes and devices match a declared topology
description:
  - Declarative counterpart of C(heketi-cli topology load). Takes a topology in Heketi's
    C(topology.json) format and adds the clusters, nodes and devices that are missing,
    retags nodes and devices whose tags differ, and, only with O(remove_absent=true),
    removes nodes and devices that are not declared.
  - Existing Heketi clusters are matched to declared clusters by their nodes' manage hostnames.
  - What Heketi holds is read with one C(GET /db/dump) (the whole database in one answer, admin key),
    so a run that changes nothing costs one request whatever the size of the topology; where the
    dump is refused, cluster and node by node (1 + clusters + nodes requests). RV(state_source) says which.
  - The whole plan is validated before anything is changed. Changes Heketi cannot make
    (moving a node to another zone or cluster, changing its storage address) are errors.
  - Removal is safe; offline, failed (Heketi evicts the bricks to other devices, honouring
    zone checking), delete devices, delete node. If a brick cannot be placed elsewhere,
    Heketi refuses and the node or device stays.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  topology:
    description:
      - "The desired topology, C({clusters: [{nodes: [{node: {hostnames: {manage: [..], storage: [..]},
        zone: N, tags: {..}}, devices: [name or {name, tags, destroydata}]}]}]})."
      - A cluster entry may also carry C(file) and C(block) flags for a cluster that is created, and
        C(id) to name the Heketi cluster it is. Without C(id), a declared cluster is the Heketi cluster
        that holds its nodes, else an existing cluster that has no nodes yet, else a new one.
      - Leaving out C(tags) on a node or device leaves its tags alone.
    type: dict
  topology_file:
    description: Path (on the host the module runs on) of a C(topology.json) file; instead of O(topology).
    type: path
  remove_absent:
    description: Remove nodes and devices of the matched clusters that the topology does not list.
    type: bool
    default: false
  purge_tags:
    description: Where tags are given, remove tags that are not listed (otherwise only add/update).
    type: bool
    default: true
  force:
    description: Confirms adding devices that are marked C(destroydata) (their content is wiped).
    type: bool
    default: false
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
- name: Three-site topology rendered from the inventory
  metrostor.gluster.heketi_topology:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    topology: "{{ lookup('ansible.builtin.template', 'topology.json.j2') | from_json }}"

- name: Apply a topology.json and retire nodes no longer listed
  metrostor.gluster.heketi_topology:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    topology_file: /etc/heketi/topology.json
    remove_absent: true
"""

RETURN = r"""
actions:
  description: The steps applied (or, in check mode, planned), in order.
  returned: always
  type: list
  elements: str
  sample: ["add node gluster-c1 (zone 3)", "add device /dev/vdb to gluster-c1", "retag node gluster-a1"]
clusters:
  description: Heketi cluster ids matching the declared clusters, in order (null for one not created in check mode).
  returned: always
  type: list
  elements: str
state_source:
  description: Where Heketi's state was read from, C(db_dump) (one request) or C(per_object).
  returned: always
  type: str
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

import json

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import HeketiModule
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler


class HeketiTopologyModule(HeketiModule):
    argument_spec = dict(
        topology=dict(type="dict"),
        topology_file=dict(type="path"),
        remove_absent=dict(type="bool", default=False),
        purge_tags=dict(type="bool", default=True),
        force=dict(type="bool", default=False),
    )
    module_kwargs = dict(mutually_exclusive=[["topology", "topology_file"]],
                         required_one_of=[["topology", "topology_file"]])

    def run(self):
        p = self.params
        topology = p["topology"]
        if p["topology_file"]:
            try:
                with open(p["topology_file"]) as handle:
                    topology = json.load(handle)
            except (IOError, OSError, ValueError) as err:
                self.fail("Cannot read topology_file %s: %s" % (p["topology_file"], err))
        done = self.result["actions"] = []
        plan = TopologyReconciler(self.client, topology, remove_absent=p["remove_absent"],
                                  purge_tags=p["purge_tags"], force=p["force"]).plan()
        if plan.steps:
            self.changed(plan.before, plan.after)
        if self.check:
            done.extend(plan.actions)
        else:
            plan.apply(done)
        self.result["clusters"] = [ref["id"] for ref in plan.cluster_ids]
        self.result["state_source"] = plan.state_source


def main():
    HeketiTopologyModule().main()


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_node
short_description: Manage Gluster nodes registered in Heketi
description:
  - Adds a node to a Heketi cluster (Heketi peer-probes it into the trusted pool),
    sets its tags and state, and removes it safely.
  - Nodes are identified by their manage hostname, not by Heketi's id.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  manage:
    description: Manage hostname (the address Heketi reaches the node's sshd on).
    type: str
    required: true
  storage:
    description: Storage hostname/IP (the address bricks are served on). Defaults to O(manage).
    type: str
  zone:
    description:
      - Failure domain of the node. In a stretched layout, the site number.
      - Required when the node is added. Heketi cannot change the zone of an existing
        node; a different zone is an error.
    type: int
  cluster:
    description: Cluster id to add the node to. Defaults to the only cluster.
    type: str
  tags:
    description:
      - "Node tags, for example C({arbiter: required}) on tie-breaker nodes and
        C({arbiter: disabled}) on data nodes."
      - Omit to leave tags alone.
    type: dict
  purge_tags:
    description: With O(tags), remove tags that are not listed (C(true)) or only add/update (C(false)).
    type: bool
    default: true
  state:
    description:
      - C(present) makes sure the node exists (a new node is online).
      - C(online)/C(offline) also set that state.
      - C(failed) takes the node out of service and makes Heketi move its bricks to other nodes
        and mark all its devices failed (the node is set offline first, as Heketi requires).
        C(failed) is final in Heketi, a failed node cannot go back to offline or online (the module
        refuses before sending anything); remove it and add it again.
      - C(absent) removes the node. A node that still has devices is only removed with
        O(remove_devices=true), through the safe sequence offline, failed (bricks evicted, devices
        failed), delete devices, delete node. If a brick has nowhere to go, the node is left offline
        and nothing is deleted.
    type: str
    default: present
    choices: [present, online, offline, failed, absent]
  remove_devices:
    description: With O(state=absent), also remove the node's devices (after evicting their bricks).
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
- name: Register a tie-breaker node in zone 3
  metrostor.gluster.heketi_node:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    manage: gluster-c1.example.com
    storage: 10.30.0.11
    zone: 3
    tags:
      arbiter: required

- name: Drain and remove a node
  metrostor.gluster.heketi_node:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    manage: gluster-a2.example.com
    state: absent
    remove_devices: true
"""

RETURN = r"""
node:
  description: Node info as Heketi returns it, with its devices (empty after removal).
  returned: always
  type: dict
actions:
  description: The API steps taken (or, in check mode, that would be taken), in order.
  returned: always
  type: list
  elements: str
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import (
    TAGS_AND_STATE_ARGS,
    HeketiModule,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_lookup import (
    find_node,
    load_clusters,
    node_view,
    single_cluster_id,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_node_rules import unchangeable_node_change
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_removal import remove_node
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_tags import wanted_tags


class HeketiNodeModule(HeketiModule):
    argument_spec = dict(
        manage=dict(type="str", required=True),
        storage=dict(type="str"),
        zone=dict(type="int"),
        cluster=dict(type="str"),
        remove_devices=dict(type="bool", default=False),
        **TAGS_AND_STATE_ARGS
    )

    def run(self):
        p = self.params
        actions = self.result["actions"] = []
        node = find_node(load_clusters(self.client), p["manage"])
        name = p["manage"]
        if p["state"] == "absent":
            self.result["node"] = {}
            if node is None:
                return
            if node.get("devices") and not p["remove_devices"]:
                self.fail("Node %s still has %d device(s) (%s); set remove_devices=true to evict their bricks "
                          "and remove them first" % (name, len(node["devices"]),
                                                     ", ".join(d["name"] for d in node["devices"])))
            self.changed({name: node_view(node)}, {name: None})
            remove_node(self.client, node, actions, self.check)
            return
        storage = p["storage"] or p["manage"]
        added = node is None
        if added:
            if not p["zone"]:
                self.fail("zone is required to add node %s (a positive integer: the site number)" % name)
            cluster = single_cluster_id(self.client, p["cluster"])
            tags = wanted_tags({}, p["tags"], True)  # as converge_tags_and_state will compare them
            actions.append("add node %s to cluster %s in zone %d" % (name, cluster, p["zone"]))
            after = {"zone": p["zone"], "storage": storage, "tags": tags, "state": "online", "devices": {}}
            self.changed({name: None}, {name: after})
            if self.check:
                node = {"hostnames": {"manage": [name], "storage": [storage]}, "zone": p["zone"],
                        "cluster": cluster, "tags": tags, "state": "online", "devices": []}
            else:
                node = self.client.node_add(cluster, p["zone"], name, storage, tags)
        else:
            refused = unchangeable_node_change(name, node, cluster=p["cluster"] or None, zone=p["zone"] or None,
                                               storage=storage)
            if refused:
                self.fail(refused)
        before = node_view(node)
        node = self.converge_tags_and_state(node, "node", name, self.client.node_set_tags, self.client.node_state)
        if not added and before != node_view(node):  # an added node's diff was recorded when it was added
            self.changed({name: before}, {name: node_view(node)})
        if node.get("id") and not self.check and actions:
            node = self.client.node_info(node["id"])
        self.result["node"] = node


def main():
    HeketiNodeModule().main()


if __name__ == "__main__":
    main()

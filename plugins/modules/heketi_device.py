#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_device
short_description: Manage block devices of Heketi nodes
description:
  - Adds a raw block device of a node to Heketi (Heketi makes it an LVM physical volume),
    sets its tags and state, and removes it safely.
  - Devices are identified by node manage hostname and device path. Heketi's device add
    returns no id; the module reads it back from the node.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  node:
    description: Manage hostname of the node that owns the device.
    type: str
    required: true
  name:
    description: Device path on the node, for example C(/dev/vdb).
    type: str
    required: true
  tags:
    description: "Device tags (for example C({arbiter: required})). Omit to leave tags alone."
    type: dict
  purge_tags:
    description: With O(tags), remove tags that are not listed.
    type: bool
    default: true
  destroydata:
    description:
      - Ask Heketi to wipe existing signatures/data on the device when adding it.
      - Destroys data, so it is refused unless O(force=true) too.
    type: bool
    default: false
  force:
    description: Confirms O(destroydata=true).
    type: bool
    default: false
  resync:
    description:
      - Ask Heketi to re-read the device's size from the node (C(GET /devices/{id}/resync)), after
        the disk or its partition was grown.
      - Reports a change only when Heketi's idea of the size changed. In check mode the resync
        is listed in RV(actions) but not run (its outcome cannot be predicted).
      - Not with O(state=absent).
    type: bool
    default: false
  state:
    description:
      - C(present)/C(online)/C(offline) as named; C(failed) evicts the device's bricks to other
        devices (setting it offline first, as Heketi requires).
      - Heketi refuses failed -> online; the module goes failed -> offline -> online, which Heketi allows.
      - C(absent) removes it safely, in the order offline, failed (bricks evicted), delete. Heketi
        deletes only failed devices, also when they hold no bricks. If a brick has nowhere to go, the
        device is left offline and nothing is deleted.
    type: str
    default: present
    choices: [present, online, offline, failed, absent]
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
- name: Add a brick device to a data node
  metrostor.gluster.heketi_device:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    node: gluster-a1.example.com
    name: /dev/vdb
    tags:
      arbiter: disabled

- name: Retire a disk (bricks move elsewhere first)
  metrostor.gluster.heketi_device:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    node: gluster-a1.example.com
    name: /dev/vdc
    state: absent
"""

RETURN = r"""
device:
  description: Device info as Heketi returns it (empty after removal).
  returned: always
  type: dict
actions:
  description: The API steps taken (or that would be taken in check mode), in order.
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
    device_view,
    find_device,
    find_node,
    load_clusters,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_removal import remove_device
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_tags import wanted_tags


class HeketiDeviceModule(HeketiModule):
    argument_spec = dict(
        node=dict(type="str", required=True),
        name=dict(type="str", required=True),
        destroydata=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        resync=dict(type="bool", default=False),
        **TAGS_AND_STATE_ARGS
    )

    def run(self):
        p = self.params
        actions = self.result["actions"] = []
        key = "%s:%s" % (p["node"], p["name"])
        if p["resync"] and p["state"] == "absent":
            self.fail("resync=true and state=absent do not go together: a removed device has no size to re-read")
        node = find_node(load_clusters(self.client), p["node"])
        if node is None:
            if p["state"] == "absent":
                self.result["device"] = {}
                return
            self.fail("Node %s is not registered in Heketi; add it with metrostor.gluster.heketi_node" % p["node"])
        dev = find_device(node, p["name"])
        if p["state"] == "absent":
            self.result["device"] = {}
            if dev is not None:
                self.changed({key: device_view(dev)}, {key: None})
                remove_device(self.client, dev, actions, self.check)
            return
        added = dev is None
        if added:
            if p["destroydata"] and not p["force"]:
                self.fail("destroydata=true wipes whatever is on %s of %s; set force=true to confirm"
                          % (p["name"], p["node"]))
            tags = wanted_tags({}, p["tags"], True)
            actions.append("add device %s to node %s" % (p["name"], p["node"]))
            self.changed({key: None}, {key: {"tags": tags, "state": "online", "bricks": 0}})
            if self.check:
                self.result["device"] = {"name": p["name"], "tags": tags, "state": "online", "bricks": []}
                return
            self.client.device_add(node["id"], p["name"], tags, p["destroydata"])
            dev = find_device(self.client.node_info(node["id"]), p["name"])
            if dev is None:
                self.fail("Heketi accepted device %s on %s but does not list it" % (p["name"], p["node"]))
        before = device_view(dev)
        dev = self.converge_tags_and_state(dev, "device", key, self.client.device_set_tags, self.client.device_state)
        if actions and not added:  # an added device's diff was recorded when it was added
            self.changed({key: before}, {key: device_view(dev)})
        if actions and not self.check:
            dev = self.client.device_info(dev["id"])
        if p["resync"]:
            dev = self.resync(dev, key)
        self.result["device"] = dev

    def resync(self, dev, key):
        """GET /devices/{id}/resync; a change only when the size Heketi holds changed."""
        self.result["actions"].append("resync device %s" % key)
        if self.check or not dev.get("id"):
            return dev
        self.client.device_resync(dev["id"])
        after = self.client.device_info(dev["id"])
        size = (dev.get("storage") or {}).get("total")
        if after["storage"]["total"] != size:
            self.changed({key: {"size_kib": size}}, {key: {"size_kib": after["storage"]["total"]}})
        return after


def main():
    HeketiDeviceModule().main()


if __name__ == "__main__":
    main()

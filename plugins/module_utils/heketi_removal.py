# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The safe removal sequences for devices and nodes.

Heketi refuses to delete a device that holds bricks and a node that holds
devices (409).  The safe order, which moves bricks away before anything is
deleted, is: offline -> failed (Heketi evicts the bricks onto other devices,
honouring zone checking) -> delete devices -> delete node.  If Heketi cannot
place a brick elsewhere the ``failed`` step errors and nothing is deleted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def remove_device(client, dev, actions, check_mode=False):
    """Remove one device (a device info dict); record steps in ``actions``."""
    did, name = dev["id"], dev.get("name")
    if dev.get("state") == "online":
        actions.append("offline device %s" % name)
        if not check_mode:
            client.device_state(did, "offline")
    if dev.get("bricks") and dev.get("state") != "failed":
        actions.append("evict bricks from device %s (state failed)" % name)
        if not check_mode:
            client.device_state(did, "failed")
    actions.append("delete device %s" % name)
    if not check_mode:
        client.device_delete(did)


def remove_node(client, node, actions, check_mode=False):
    """Remove one node (a node info dict) and its devices, safely."""
    manage = node["hostnames"]["manage"][0]
    if node.get("state") == "online":
        actions.append("offline node %s" % manage)
        if not check_mode:
            client.node_state(node["id"], "offline")
    has_bricks = any(d.get("bricks") for d in node.get("devices") or [])
    if has_bricks and node.get("state") != "failed":
        actions.append("evict bricks from node %s (state failed)" % manage)
        if not check_mode:
            client.node_state(node["id"], "failed")
    for dev in node.get("devices") or []:
        if check_mode:
            current = dict(dev, bricks=[], state="failed") if has_bricks else dev
        else:
            current = client.device_info(dev["id"])  # the state after eviction
        remove_device(client, current, actions, check_mode)
    actions.append("delete node %s" % manage)
    if not check_mode:
        client.node_delete(node["id"])

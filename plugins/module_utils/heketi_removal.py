# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The safe removal sequences for devices and nodes.

Heketi deletes a device only when it is failed (even an empty one) and has
no bricks, and a node only when it has no devices (heketi_transitions).  The
safe order, which moves bricks away before anything is deleted, is:

* device: offline -> failed (Heketi evicts its bricks onto other devices,
  honouring zone checking) -> delete;
* node: offline -> failed (Heketi evicts the bricks of all its devices and
  marks them failed) -> delete each device -> delete the node.

If Heketi cannot place a brick elsewhere the ``failed`` step errors and
nothing is deleted (the device or node is left offline, and the error says
so).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_transitions import (
    device_removal_steps,
    state_steps,
)

EVICTS = " (Heketi moves its bricks elsewhere)"


def remove_device(client, dev, actions, check_mode=False):
    """Remove one device (a device info dict); record steps in ``actions``."""
    did, name = dev["id"], dev.get("name")
    for step in device_removal_steps(dev.get("state")):
        actions.append("set device %s %s%s" % (name, step, EVICTS if step == "failed" and dev.get("bricks") else ""))
        if not check_mode:
            client.device_state(did, step)
    actions.append("delete device %s" % name)
    if not check_mode:
        client.device_delete(did)


def remove_node(client, node, actions, check_mode=False):
    """Remove one node (a node info dict) and its devices, safely."""
    manage = node["hostnames"]["manage"][0]
    has_bricks = any(d.get("bricks") for d in node.get("devices") or [])
    for step in state_steps("node", manage, node.get("state"), "failed"):
        actions.append("set node %s %s%s" % (manage, step, EVICTS if step == "failed" and has_bricks else ""))
        if not check_mode:
            client.node_state(node["id"], step)
    failed_here = node.get("state") != "failed"
    for dev in node.get("devices") or []:
        # failing the node failed and emptied its devices; a node found failed shows their own states
        remove_device(client, dict(dev, state="failed", bricks=[]) if failed_here else dev, actions, check_mode)
    actions.append("delete node %s" % manage)
    if not check_mode:
        client.node_delete(node["id"])

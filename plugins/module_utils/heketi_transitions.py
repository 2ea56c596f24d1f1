# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Heketi's node and device state rules, in one place.

What the real Heketi 10 server allows (apps/glusterfs/node_entry.go
``SetState``, device_entry.go ``stateCheck``; confirmed against the server in
tests/unit/test_emulation_fidelity.py):

* node: online <-> offline; offline -> failed (Heketi moves the node's
  bricks to other nodes and fails all its devices); failed is final (no way
  back to offline or online).  online -> failed is refused: offline first.
* device: online <-> offline; offline -> failed (bricks moved to other
  devices); failed -> offline is allowed, failed -> online is not (so
  offline first).
* delete: a device only when failed (even an empty one: HTTP 400 "is not in
  failed state" otherwise) and without bricks; a node only without devices.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

STATES = ("online", "offline", "failed")


class TransitionRefused(Exception):
    """Heketi would refuse this state change; the message says why and what to do."""


def state_steps(kind, label, current, wanted):
    """The POST .../state requests (in order) that take a ``kind`` ('node' or 'device') from
    ``current`` to ``wanted``; raises TransitionRefused when Heketi allows no path."""
    if current == wanted:
        return []
    if kind == "node" and current == "failed":
        raise TransitionRefused("node %s is failed, and Heketi cannot bring a failed node back to %s; remove it "
                                "(state=absent, remove_devices=true) and add it again" % (label, wanted))
    if wanted == "failed" and current == "online":
        return ["offline", "failed"]
    if kind == "device" and current == "failed" and wanted == "online":
        return ["offline", "online"]
    return [wanted]


def device_removal_steps(current):
    """State steps before a device can be deleted: it must end failed."""
    return state_steps("device", "", current, "failed")

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Heketi cannot change on a node that exists: its cluster, zone and storage hostname.

One rule for heketi_node and the topology reconciler (heketi_topology): a
request that would change one of them is refused before anything is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def unchangeable_node_change(name, node, cluster=None, zone=None, storage=None):
    """The refusal (a message) when ``cluster``, ``zone`` or ``storage`` differ from the node's, else None.

    A value of None is not asked for and not compared."""
    if cluster is not None and node["cluster"] != cluster:
        return "Node %s is in Heketi cluster %s, not %s" % (name, node["cluster"], cluster)
    if zone is not None and node["zone"] != zone:
        return ("Node %s is in zone %s, not %s; Heketi cannot move a node between zones: remove it "
                "(heketi_node state=absent, remove_devices=true) and add it again" % (name, node["zone"], zone))
    have = node["hostnames"]["storage"][0]
    if storage is not None and have != storage:
        return ("Node %s serves storage on %s, not %s; Heketi cannot change a node's storage hostname: remove it "
                "and add it again" % (name, have, storage))
    return None

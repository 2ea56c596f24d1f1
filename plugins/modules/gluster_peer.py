#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_peer
short_description: Form the GlusterFS trusted storage pool
description:
  - Peer-probes (or detaches) nodes from the node the task runs on.
  - Before probing anything, every node to add is checked to answer on glusterd's port (24007);
    an unreachable node is an error and no peer is probed.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.attributes
options:
  nodes:
    description: Hostnames or IPs of the peers (the node running the task may be listed too; it is skipped).
    type: list
    elements: str
    required: true
  state:
    description: C(present) probes missing peers; C(absent) detaches listed peers.
    type: str
    default: present
    choices: [present, absent]
  force:
    description: With O(state=absent), detach even when the peer is down (C(peer detach HOST force)).
    type: bool
    default: false
  connect_timeout:
    description: Seconds to wait for each peer's glusterd port in the reachability check.
    type: float
    default: 5.0
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Form the pool from the first node
  metrostor.gluster.gluster_peer:
    nodes: "{{ groups['gluster_nodes'] | map('extract', hostvars, 'gluster_storage_address') | list }}"
  run_once: true
"""

RETURN = r"""
actions:
  description: What was (or, in check mode, would be) done, one line per peer probed or detached.
  returned: always
  type: list
  elements: str
peers:
  description: The pool after the task, as seen from this node (hostnames).
  returned: always
  type: list
  elements: str
probed:
  description: Peers probed (or that would be, in check mode).
  returned: always
  type: list
  elements: str
detached:
  description: Peers detached (or that would be).
  returned: always
  type: list
  elements: str
"""

import socket

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import reachable
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_module import GlusterModule

ARGUMENT_SPEC = dict(
    nodes=dict(type="list", elements="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    force=dict(type="bool", default=False),
    connect_timeout=dict(type="float", default=5.0),
)


def local_names():
    names = {"localhost", "127.0.0.1", socket.gethostname(), socket.getfqdn()}
    try:
        names.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except socket.error:
        pass
    return names


class GlusterPeer(GlusterModule):
    argument_spec = ARGUMENT_SPEC

    def run(self):
        p = self.params
        pool = self.cli.pool()
        known = set()
        for peer in pool:
            known.update(peer["names"])
        me = local_names()
        wanted = [n for n in p["nodes"] if n not in me]
        before = sorted(peer["hostname"] for peer in pool if peer["hostname"] != "localhost")
        probed, detached = [], []
        if p["state"] == "present":
            missing = [n for n in wanted if n not in known]
            down = [n for n in missing if not reachable(n, timeout=p["connect_timeout"])]
            if down:
                self.fail("Cannot form the trusted pool: glusterd does not answer on port 24007 of %s "
                          "(checked from %s). Nothing was probed." % (", ".join(down), socket.gethostname()))
            for node in missing:
                self.act("probe %s" % node, ["peer", "probe", node])
                probed.append(node)
        else:
            for node in wanted:
                if node in known:
                    self.act("detach %s" % node, ["peer", "detach", node] + (["force"] if p["force"] else []))
                    detached.append(node)
        after = sorted((set(before) | set(probed)) - set(detached))
        if not self.check and (probed or detached):
            after = sorted(peer["hostname"] for peer in self.cli.pool() if peer["hostname"] != "localhost")
        self.result.update(peers=after, probed=probed, detached=detached)
        self.changed({"peers": before}, {"peers": after})


def main():
    GlusterPeer().main()


if __name__ == "__main__":
    main()

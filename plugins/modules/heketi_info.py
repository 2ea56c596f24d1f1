#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_info
short_description: Read Heketi's clusters, nodes, devices, volumes and health
description:
  - Gathers what Heketi knows, without changing anything.
  - With the admin key, clusters (with their nodes, devices and bricks), volumes and block volumes
    all come from one C(GET /db/dump) (the whole database in one answer), so gathering everything
    costs 3 requests whatever the size (the dump, C(/db/check), C(/operations)). Where the dump is
    refused (a C(user) key, a proxy that blocks the route) they are read object by object
    (1 + clusters + nodes, 1 + volumes, 1 + block volumes requests); RV(state_source) says which.
  - RV(db_inconsistencies) lists what Heketi's own database check (C(GET /db/check)) found wrong,
    for example a brick whose device does not list it; an empty list means the database is consistent.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes.info_module
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  gather:
    description: What to read.
    type: list
    elements: str
    default: [clusters, volumes, blockvolumes, db_check, operations]
    choices: [clusters, volumes, blockvolumes, db_check, operations]
attributes:
  action_group:
    support: full
    membership: [metrostor.gluster.heketi]
"""

EXAMPLES = r"""
- name: Read Heketi's state
  metrostor.gluster.heketi_info:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
  register: heketi

- name: Fail when Heketi's DB is inconsistent or operations are left pending
  ansible.builtin.assert:
    that:
      - heketi.db_inconsistencies == []
      - heketi.operations.total == 0
    fail_msg: "{{ heketi.db_inconsistencies }} / pending operations: {{ heketi.operations }}"
"""

RETURN = r"""
clusters:
  description: Cluster infos, each with C(node_infos) (nodes with their devices and bricks).
  returned: when gathered
  type: list
  elements: dict
volumes:
  description: Volume infos.
  returned: when gathered
  type: list
  elements: dict
blockvolumes:
  description: Block volume infos (CHAP passwords masked).
  returned: when gathered
  type: list
  elements: dict
db_check:
  description: Heketi's own database consistency check (C(GET /db/check)), per kind of entry
    (C(total), C(pending), C(ok), C(notok), C(inconsistencies)) and C(totalinconsistencies).
  returned: when gathered
  type: dict
db_inconsistencies:
  description: "Every inconsistency C(/db/check) reported, as C(<kind>: <text>); empty when the DB is consistent."
  returned: when db_check is gathered
  type: list
  elements: str
  sample: ["bricks: Brick 1a2b... unknown device 3c4d..."]
state_source:
  description: Where clusters, volumes and block volumes were read from, C(db_dump) (one request) or C(per_object).
  returned: when clusters, volumes or blockvolumes are gathered
  type: str
operations:
  description: Counts of Heketi's pending operations (C(GET /operations)).
  returned: when gathered
  type: dict
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import HeketiModule
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_masking import mask_blockvolume as masked
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_state import load_state

GATHER = ["clusters", "volumes", "blockvolumes", "db_check", "operations"]


class HeketiInfoModule(HeketiModule):
    argument_spec = dict(gather=dict(type="list", elements="str", default=GATHER, choices=GATHER))

    def run(self):
        gather = self.params["gather"]
        c = self.client
        parts = [part for part in ("clusters", "volumes", "blockvolumes") if part in gather]
        if parts:
            state = load_state(c, parts)
            self.result["state_source"] = state.source
        if "clusters" in gather:
            self.result["clusters"] = [dict(entry["info"], node_infos=list(entry["nodes"].values()))
                                       for entry in state.clusters.values()]
        if "volumes" in gather:
            self.result["volumes"] = list(state.volumes.values())
        if "blockvolumes" in gather:
            self.result["blockvolumes"] = [masked(bv) for bv in state.blockvolumes.values()]
        if "db_check" in gather:
            check = self.result["db_check"] = c.db_check()
            self.result["db_inconsistencies"] = inconsistencies(check)
        if "operations" in gather:
            self.result["operations"] = c.operations()


def inconsistencies(check):
    """Every inconsistency of a /db/check answer, as "<kind>: <text>", in a stable order."""
    found = []
    for kind in sorted(k for k, v in (check or {}).items() if isinstance(v, dict)):
        for text in check[kind].get("inconsistencies") or []:
            found.append("%s: %s" % (kind, text))
    return found


def main():
    HeketiInfoModule().main()


if __name__ == "__main__":
    main()

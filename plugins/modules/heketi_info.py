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
version_added: "0.1.0"
author: metrostor.gluster developers
extends_documentation_fragment: [metrostor.gluster.heketi]
options:
  gather:
    description: What to read.
    type: list
    elements: str
    default: [clusters, volumes, blockvolumes, db_check, operations]
    choices: [clusters, volumes, blockvolumes, db_check, operations]
"""

EXAMPLES = r"""
- name: Read Heketi's state
  metrostor.gluster.heketi_info:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
  register: heketi

- name: Fail when Heketi's DB is inconsistent
  ansible.builtin.assert:
    that: heketi.db_check.totalinconsistencies | default(0) == 0
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
  description: Heketi's own database consistency check (C(GET /db/check)).
  returned: when gathered
  type: dict
operations:
  description: Counts of Heketi's pending operations (C(GET /operations)).
  returned: when gathered
  type: dict
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_common import HeketiModule
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_lookup import load_clusters
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_masking import mask_blockvolume as masked

GATHER = ["clusters", "volumes", "blockvolumes", "db_check", "operations"]


class HeketiInfoModule(HeketiModule):
    argument_spec = dict(gather=dict(type="list", elements="str", default=GATHER, choices=GATHER))

    def run(self):
        gather = self.params["gather"]
        c = self.client
        if "clusters" in gather:
            self.result["clusters"] = [dict(entry["info"], node_infos=list(entry["nodes"].values()))
                                       for entry in load_clusters(c).values()]
        if "volumes" in gather:
            self.result["volumes"] = [c.volume_info(v) for v in c.volume_list()]
        if "blockvolumes" in gather:
            self.result["blockvolumes"] = [masked(c.blockvolume_info(v)) for v in c.blockvolume_list()]
        if "db_check" in gather:
            self.result["db_check"] = c.db_check()
        if "operations" in gather:
            self.result["operations"] = c.operations()


def main():
    HeketiInfoModule().main()


if __name__ == "__main__":
    main()

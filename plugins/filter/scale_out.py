# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: scale_out_sets
short_description: The replica sets a scale-out would add, host by host
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - Pairs the new data nodes across the two data sites and gives each pair an arbiter in the tie-breaker
    site, as M(metrostor.gluster.gluster_volume_expand) does for each volume. Feed the result to
    C(metrostor.gluster.site_layout) (C(volumes=)) to refuse, before any host is contacted, a scale-out
    that would put two copies of a set in one site.
options:
  _input:
    description: C(metrostor_sites).
    type: dict
    required: true
  node_sites:
    description: >-
      C({host: site}) for every node, the new ones included.
    type: dict
    required: true
  new_nodes:
    description: The hosts that join.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse a scale-out that would put two copies in one site
  ansible.builtin.debug:
    msg: >-
      {{ metrostor_sites | metrostor.gluster.site_layout(nodes=node_sites,
           volumes={'new replica sets': metrostor_sites | metrostor.gluster.scale_out_sets(node_sites, ['gl-a3', 'gl-b3'])}) }}
"""

RETURN = r"""
_value:
  description: The new replica sets, C([[data_host, data_host, arbiter_host], ...]).
  type: list
  elements: list
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.scale_out_plan import hosts_of, plan_sets


def scale_out_sets(sites, node_sites, new_nodes):
    return hosts_of(plan_sets(sites, node_sites, list(new_nodes), [], {}, "volume"))


class FilterModule(object):
    def filters(self):
        return {"scale_out_sets": scale_out_sets}

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: site_layout
short_description: Validate a three-site (two data sites + tie-breaker) Gluster layout
version_added: "0.1.0"
author: metrostor.gluster developers
description:
  - Fails, naming each site and count, when losing any one site would lose the trusted pool's
    server quorum, when a site has no node (1+1+1 minimum), when a replica 3 arbiter 1 set puts two
    bricks in one site or its arbiter outside the tie-breaker site, or when Heketi zones and arbiter
    tags do not follow the sites, or when sites placed in a cloud (C(availability_zone)) share an
    availability zone or some lack one. Returns a summary otherwise.
options:
  _input:
    description: >-
      The sites, C({site: {zone: N, tiebreaker: bool, availability_zone: NAME}}).
    type: dict
    required: true
  nodes:
    description: >-
      Host to site, C({host: site}).
    type: dict
    required: true
  server_quorum_ratio:
    description: C(cluster.server-quorum-ratio) of the pool.
    type: str
    default: "51%"
  volumes:
    description: >-
      Replica sets per volume, C({name: [[data_host, data_host, arbiter_host], ...]}).
    type: dict
  heketi_nodes:
    description: >-
      Heketi node specs, C({host: {zone: N, tags: {arbiter: ...}}}).
    type: dict
"""

EXAMPLES = r"""
- name: Refuse an unsafe layout before touching anything
  ansible.builtin.debug:
    msg: "{{ sites | metrostor.gluster.site_layout(nodes=node_sites) }}"
"""

RETURN = r"""
_value:
  description: Summary with nodes per site and the survivors after each site's loss.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import LayoutError, check_layout


def site_layout(sites, nodes, server_quorum_ratio="51%", volumes=None, heketi_nodes=None):
    try:
        return check_layout(sites, nodes, server_quorum_ratio, volumes, heketi_nodes)
    except LayoutError as err:
        raise AnsibleFilterError(str(err))


class FilterModule(object):
    def filters(self):
        return {"site_layout": site_layout}

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: node_sites
short_description: Map hosts to the sites of C(metrostor_sites)
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - >-
    Returns C({host: site}) for every host of each site's inventory group. The same file provides
    C(hosts_by_site) (C({site: [hosts]}) for a list of hosts) and C(describe_sites) (the text that
    messages use to name sites and their hosts).
  - C(hosts_by_site) places a host that no site group holds (a Kubernetes worker) in the site its
    host variable C(kubernetes_node_site) names, when C(metrostor_sites) knows that site; it reads
    the host variables from the template's C(hostvars). C(node_sites) stays with the site groups
    (the layout counts the nodes that hold bricks).
options:
  _input:
    description: "C(metrostor_sites), C({site: {group: NAME, zone: N, tiebreaker: bool}})."
    type: dict
    required: true
  groups:
    description: The inventory's C(groups).
    type: dict
    required: true
  members:
    description: Hosts that must appear even when no site's group holds them (mapped to C(unassigned)).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Which site each Gluster node stands in
  ansible.builtin.debug:
    msg: "{{ metrostor_sites | metrostor.gluster.node_sites(groups, members=groups['gluster_nodes']) }}"
- name: Name the sites of the hosts that did not answer
  ansible.builtin.debug:
    msg: "{{ missing | metrostor.gluster.hosts_by_site(metrostor_sites, groups) | metrostor.gluster.describe_sites }}"
"""

RETURN = r"""
_value:
  description: "C({host: site})."
  type: dict
"""

from jinja2 import pass_context

from ansible_collections.metrostor.gluster.plugins.module_utils import site_membership
from ansible_collections.metrostor.gluster.plugins.module_utils.site_membership import (
    describe_sites,
    node_sites,
)


@pass_context
def hosts_by_site(context, hosts, sites, groups):
    """site_membership.hosts_by_site with the inventory's host variables of the template."""
    return site_membership.hosts_by_site(hosts, sites, groups, hostvars=context.get("hostvars"))


class FilterModule(object):
    def filters(self):
        return {"node_sites": node_sites, "hosts_by_site": hosts_by_site, "describe_sites": describe_sites}

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: openstack_plan
short_description: Plan the OpenStack objects of the three sites' nodes, refusing unsafe input
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - Returns every object roles/openstack_nodes creates (networks, subnets, ports with fixed addresses,
    security groups and rules, server groups, servers, brick volumes), each with its name and this
    deployment's tag.
  - Fails, naming every problem, when the three-site layout is unsafe (including sites that share an
    availability zone or lack one, see C(site_layout)), when a host's address is outside its site's
    network or used twice, or when a site has no network. Nothing is asked of the cloud.
options:
  _input:
    description: C(metrostor_sites), each site with C(group), C(zone), C(tiebreaker), C(availability_zone)
      and optionally C(volume_availability_zone).
    type: dict
    required: true
  groups:
    description: The inventory's C(groups).
    type: dict
    required: true
  hosts:
    description: >-
      C({host: {address, flavor, image, volume_count, volume_size, roles}}) for every node to create.
    type: dict
    required: true
  deployment:
    description: The deployment's name; prefixes every object and tags it.
    type: str
    required: true
  networks:
    description: >-
      C({site: {cidr, gateway, dns}}).
    type: dict
    required: true
  defaults:
    description: Image, flavors, volume counts and sizes, server group policy, CIDRs and ports
      (the role's C(openstack_nodes_*) settings).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The plan, refused before anything is created when unsafe
  ansible.builtin.set_fact:
    plan: "{{ metrostor_sites | metrostor.gluster.openstack_plan(groups=groups, hosts=specs, deployment='metro',
              networks=nets, defaults=settings) }}"
"""

RETURN = r"""
_value:
  description: C({deployment, tag, networks, security_groups, security_group_rules, server_groups, ports,
    servers, volumes, summary}).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.openstack_plan import PlanError, build_plan


def openstack_plan(metrostor_sites, groups, hosts, deployment, networks, defaults):
    try:
        return build_plan(metrostor_sites, groups, hosts, deployment, networks, defaults)
    except PlanError as err:
        raise AnsibleFilterError(str(err))


class FilterModule(object):
    def filters(self):
        return {"openstack_plan": openstack_plan}

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: floating_address_problems
short_description: Why a floating address cannot live in the given data sites
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - Returns a list of problems (empty when the address is fine) with a floating address that must
    be able to move between data sites, for example the address of the NFS heads.
  - The address must be an IPv4 or IPv6 address without a prefix length, and inside at least one of
    the networks of every site in O(sites). Each problem names the field it comes from.
options:
  _input:
    description: The floating address.
    type: str
    required: true
  site_networks:
    description: >-
      C({site: [network, ...]}), the networks in which each site may carry the address.
    type: dict
    required: true
  sites:
    description: The sites the address must be able to move to (the sites of the hosts that may hold it).
    type: list
    elements: str
    required: true
  field:
    description: Name of the address variable, used in the messages.
    type: str
    default: floating_address
  networks_field:
    description: Name of the site networks variable, used in the messages.
    type: str
    default: site_networks
"""

EXAMPLES = r"""
- name: Refuse a floating address outside the data sites' networks
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: >-
      {{ '10.77.10.50' | metrostor.gluster.floating_address_problems(
           {'a': ['10.77.10.0/24'], 'b': ['10.77.10.0/24']}, ['a', 'b']) }}
"""

RETURN = r"""
_value:
  description: Problems, each a sentence naming the field; empty when the address is fine.
  type: list
  elements: str
"""

import ipaddress


def floating_address_problems(address, site_networks, sites, field="floating_address",
                              networks_field="site_networks"):
    text = str(address or "").strip()
    if not text:
        return ["%s is not set" % field]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return ["%s %r is not an IP address (give the address alone, without a prefix length)" % (field, text)]
    problems = []
    site_networks = site_networks or {}
    for site in sorted(set(sites)):
        networks = site_networks.get(site)
        if not networks:
            problems.append("%s has no networks for data site %s (%s.%s is missing or empty)"
                            % (networks_field, site, networks_field, site))
            continue
        parsed = []
        for net in networks:
            try:
                parsed.append(ipaddress.ip_network(str(net), strict=False))
            except ValueError:
                problems.append("%s.%s: %r is not a network" % (networks_field, site, net))
        if parsed and not any(ip.version == net.version and ip in net for net in parsed):
            problems.append("%s %s is outside the networks of data site %s (%s.%s: %s)"
                            % (field, ip, site, networks_field, site, ", ".join(str(n) for n in parsed)))
    return problems


class FilterModule(object):
    def filters(self):
        return {"floating_address_problems": floating_address_problems}

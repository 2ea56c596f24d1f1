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

from ansible_collections.metrostor.gluster.plugins.module_utils.floating_address import (
    floating_address_problems,
)


class FilterModule(object):
    def filters(self):
        return {"floating_address_problems": floating_address_problems}

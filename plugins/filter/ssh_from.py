# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: ssh_from_allows
short_description: The addresses that an authorized_keys C(from=) pattern list lets in
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - Evaluates an OpenSSH C(from=) pattern list (addresses, CIDR blocks, C(*)/C(?) wildcards, and
    C(!pattern) negations, which win, as sshd applies them) against addresses, and returns those that
    would be let in. The heketi role uses it to refuse a list that would lock Heketi out.
options:
  _input:
    description: The C(from=) patterns.
    type: list
    elements: str
    required: true
  addresses:
    description: The addresses to test.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Which of the Heketi host's addresses may use the key
  ansible.builtin.debug:
    msg: "{{ ['10.77.3.0/24', '!10.77.3.99'] | metrostor.gluster.ssh_from_allows(ansible_all_ipv4_addresses) }}"
"""

RETURN = r"""
_value:
  description: The addresses let in, in the order given.
  type: list
  elements: str
"""

import fnmatch
import ipaddress


def _matches(pattern, address):
    if "/" in pattern:
        try:
            return ipaddress.ip_address(address) in ipaddress.ip_network(pattern, strict=False)
        except ValueError:
            return False
    return fnmatch.fnmatchcase(address, pattern)


def ssh_from_allows(patterns, addresses):
    allowed = []
    for address in addresses:
        denied = any(_matches(p[1:], address) for p in patterns if p.startswith("!"))
        if not denied and any(_matches(p, address) for p in patterns if not p.startswith("!")):
            allowed.append(address)
    return allowed


class FilterModule(object):
    def filters(self):
        return {"ssh_from_allows": ssh_from_allows}

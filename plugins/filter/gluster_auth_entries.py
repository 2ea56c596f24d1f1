# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: gluster_auth_entries
short_description: Client networks as entries Gluster's auth.allow / auth.reject match exactly
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - >-
    Gluster matches C(auth.allow) entries as addresses, host names or shell wildcards (C(10.77.1.*)). Its CIDR
    support (from 10.0) is not reached for entries that look like host names, and GlusterFS 10.3 refuses a
    client inside C(10.77.2.16/28) (measured in the lab), so CIDR blocks are written out: C(/8), C(/16), C(/24)
    as wildcards, C(/32) as the address, other prefixes as their addresses (at most 256; a wider block that is
    not on an octet boundary is refused rather than widened).
  - Addresses, host names and wildcards pass unchanged; duplicates are dropped, order kept.
options:
  _input:
    description: Addresses, CIDR blocks, host names or wildcards.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: auth.allow of a volume
  ansible.builtin.debug:
    msg: "{{ ['10.77.1.11', '10.77.2.16/30', '10.30.0.0/16'] | metrostor.gluster.gluster_auth_entries | join(',') }}"
  # 10.77.1.11,10.77.2.16,10.77.2.17,10.77.2.18,10.77.2.19,10.30.*.*
"""

RETURN = r"""
_value:
  description: Entries for auth.allow / auth.reject.
  type: list
  elements: str
"""

import ipaddress
import re

from ansible.errors import AnsibleFilterError

MAX_ADDRESSES = 256
PLAIN = re.compile(r"^[A-Za-z0-9.:*?\[\]-]+$")


def _cidr(entry):
    try:
        net = ipaddress.ip_network(entry, strict=False)
    except ValueError as err:
        raise AnsibleFilterError("gluster_auth_entries: %s is not a network: %s" % (entry, err))
    if net.version == 4 and net.prefixlen in (8, 16, 24):
        octets = str(net.network_address).split(".")[:net.prefixlen // 8]
        return [".".join(octets + ["*"] * (4 - len(octets)))]
    if net.num_addresses == 1:
        return [str(net.network_address)]
    if net.num_addresses > MAX_ADDRESSES:
        raise AnsibleFilterError(
            "gluster_auth_entries: %s holds %d addresses and is not on an octet boundary: Gluster cannot match "
            "it exactly (list /24 blocks or wildcards instead)" % (entry, net.num_addresses))
    return [str(a) for a in net]


def gluster_auth_entries(entries):
    if not isinstance(entries, (list, tuple)):
        raise AnsibleFilterError("gluster_auth_entries: expected a list, got %r" % (entries,))
    out = []
    for entry in entries:
        entry = str(entry).strip()
        expanded = _cidr(entry) if "/" in entry else [entry]
        for item in expanded:
            if not PLAIN.match(item):
                raise AnsibleFilterError("gluster_auth_entries: %r is not an address, CIDR block, host name or "
                                         "wildcard (no spaces or commas)" % entry)
            if item not in out:
                out.append(item)
    return out


class FilterModule(object):
    def filters(self):
        return {"gluster_auth_entries": gluster_auth_entries}

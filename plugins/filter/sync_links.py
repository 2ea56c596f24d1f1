# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: sync_links
short_description: Refuse to stretch a synchronous replica over links slower than a round-trip limit
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - Takes the measured round-trip time of each link between the metro sites and fails, naming each
    link, its figure and the hosts it was measured between, when one is above O(max_rtt_ms) (or could
    not be measured), pointing to geo-replication for the far site. O(allow_slow) accepts slow links.
options:
  _input:
    description: >-
      Links, C({"a-b": {"ms": 1.2, "from": host, "to": address, "error": text}}); C(ms) null when unmeasured.
    type: dict
    required: true
  max_rtt_ms:
    description: Largest round-trip time, in milliseconds, over which a synchronous replica may be stretched.
    type: float
    default: 10
  allow_slow:
    description: Accept links above O(max_rtt_ms) (the summary lists them as C(slow)).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Refuse a slow metro link
  ansible.builtin.debug:
    msg: "{{ links | metrostor.gluster.sync_links(max_rtt_ms=10) }}"
"""

RETURN = r"""
_value:
  description: C(links) (name to ms), C(slow) (the accepted slow links), C(max_rtt_ms), C(overridden).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.sync_latency import (
    DEFAULT_MAX_SYNC_RTT_MS, LatencyError, check_sync_links)


def sync_links(links, max_rtt_ms=DEFAULT_MAX_SYNC_RTT_MS, allow_slow=False):
    try:
        return check_sync_links(links, max_rtt_ms, allow_slow)
    except LatencyError as err:
        raise AnsibleFilterError(str(err))


class FilterModule(object):
    def filters(self):
        return {"sync_links": sync_links}

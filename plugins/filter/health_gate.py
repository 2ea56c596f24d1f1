# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: health_unexpected
short_description: The problems of a cluster other than those a day-2 operation repairs
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - Takes M(metrostor.gluster.gluster_health)'s result and returns the problems that are not expected
    by the operation (peers and bricks of the host or disk being replaced, heal pending on the volumes
    whose bricks are down, Heketi problems naming the replaced node or device). The day-2 playbooks
    refuse to act while it is not empty, unless forced.
  - A brick listed online that a new client could not reach (gluster_health's C(bricks) check, a stale port
    map) is unexpected too, unless it is a brick that may be down.
options:
  _input:
    description: gluster_health's result (read on a Gluster node).
    type: dict
    required: true
  heketi:
    description: gluster_health's result read on the Heketi host (with C(gluster=false)).
    type: dict
  hosts:
    description: Peers (addresses or names) that may be down, with all their bricks.
    type: list
    elements: str
  bricks:
    description: C(host:/brick/root) prefixes of bricks that may be down.
    type: list
    elements: str
  heketi_names:
    description: Texts (a manage address, C(/dev/x on host)) whose Heketi problems are expected.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Refuse to act on a cluster degraded in another way
  ansible.builtin.fail:
    msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ health | metrostor.gluster.health_unexpected(hosts=['10.77.1.12']) }}"
  when: problems | length > 0
"""

RETURN = r"""
_value:
  description: The unexpected problems, one sentence each.
  type: list
  elements: str
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.health_gate import unexpected


def health_unexpected(health, heketi=None, hosts=None, bricks=None, heketi_names=None):
    return unexpected(health, heketi, hosts or [], bricks or [], heketi_names or [])


class FilterModule(object):
    def filters(self):
        return {"health_unexpected": health_unexpected}

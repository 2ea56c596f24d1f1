# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: upgrade_order
short_description: The order of a rolling upgrade, data sites first, the tie-breaker last
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - >-
      Orders the Gluster nodes for C(playbooks/rolling_upgrade.yml), one node at a time: the data sites first
      (site by site, by zone), the tie-breaker site last; inventory order within a site.
  - Refuses (an error naming them) nodes that stand in no site of C(metrostor_sites).
options:
  _input:
    description: C(metrostor_sites).
    type: dict
    required: true
  node_sites:
    description: >-
      C({host: site}) for every node (C(metrostor.gluster.node_sites)).
    type: dict
    required: true
  nodes:
    description: The nodes to upgrade, in inventory order.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: The order of the rolling upgrade
  ansible.builtin.set_fact:
    order: "{{ metrostor_sites | metrostor.gluster.upgrade_order(node_sites, groups['gluster_nodes']) }}"
"""

# The same file holds upgrade_version_problems ({host: release} -> sentences naming the nodes on
# another release than the others or than a target major; [] when the upgrade is complete) and
# upgrade_op_version (cluster.max-op-version | upgrade_op_version(cluster.op-version) -> the op-version
# to set, or None) and upgrade_bricks_not_answering (a gluster_health result -> the bricks glusterd lists
# online that a new client could not reach, by gluster_health's rule: module_utils/gluster_health.py
# bricks_not_answering), all from plugins/module_utils/upgrade_plan.py.

RETURN = r"""
_value:
  description: The nodes in upgrade order.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.upgrade_plan import (
    bricks_not_answering,
    op_version_step,
    version_problems,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.upgrade_plan import upgrade_order as _order


def upgrade_order(sites, node_sites, nodes):
    try:
        return _order(sites, node_sites, list(nodes))
    except ValueError as err:
        raise AnsibleFilterError("rolling upgrade refused, nothing was changed: nodes %s" % err)


def upgrade_version_problems(versions, target_major=None):
    """{host: release} -> sentences naming nodes on another release (or none read); [] when all agree."""
    return version_problems(dict(versions), target_major)


def upgrade_op_version(maximum, current):
    """cluster.max-op-version, cluster.op-version -> the op-version to set, or None when it is already there."""
    return op_version_step(current, maximum)


def upgrade_bricks_not_answering(health):
    """A gluster_health result -> ["volume VOL: HOST:/BRICK", ...], bricks online that new clients cannot reach."""
    return bricks_not_answering(health)


class FilterModule(object):
    def filters(self):
        return {"upgrade_order": upgrade_order, "upgrade_version_problems": upgrade_version_problems,
                "upgrade_op_version": upgrade_op_version, "upgrade_bricks_not_answering": upgrade_bricks_not_answering}

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dr_schedules
short_description: Check the DR schedules of the inventory and derive their timers and AWX schedules
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - Checks C(metrostor_dr_schedules) (one per application group - volumes copied to the DR site, Kubernetes
    namespaces, C(every) or C(daily_at), optional C(pre_hook)/C(post_hook) run in a pod) against the volume pairs
    of C(metrostor_dr_site.volumes), and fails naming every problem before anything is changed.
  - Returns each schedule normalised, with its systemd C([Timer]) settings, its AWX C(rrule), its unit name
    and the bound it puts on the RPO (interval plus checkpoint timeout).
  - The C(metrostor.gluster.dr_awx_schedules) filter turns the result into AWX schedule definitions.
options:
  _input:
    description: The schedules, C(metrostor_dr_schedules).
    type: list
    elements: dict
    required: true
  volume_pairs:
    description: C(metrostor_dr_site.volumes), C({primary, standby}) pairs.
    type: list
    elements: dict
    required: true
  known_namespaces:
    description: When given, the namespaces that exist; a schedule naming another is refused.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: The DR schedules, checked
  ansible.builtin.set_fact:
    schedules: "{{ metrostor_dr_schedules | metrostor.gluster.dr_schedules(metrostor_dr_site.volumes) }}"
"""

RETURN = r"""
_value:
  description: >-
    The schedules - name, volumes, pairs, namespaces, interval_seconds or daily_at, timer (systemd [Timer]
    settings), rrule, unit, rpo_bound_seconds, checkpoint_timeout, pre_hook, post_hook, enabled.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.dr_schedule import (
    ScheduleError, check_schedules)


def dr_schedules(schedules, volume_pairs, known_namespaces=None):
    try:
        return check_schedules(schedules, volume_pairs, known_namespaces)
    except ScheduleError as err:
        raise AnsibleFilterError(str(err))


class FilterModule(object):
    def filters(self):
        return {"dr_schedules": dr_schedules}

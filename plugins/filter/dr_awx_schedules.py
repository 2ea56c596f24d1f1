# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dr_awx_schedules
short_description: AWX schedule definitions of the DR schedules
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - Takes the DR schedules checked by the C(metrostor.gluster.dr_schedules) filter and returns one AWX schedule
    per DR schedule, in the shape of C(awx_schedules) in C(awx/config.yml) - name, job_template, rrule (iCal,
    UTC, minute resolution), description (with the RPO bound), extra_data (C(gluster_dr_schedule_name)), enabled.
options:
  _input:
    description: The checked schedules (output of C(metrostor.gluster.dr_schedules)).
    type: list
    elements: dict
    required: true
  job_template:
    description: The AWX job template that runs C(playbooks/dr_schedule_run.yml).
    type: str
    default: "metrostor: DR schedule run"
"""

EXAMPLES = r"""
- name: AWX schedules of the DR schedules
  ansible.builtin.debug:
    msg: "{{ metrostor_dr_schedules | metrostor.gluster.dr_schedules(metrostor_dr_site.volumes) | metrostor.gluster.dr_awx_schedules }}"
"""

RETURN = r"""
_value:
  description: AWX schedule definitions.
  type: list
  elements: dict
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.dr_schedule import awx_schedules


def dr_awx_schedules(schedules, job_template="metrostor: DR schedule run"):
    return awx_schedules(schedules, job_template)


class FilterModule(object):
    def filters(self):
        return {"dr_awx_schedules": dr_awx_schedules}

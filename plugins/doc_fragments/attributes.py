# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``attributes`` the modules share (check mode, diff mode, action group), described once.

A module names the fragments it uses and states only its support level, as
community.general's ``_attributes`` fragment has modules do:

    extends_documentation_fragment:
      - metrostor.gluster.attributes
      - metrostor.gluster.attributes.heketi_action_group   # heketi_* modules
    attributes:
      check_mode: {support: full}
      diff_mode: {support: full}
      action_group: {support: full, membership: [metrostor.gluster.heketi]}   # heketi_* modules
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return the changed status it predicts, without changing the target.
  diff_mode:
    description: Returns what it changed (or, in check mode, would change) as before and after, in diff mode.
"""

    HEKETI_ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: >-
      Use C(group/metrostor.gluster.heketi) in C(module_defaults) to set the Heketi connection
      options (O(heketi_url), O(heketi_user), O(heketi_key), ...) once for every Heketi module.
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - It only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details:
      - It only reads.
"""

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_volume_info
short_description: Read a GlusterFS volume's state, bricks and reconfigured options
description:
  - Reads C(gluster volume info NAME --xml) on this node. Changes nothing.
  - The DR playbooks read their markers (the C(user.metrostor.*) options) with it.
version_added: "0.2.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.attributes
options:
  name:
    description: Volume name.
    type: str
    required: true
attributes:
  check_mode:
    support: full
    description: Reads in check mode too (it changes nothing).
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Is the DR volume promoted?
  metrostor.gluster.gluster_volume_info:
    name: drvol
  register: drvol
"""

RETURN = r"""
exists:
  description: Whether the volume exists.
  returned: always
  type: bool
volume:
  description: C(name), C(status), C(type), C(replica), C(arbiter_count), C(bricks), C(arbiter_bricks), C(options).
  returned: when the volume exists
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli, GlusterError

ARGUMENT_SPEC = dict(name=dict(type="str", required=True))


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        info = GlusterCli(module).volume_info(module.params["name"])
    except GlusterError as err:
        module.fail_json(msg=str(err))
    result = dict(changed=False, exists=info is not None)
    if info is not None:
        result["volume"] = info
    module.exit_json(**result)


if __name__ == "__main__":
    main()

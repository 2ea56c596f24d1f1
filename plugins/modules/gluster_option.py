#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_option
short_description: Set GlusterFS volume or cluster-wide options
description:
  - Reads each option with C(gluster volume get) and sets only those that differ.
  - With O(volume=all), sets cluster-wide options such as C(cluster.server-quorum-ratio).
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.attributes
options:
  volume:
    description: Volume name, or C(all) for cluster-wide options.
    type: str
    default: all
  options:
    description: Option name to value, for example C(cluster.server-quorum-ratio) C(51%).
    type: dict
    required: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Server quorum across the three sites
  metrostor.gluster.gluster_option:
    volume: all
    options:
      cluster.server-quorum-ratio: "51%"
  run_once: true
"""

RETURN = r"""
actions:
  description: What was (or, in check mode, would be) done, one line per option set.
  returned: always
  type: list
  elements: str
changed_options:
  description: Options that were (or, in check mode, would be) set, with their new values.
  returned: always
  type: dict
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_module import GlusterModule

ARGUMENT_SPEC = dict(
    volume=dict(type="str", default="all"),
    options=dict(type="dict", required=True),
)


def same(current, wanted):
    norm = {"on": "on", "yes": "on", "true": "on", "enable": "on", "1": "on",
            "off": "off", "no": "off", "false": "off", "disable": "off", "0": "off"}
    c, w = str(current).strip().lower(), str(wanted).strip().lower()
    if c == w:
        return True
    if c in norm and w in norm and norm[c] == norm[w]:
        return True
    return c.rstrip("%") == w.rstrip("%") and c.rstrip("%").replace(".", "", 1).isdigit()


class GlusterOption(GlusterModule):
    argument_spec = ARGUMENT_SPEC

    def run(self):
        p = self.params
        changed = self.result["changed_options"] = {}
        for option, value in sorted(p["options"].items()):
            if isinstance(value, bool):
                value = "on" if value else "off"
            current = self.cli.volume_get(p["volume"], option)
            if not same(current, value):
                changed[option] = str(value)
                self.changed({option: current}, {option: str(value)})
                self.act("set %s %s to %s (was %s)" % (p["volume"], option, value, current),
                         ["volume", "set", p["volume"], option, str(value)])
            else:
                self.changed({option: current}, {option: current})


def main():
    GlusterOption().main()


if __name__ == "__main__":
    main()

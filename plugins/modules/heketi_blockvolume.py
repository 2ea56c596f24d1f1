#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_blockvolume
short_description: Manage gluster-block (iSCSI) volumes through Heketi
description:
  - Creates, expands and deletes block volumes. Heketi places them on a block-hosting
    volume that has room and is not locked. It creates one itself only with
    C(auto_create_block_hosting_volume) in heketi.json (the heketi role does not set it), so
    create block-hosting volumes with M(metrostor.gluster.heketi_volume) and
    O(metrostor.gluster.heketi_volume#module:block=true).
  - Block volumes are identified by name.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  name:
    description: Block volume name.
    type: str
    required: true
  size:
    description: Size in GiB; required to create. A larger size expands; a smaller one is an error.
    type: int
  hacount:
    description: Number of iSCSI target portals (gateways). Defaults to all hosts of the hosting volume.
    type: int
  auth:
    description: Enable CHAP authentication. The generated password is returned and marked no_log.
    type: bool
    default: false
  clusters:
    description: Restrict placement to these cluster ids.
    type: list
    elements: str
  state:
    description: C(present) or C(absent).
    type: str
    default: present
    choices: [present, absent]
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  action_group:
    support: full
    membership: [metrostor.gluster.heketi]
"""

EXAMPLES = r"""
- name: A 10 GiB iSCSI volume with CHAP and 3 gateways
  metrostor.gluster.heketi_blockvolume:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    name: db-lun
    size: 10
    hacount: 3
    auth: true
"""

RETURN = r"""
blockvolume:
  description: Block volume info (hosts, iqn, lun, username; the CHAP password is masked).
  returned: always
  type: dict
chap_password:
  description: CHAP password of a block volume created with O(auth=true). Only on creation.
  returned: when created with auth
  type: str
actions:
  description: The API steps taken, or that would be taken in check mode.
  returned: always
  type: list
  elements: str
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiError
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import HeketiModule
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_lookup import find_by_name
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_masking import mask_blockvolume as masked


def view(info):
    """Id-free view of a block volume info (or request).

    Heketi's block volume info has no ``auth`` field: a volume made with
    CHAP authentication is the one with a CHAP user name.
    """
    if "blockvolume" in info:
        auth = bool((info.get("blockvolume") or {}).get("username"))
    else:
        auth = bool(info.get("auth"))
    return {"size": info.get("size"), "hacount": info.get("hacount"), "auth": auth}


class HeketiBlockVolumeModule(HeketiModule):
    argument_spec = dict(
        name=dict(type="str", required=True),
        size=dict(type="int"),
        hacount=dict(type="int"),
        auth=dict(type="bool", default=False),
        clusters=dict(type="list", elements="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def run(self):
        p = self.params
        name = p["name"]
        actions = self.result["actions"] = []
        current = find_by_name(self.client.blockvolume_list, self.client.blockvolume_info, name)
        if p["state"] == "absent":
            self.result["blockvolume"] = {}
            self.delete_if_present("block volume", name, current, view, self.client.blockvolume_delete)
            return
        if current is None:
            if not p["size"] or p["size"] < 1:
                self.fail("size (GiB, positive) is required to create block volume %s" % name)
            req = {"name": name, "size": p["size"], "auth": p["auth"]}
            if p["hacount"]:
                req["hacount"] = p["hacount"]
            if p["clusters"]:
                req["clusters"] = p["clusters"]
            actions.append("create block volume %s (%d GiB)" % (name, p["size"]))
            self.changed({name: None}, {name: view(req)})
            if self.check:
                self.result["blockvolume"] = req
                return
            try:
                created = self.client.blockvolume_create(req)
            except HeketiError as err:
                if "Block Hosting Volume Creation is disabled" not in str(err):
                    raise
                self.fail("Heketi: no block-hosting volume has room for block volume %s, and Heketi creates none "
                          "itself (%s). Create one with metrostor.gluster.heketi_volume (block=true), or unlock a "
                          "locked one (block_restriction=unrestricted)" % (name, err), status=err.status)
            password = (created.get("blockvolume") or {}).get("password")
            if password:
                self.module.no_log_values.add(password)
                self.result["chap_password"] = password
            self.result["blockvolume"] = masked(created)
            return
        have = view(current)
        if p["auth"] != have["auth"] or (p["hacount"] and p["hacount"] != have["hacount"]):
            self.fail("Block volume %s exists with auth=%s hacount=%s; Heketi cannot change these"
                      % (name, have["auth"], have["hacount"]))
        if p["size"] and p["size"] < current["size"]:
            self.fail("Block volume %s is %d GiB; it cannot shrink to %d GiB" % (name, current["size"], p["size"]))
        if p["size"] and p["size"] > current["size"]:
            actions.append("expand block volume %s to %d GiB" % (name, p["size"]))
            self.changed({name: have}, {name: dict(have, size=p["size"])})
            current = dict(current, size=p["size"]) if self.check else \
                self.client.blockvolume_expand(current["id"], p["size"])
        self.result["blockvolume"] = masked(current)


def main():
    HeketiBlockVolumeModule().main()


if __name__ == "__main__":
    main()

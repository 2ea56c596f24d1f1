#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_volume
short_description: Manage Gluster file volumes through Heketi
description:
  - Creates, expands, clones and deletes Gluster volumes that Heketi places and builds.
  - Volumes are identified by name. Properties Heketi cannot change on an existing volume
    (durability, arbiter, zone checking, gid, block hosting, options) are compared and a difference
    is an error, so a playbook never silently diverges from what exists.
  - Heketi adds its server-wide C(pre_request_volume_options) (and, on block-hosting volumes,
    C(block_hosting_volume_options)) to every volume; the module checks that the options it asks
    for are on the volume and ignores the ones the server added.
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  name:
    description: Gluster volume name.
    type: str
    required: true
  size:
    description:
      - Size in GiB. Required to create. A larger size than the current one expands the volume;
        a smaller one is an error (Gluster volumes cannot shrink).
    type: int
  durability:
    description: Data protection type.
    type: str
    default: replicate
    choices: [none, replicate, disperse]
  replica:
    description: Replica count with O(durability=replicate).
    type: int
    default: 3
  arbiter:
    description:
      - C(true) creates a C(replica 3 arbiter 1) volume (Heketi option C(user.heketi.arbiter true)).
        The arbiter brick goes to a node or device tagged C(arbiter=required) or C(supported)
        (in the three-site layout, the tie-breaker site), data bricks to ones not tagged C(required).
      - C(false) creates a plain volume (C(user.heketi.arbiter false) is sent, so a server-wide
        C(user.heketi.arbiter true) in C(pre_request_volume_options) cannot turn it into an arbiter volume).
      - The choice can also be given as C(user.heketi.arbiter true) in O(options), as a Kubernetes
        StorageClass does in C(volumeoptions); the two must agree.
      - Defaults to C(false) unless O(options) says otherwise.
    type: bool
  zone_checking:
    description:
      - C(strict) makes Heketi fail rather than put two bricks of a replica set in one zone,
        C(none) allows it (option C(user.heketi.zone-checking)).
      - Omitted, the server's C(zone_checking) setting applies (the heketi role sets C(strict)).
    type: str
    choices: [none, strict]
  disperse_data:
    description: Data bricks per set with O(durability=disperse).
    type: int
    default: 4
  disperse_redundancy:
    description: Redundancy bricks per set with O(durability=disperse).
    type: int
    default: 2
  gid:
    description: Group id owning the volume root (for pods running with a supplemental group).
    type: int
  block:
    description:
      - Create a block-hosting volume (Heketi puts gluster-block volumes on it). Heketi creates
        block-hosting volumes by itself only with C(auto_create_block_hosting_volume) in heketi.json,
        which the heketi role does not set, so M(metrostor.gluster.heketi_blockvolume) needs one.
    type: bool
    default: false
  block_restriction:
    description:
      - For a block-hosting volume, C(locked) stops Heketi from placing new block volumes on it
        (existing ones stay), C(unrestricted) lifts that (C(POST /volumes/{id}/block-restriction)).
      - Omitted, the restriction is left as it is.
    type: str
    choices: [unrestricted, locked]
  options:
    description: Further Gluster volume options, each C("key value").
    type: list
    elements: str
  clusters:
    description: Restrict placement to these cluster ids.
    type: list
    elements: str
  snapshot:
    description: Enable Gluster snapshots (thin-provisioned bricks sized with O(snapshot_factor)).
    type: bool
    default: false
  snapshot_factor:
    description: Brick size multiplier reserved for snapshots.
    type: float
    default: 1.0
  clone_from:
    description: Create the volume as a clone of this existing volume (by name) instead of empty.
    type: str
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
- name: Stretched replica 3 arbiter 1 volume, arbiter in the tie-breaker site
  metrostor.gluster.heketi_volume:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    name: pv-data
    size: 50
    arbiter: true

- name: The same choice as a StorageClass makes it (volumeoptions)
  metrostor.gluster.heketi_volume:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    name: pv-logs
    size: 20
    options:
      - user.heketi.arbiter true

- name: A block-hosting volume, locked against new block volumes
  metrostor.gluster.heketi_volume:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    name: block-host-1
    size: 100
    block: true
    arbiter: true
    block_restriction: locked

- name: Grow it to 80 GiB
  metrostor.gluster.heketi_volume:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    name: pv-data
    size: 80
    arbiter: true
"""

RETURN = r"""
volume:
  description: Volume info as Heketi returns it (bricks, mount hosts); empty after deletion.
  returned: always
  type: dict
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

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import HeketiModule
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_lookup import find_by_name
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_volume_spec import (
    build_request,
    immutable_differences,
    view,
    wanted_arbiter,
)


class HeketiVolumeModule(HeketiModule):
    argument_spec = dict(
        name=dict(type="str", required=True),
        size=dict(type="int"),
        durability=dict(type="str", default="replicate", choices=["none", "replicate", "disperse"]),
        replica=dict(type="int", default=3),
        arbiter=dict(type="bool"),
        zone_checking=dict(type="str", choices=["none", "strict"]),
        disperse_data=dict(type="int", default=4),
        disperse_redundancy=dict(type="int", default=2),
        gid=dict(type="int"),
        block=dict(type="bool", default=False),
        block_restriction=dict(type="str", choices=["unrestricted", "locked"]),
        options=dict(type="list", elements="str"),
        clusters=dict(type="list", elements="str"),
        snapshot=dict(type="bool", default=False),
        snapshot_factor=dict(type="float", default=1.0),
        clone_from=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )

    def run(self):
        p = self.params
        name = p["name"]
        actions = self.result["actions"] = []
        arbiter = wanted_arbiter(p)
        if arbiter is None:
            self.fail("arbiter=%s and the option user.heketi.arbiter in options disagree" % p["arbiter"])
        if arbiter and (p["durability"] != "replicate" or p["replica"] != 3):
            self.fail("an arbiter volume needs durability=replicate and replica=3 (replica 3 arbiter 1)")
        if p["block_restriction"] and not p["block"]:
            self.fail("block_restriction applies to block-hosting volumes only (block=true)")
        if p["size"] is not None and p["size"] < 1:
            self.fail("size must be a positive number of GiB, got %s" % p["size"])
        current = find_by_name(self.client.volume_list, self.client.volume_info, name)
        if p["state"] == "absent":
            self.result["volume"] = {}
            self.delete_if_present("volume", name, current, view, self.client.volume_delete)
            return
        if current is None:
            self.result["volume"] = self.create(actions)
            return
        self.result["volume"] = self.update(current, actions)

    def create(self, actions):
        p = self.params
        name = p["name"]
        if p["clone_from"]:
            source = find_by_name(self.client.volume_list, self.client.volume_info, p["clone_from"])
            if source is None:
                self.fail("Cannot clone %s: source volume %s does not exist" % (name, p["clone_from"]))
            actions.append("clone volume %s as %s" % (p["clone_from"], name))
            after = dict(view(source))
            self.changed({name: None}, {name: after})
            if self.check:
                return dict(source, name=name, id=None, bricks=[])
            return self.client.volume_clone(source["id"], name)
        if p["size"] is None:
            self.fail("size is required to create volume %s" % name)
        req = build_request(p)
        actions.append("create volume %s (%d GiB)" % (name, p["size"]))
        after = view(req)
        if p["block_restriction"] == "locked":
            actions.append("lock block-hosting volume %s" % name)
            after["block_restriction"] = "locked"
        self.changed({name: None}, {name: after})
        if self.check:
            return req
        created = self.client.volume_create(req)
        if p["block_restriction"] == "locked":
            created = self.client.volume_set_block_restriction(created["id"], "locked")
        return created

    def update(self, current, actions):
        p = self.params
        name = p["name"]
        have = view(current)
        if p["clone_from"]:
            # Already there: a clone is a one-off creation; compare nothing else.
            return current
        wanted = view(build_request(dict(p, size=p["size"] or current["size"])))
        wrong = immutable_differences(have, wanted)
        if wrong:
            self.fail("Volume %s exists with other settings Heketi cannot change: %s. Change the task "
                      "to match, or delete and recreate the volume (data would be lost)" % (name, "; ".join(wrong)),
                      volume=current)
        if p["size"] is not None and p["size"] < current["size"]:
            self.fail("Volume %s is %d GiB; Gluster volumes cannot shrink to %d GiB"
                      % (name, current["size"], p["size"]), volume=current)
        if p["size"] is not None and p["size"] > current["size"]:
            grow = p["size"] - current["size"]
            actions.append("expand volume %s by %d GiB" % (name, grow))
            self.changed({name: have}, {name: dict(have, size=p["size"])})
            current = dict(current, size=p["size"]) if self.check else \
                self.client.volume_expand(current["id"], grow)
        if p["block_restriction"] and have["block_restriction"] != p["block_restriction"] \
                and have["block_restriction"] in ("unrestricted", "locked"):
            word = "lock" if p["block_restriction"] == "locked" else "unlock"
            actions.append("%s block-hosting volume %s" % (word, name))
            self.changed({name: have}, {name: dict(have, block_restriction=p["block_restriction"])})
            restriction = "locked" if p["block_restriction"] == "locked" else ""
            current = dict(current, blockinfo=dict(current.get("blockinfo") or {}, restriction=restriction)) \
                if self.check else self.client.volume_set_block_restriction(current["id"], restriction)
        elif p["block_restriction"] and have["block_restriction"] != p["block_restriction"]:
            self.fail("Volume %s is %s by Heketi (a block volume is being expanded); try again later"
                      % (name, have["block_restriction"]), volume=current)
        return current


def main():
    HeketiVolumeModule().main()


if __name__ == "__main__":
    main()

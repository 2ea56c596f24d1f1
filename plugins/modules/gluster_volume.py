#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_volume
short_description: Create, start, stop and delete GlusterFS volumes directly (without Heketi)
description:
  - For volumes managed outside Heketi (test volumes, infrastructure volumes such as the
    geo-replication meta volume). Heketi-managed volumes use M(metrostor.gluster.heketi_volume).
  - The brick list of an existing volume is compared with O(bricks); a difference is an error
    (this module does not move bricks).
version_added: "0.1.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.attributes
options:
  name:
    description: Volume name.
    type: str
    required: true
  bricks:
    description:
      - Bricks as C(host:/path), in replica-set order. With O(arbiter=1) every third brick is the
        arbiter brick, so list the tie-breaker site's brick third in each set.
      - Required to create.
    type: list
    elements: str
  replica:
    description: Replica count (3 for C(replica 3 arbiter 1)).
    type: int
    default: 1
  arbiter:
    description: Arbiter bricks per replica set (0 or 1).
    type: int
    default: 0
    choices: [0, 1]
  options:
    description: Volume options to set (only those that differ are set).
    type: dict
    default: {}
  state:
    description: C(present) (created, started), C(stopped), or C(absent) (stopped and deleted; data on bricks stays).
    type: str
    default: present
    choices: [present, stopped, absent]
  force:
    description: Pass C(force) to C(volume create) (for example for bricks on a root filesystem).
    type: bool
    default: false
notes:
  - Run it on one node of the pool (C(run_once)).
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: A replica 3 arbiter 1 volume with the arbiter brick in the tie-breaker site
  metrostor.gluster.gluster_volume:
    name: stretch
    replica: 3
    arbiter: 1
    bricks:
      - 10.77.1.11:/bricks/brick1/stretch
      - 10.77.2.11:/bricks/brick1/stretch
      - 10.77.3.11:/bricks/brick1/stretch
    options:
      network.ping-timeout: 5
  run_once: true
"""

RETURN = r"""
actions:
  description: What was (or, in check mode, would be) done, one line per gluster command.
  returned: always
  type: list
  elements: str
commands:
  description: The gluster commands run (or, in check mode, that would be), as in O(name)'s C(gluster volume ...) lines.
  returned: always
  type: list
  elements: str
volume:
  description: Volume info after the task (type, status, bricks, arbiter bricks, reconfigured options).
  returned: when the volume exists
  type: dict
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_module import GlusterModule

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    bricks=dict(type="list", elements="str"),
    replica=dict(type="int", default=1),
    arbiter=dict(type="int", default=0, choices=[0, 1]),
    options=dict(type="dict", default={}),
    state=dict(type="str", default="present", choices=["present", "stopped", "absent"]),
    force=dict(type="bool", default=False),
)


def view(info):
    if info is None:
        return None
    return {"status": info["status"], "bricks": info["bricks"], "replica": info["replica"],
            "arbiter": info["arbiter_count"], "options": dict(info["options"])}


class GlusterVolume(GlusterModule):
    argument_spec = ARGUMENT_SPEC

    def plan(self, info):
        """The gluster commands that bring the volume to the task's state, and the volume's view after them."""
        p = self.params
        name = p["name"]
        steps = []
        after = view(info)
        if p["state"] == "absent":
            if info is not None:
                if info["status"] == "Started":
                    steps.append(["volume", "stop", name])
                steps.append(["volume", "delete", name])
            return steps, None
        if info is None:
            bricks = p["bricks"] or []
            if not bricks:
                self.fail("bricks are required to create volume %s" % name)
            if p["arbiter"] and p["replica"] != 3:
                self.fail("arbiter=1 needs replica=3 (replica 3 arbiter 1)")
            if len(bricks) % p["replica"]:
                self.fail("%d bricks do not make whole replica sets of %d" % (len(bricks), p["replica"]))
            hosts_per_set = [set(b.split(":", 1)[0] for b in bricks[i:i + p["replica"]])
                             for i in range(0, len(bricks), p["replica"])]
            if any(len(s) != p["replica"] for s in hosts_per_set):
                self.fail("two bricks of one replica set are on the same host: %s" % bricks)
            create = ["volume", "create", name]
            if p["replica"] > 1:
                create += ["replica", str(p["replica"])]
            if p["arbiter"]:
                create += ["arbiter", "1"]
            steps.append(create + bricks + (["force"] if p["force"] else []))
            after = {"status": "Created", "bricks": bricks, "replica": p["replica"], "arbiter": p["arbiter"],
                     "options": {}}
        elif p["bricks"] and p["bricks"] != info["bricks"]:
            self.fail("volume %s has bricks %s, not %s; this module does not move bricks"
                      % (name, info["bricks"], p["bricks"]), volume=info)
        current_opts = after["options"]
        for key, value in sorted(p["options"].items()):
            value = ("on" if value else "off") if isinstance(value, bool) else str(value)
            if current_opts.get(key) != value:
                steps.append(["volume", "set", name, key, value])
                current_opts[key] = value
        if p["state"] == "present" and after["status"] != "Started":
            steps.append(["volume", "start", name])
            after["status"] = "Started"
        if p["state"] == "stopped" and after["status"] == "Started":
            steps.append(["volume", "stop", name])
            after["status"] = "Stopped"
        return steps, after

    def run(self):
        name = self.params["name"]
        info = self.cli.volume_info(name)
        steps, after = self.plan(info)
        self.changed(view(info), after)
        self.result["commands"] = [" ".join(s) for s in steps]
        for step in steps:
            self.act(" ".join(step), step)
        if steps and not self.check:
            info = self.cli.volume_info(name)
        if info is not None and self.params["state"] != "absent":
            self.result["volume"] = info


def main():
    GlusterVolume().main()


if __name__ == "__main__":
    main()

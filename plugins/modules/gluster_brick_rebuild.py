#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_brick_rebuild
short_description: Rebuild the bricks of a replaced disk or host (reset-brick / replace-brick commit force)
description:
  - For every started, replicated volume, finds the bricks of O(host) whose path lies under one of
    O(brick_roots) and rebuilds those that are not online, from the other bricks of their replica sets.
  - "Same host (a new disk, or a new host that took the old host's name and peer uuid):
    C(volume reset-brick VOL B start) then C(volume reset-brick VOL B B commit force).
    Another host (O(new_host)): C(volume replace-brick VOL OLD NEW commit force)."
  - glusterd creates the brick directory on the new filesystem, sets its volume-id, starts the brick
    and marks it for a full self-heal; wait for the heal afterwards (M(metrostor.gluster.gluster_health)).
  - Run on the brick's host, the module first creates the empty brick directory with its volume's id,
    without which glusterd refuses C(reset-brick) on a host that replaced the old one under the same
    name and peer uuid ("When destination brick is new, please use replace-brick").
  - Online bricks are left alone, so a second run changes nothing. A brick of a volume that is not
    replicated is reported (its data is gone with its disk) and not rebuilt.
  - The whole plan is made before the first command; a failure reports the steps already done.
version_added: "0.3.0"
author: metrostor.gluster developers (!UNKNOWN)
options:
  host:
    description: The bricks' host as the volumes name it (the address or name the bricks were created with).
    type: str
    required: true
  new_host:
    description: The host the bricks move to (C(replace-brick)). Default, O(host) (C(reset-brick)).
    type: str
  brick_roots:
    description: Brick mount points (for example C(/bricks/brick1)) whose bricks are rebuilt. Default, every brick of O(host).
    type: list
    elements: path
    default: []
  volumes:
    description: Only these volumes. Default, every volume of the pool.
    type: list
    elements: str
  online_too:
    description:
      - Also rebuild the bricks under O(brick_roots) that are reported online. For a disk known to be gone
        (a brick process can outlive its disk until its health check notices); never for a healthy disk.
    type: bool
    default: false
  command_timeout:
    description: Seconds each gluster command may take (the CLI's C(--timeout)).
    type: int
    default: 120
attributes:
  check_mode:
    support: full
    description: Reports the commands it would run (RV(actions)) and runs none.
  diff_mode:
    support: full
    description: Shows the bricks to rebuild.
"""

EXAMPLES = r"""
- name: Rebuild the bricks that were on the failed disk of gl-a1
  metrostor.gluster.gluster_brick_rebuild:
    host: 10.77.1.11
    brick_roots: [/bricks/brick1]
  delegate_to: gl-b1
  run_once: true
"""

RETURN = r"""
actions:
  description: The gluster commands run (or, in check mode, that would run).
  returned: always
  type: list
  elements: str
rebuilt:
  description: The bricks rebuilt, each C({volume, brick, new_brick, how}).
  returned: always
  type: list
  elements: dict
skipped:
  description: The bricks of O(host) left alone and why (online, volume not started, not replicated).
  returned: always
  type: list
  elements: dict
"""

import os
import socket
import uuid

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.metrostor.gluster.plugins.module_utils.brick_rebuild import plan
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli, GlusterError
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_health import bricks_online, read_bricks

ARGUMENT_SPEC = dict(
    host=dict(type="str", required=True),
    new_host=dict(type="str"),
    brick_roots=dict(type="list", elements="path", default=[]),
    volumes=dict(type="list", elements="str"),
    online_too=dict(type="bool", default=False),
    command_timeout=dict(type="int", default=120),
)


def is_local(host):
    """Whether HOST (an address or a name) is an address of the node the module runs on."""
    try:
        address = socket.gethostbyname(host)
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind((address, 0))
        finally:
            probe.close()
        return True
    except (socket.error, socket.gaierror):
        return False


NEW_BRICK_REFUSAL = "When destination brick is new"


def sibling_path(brick, bricks):
    """host:/p -> host:/p-rebuilt (or -rebuilt-N), a directory no brick of the volume uses."""
    candidate, n = brick + "-rebuilt", 1
    while candidate in bricks:
        n += 1
        candidate = "%s-rebuilt-%d" % (brick, n)
    return candidate


def mark_brick(cli, volume, path):
    """The new, empty brick directory gets its volume's id, as glusterd's own bricks carry it: glusterd
    then takes it for the volume's brick being reset, not for a new brick (which reset-brick refuses on
    a host that replaced the old one under the same name and uuid)."""
    volume_id = cli.run_xml(["volume", "info", volume]).findtext(".//volume/id")
    if not os.path.isdir(path):
        os.makedirs(path, 0o755)
    try:
        os.getxattr(path, "trusted.glusterfs.volume-id")
    except OSError:
        os.setxattr(path, "trusted.glusterfs.volume-id", uuid.UUID(volume_id).bytes)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    timeout = ["--timeout=%d" % p["command_timeout"]]
    actions, done = [], []
    try:
        cli = GlusterCli(module)
        volumes = cli.volume_infos(timeout=p["command_timeout"])
        unknown = [v for v in (p["volumes"] or []) if v not in volumes]
        if unknown:
            module.fail_json(msg="No such volume(s): %s (the pool has: %s). Nothing was changed."
                             % (", ".join(unknown), ", ".join(sorted(volumes)) or "none"))
        started = [v for v in volumes if volumes[v]["status"] == "Started"]
        status = read_bricks(cli.run_xml(timeout + ["volume", "status", "all"])) if started else {}
        online = dict((name, bricks_online(vol, status.get(name, {}))) for name, vol in volumes.items())
        steps, skipped = plan(volumes, online, p["host"], p["brick_roots"], p["new_host"], p["volumes"],
                              p["online_too"])
        for step in steps:
            for args in step["args"]:
                actions.append("gluster " + " ".join(args))
            if module.check_mode:
                continue
            if step["how"] == "reset-brick" and is_local(p["host"]):
                mark_brick(cli, step["volume"], step["brick"].rsplit(":", 1)[1])
            for args in step["args"]:
                try:
                    cli.run_xml(timeout + args)
                except GlusterError as err:
                    if step["how"] == "reset-brick" and args[-1] == "force" and NEW_BRICK_REFUSAL in str(err):
                        # glusterd (10.3, seen on the lab) may take the emptied directory on a host that took
                        # over the old uuid for a new brick and refuse reset-brick: the brick moves to a new
                        # directory on the same host and filesystem (replace-brick), which heals the same way.
                        moved = sibling_path(step["brick"], volumes[step["volume"]]["bricks"])
                        retry = ["volume", "replace-brick", step["volume"], step["brick"], moved, "commit", "force"]
                        actions.append("(%s: %s)" % (" ".join(args), err))
                        actions.append("gluster " + " ".join(retry))
                        cli.run_xml(timeout + retry)
                        step = dict(step, new_brick=moved, how="replace-brick (same host, new directory)")
                        continue
                    # `reset-brick ... start` on a brick whose process is already gone is refused; the
                    # commit that follows is what matters.
                    if args[-1] != "start":
                        raise
                    actions.append("(%s: %s)" % (" ".join(args), err))
            done.append(step)
    except GlusterError as err:
        module.fail_json(msg="%s. Done before the failure: %s" % (err, ", ".join(
            "%s %s %s" % (s["how"], s["volume"], s["brick"]) for s in done) or "nothing"),
            actions=actions, rebuilt=[dict((k, s[k]) for k in ("volume", "brick", "new_brick", "how")) for s in done])
    rebuilt = [dict((k, s[k]) for k in ("volume", "brick", "new_brick", "how"))
               for s in (steps if module.check_mode else done)]
    result = dict(changed=bool(steps), actions=actions, rebuilt=rebuilt, skipped=skipped)
    if module._diff:
        result["diff"] = {"before": "".join("%s %s: down\n" % (s["volume"], s["brick"]) for s in steps),
                          "after": "".join("%s %s: rebuilt (%s)\n" % (s["volume"], s["new_brick"], s["how"])
                                           for s in steps)}
    module.exit_json(**result)


if __name__ == "__main__":
    main()

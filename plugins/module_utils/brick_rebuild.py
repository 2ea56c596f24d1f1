# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which bricks of a host must be rebuilt, and the gluster commands that rebuild them.

A brick is rebuilt when its disk or its whole host was replaced: the brick
directory is empty (a new filesystem) and the brick process is down.  Upstream's
commands for that (GlusterFS >= 3.9):

* same host and path (a new disk, or a new host that took the old one's name
  and peer uuid): ``volume reset-brick VOL B start`` then
  ``volume reset-brick VOL B B commit force``;
* a new host: ``volume replace-brick VOL OLD NEW commit force``.

Both make glusterd create the brick directory, set its volume-id, start the
brick and mark the whole brick for self-heal from the other bricks of its
replica set.  Pure functions: the module runs the commands.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def under(path, roots):
    """Whether a brick path lies on one of the brick mount points ``roots`` (all when empty)."""
    if not roots:
        return True
    return any(path == r.rstrip("/") or path.startswith(r.rstrip("/") + "/") for r in roots)


def plan(volumes, online, host, roots=None, new_host=None, only=None, online_too=False):
    """The rebuild steps for the bricks of ``host`` under ``roots``.

    volumes: {name: volume_info dict} (gluster_cli.parse_volume)
    online: {name: {brick: bool}} (gluster_health.bricks_online per volume)
    Returns (steps, skipped): steps are dicts {volume, brick, new_brick, how, args}; skipped lists
    the bricks left alone and why (online, volume not started, not replicated).  With online_too, a
    brick reported online is rebuilt too (its disk is known to be gone: the brick process can outlive
    its disk until its health check notices)."""
    new_host = new_host or host
    steps, skipped = [], []
    for name in sorted(volumes):
        if only and name not in only:
            continue
        vol = volumes[name]
        for brick in vol["bricks"]:
            brick_host, path = brick.rsplit(":", 1)
            if brick_host != host or not under(path, roots):
                continue
            new_brick = "%s:%s" % (new_host, path)
            if vol["status"] != "Started":
                skipped.append({"volume": name, "brick": brick, "why": "volume %s is not started" % vol["status"]})
                continue
            if (vol.get("replica") or 1) < 2:
                skipped.append({"volume": name, "brick": brick,
                                "why": "not replicated: nothing to heal it from (its data is lost with the disk)"})
                continue
            if new_host == host and (online.get(name) or {}).get(brick) and not online_too:
                skipped.append({"volume": name, "brick": brick, "why": "online"})
                continue
            if new_host == host:
                steps.append({"volume": name, "brick": brick, "new_brick": brick, "how": "reset-brick",
                              "args": [["volume", "reset-brick", name, brick, "start"],
                                       ["volume", "reset-brick", name, brick, brick, "commit", "force"]]})
            else:
                steps.append({"volume": name, "brick": brick, "new_brick": new_brick, "how": "replace-brick",
                              "args": [["volume", "replace-brick", name, brick, new_brick, "commit", "force"]]})
    return steps, skipped

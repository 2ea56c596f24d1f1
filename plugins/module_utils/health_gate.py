# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a cluster is healthy enough for a day-2 operation.

A day-2 operation starts from a cluster that is degraded in exactly the way
it is meant to repair (the replaced host's peer and bricks down, heal pending
on the volumes those bricks belong to, the replaced Heketi device or node not
online) and nothing else.  ``unexpected`` returns every other problem, each as
a sentence naming it; the playbooks refuse to act while the list is not empty
(unless forced).  Pure functions of gluster_health's facts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_health import (
    GEOREP_RUNNING,
    GEOREP_STOPPED_ON_PURPOSE,
    bricks_not_answering,
    not_answering_text,
)


def _matches(brick, prefixes):
    return any(brick == p or brick.startswith(p.rstrip("/") + "/") or brick.split(":", 1)[0] == p
               for p in prefixes)


def unexpected(health, heketi=None, hosts=(), bricks=(), heketi_names=()):
    """Problems other than the expected ones.

    health: gluster_health's result (peers, volumes, problems)
    heketi: gluster_health's result read on the Heketi host (its problems.heketi), or None
    hosts: peers (addresses or names) that may be disconnected, and whose bricks may be down
    bricks: ``host:/brick/root`` prefixes of bricks that may be down
    heketi_names: texts (a manage address, ``/dev/x on host``) whose Heketi problems are expected"""
    found = []
    expected_down = list(hosts) + list(bricks)
    for peer in health.get("peers") or []:
        names = set(peer.get("names") or []) | set([peer.get("hostname")])
        if not peer.get("connected") and not names & set(hosts):
            found.append("peer %s is %s" % (peer.get("hostname"), peer.get("state") or "disconnected"))
    for name, vol in sorted((health.get("volumes") or {}).items()):
        if vol.get("status") != "Started":
            continue
        down = [b for b, up in sorted((vol.get("bricks_online") or {}).items()) if not up]
        other = [b for b in down if not _matches(b, expected_down)]
        if other:
            found.append("volume %s: brick(s) not online: %s" % (name, ", ".join(other)))
        stale = [b for b in bricks_not_answering(vol) if not _matches(b, expected_down)]
        if stale:
            found.append(not_answering_text(name, stale))
        affected = down or [b for b in (vol.get("bricks_online") or {}) if _matches(b, expected_down)]
        if vol.get("heal_pending") and not affected:
            found.append("volume %s: %d entries pending heal" % (name, vol["heal_pending"]))
        if vol.get("split_brain"):
            found.append("volume %s: %d entries in split-brain" % (name, vol["split_brain"]))
    problems = health.get("problems") or {}
    for text in problems.get("quorum") or []:
        found.append(text)
    for session in health.get("georep") or []:
        # a session stopped or paused on purpose does not make a day-2 operation unsafe; a faulty one does
        bad = [w for w in session.get("workers") or [] if w.get("status") not in GEOREP_RUNNING + GEOREP_STOPPED_ON_PURPOSE
               and w.get("primary_node") not in hosts]
        if bad:
            found.append("geo-replication %s: %s" % (session.get("name"), ", ".join(
                "%s %s" % (w.get("primary_node"), w.get("status")) for w in bad)))
    heketi_problems = ((heketi or {}).get("problems") or {}).get("heketi") or []
    for text in heketi_problems:
        if not any(n and n in text for n in heketi_names) or "pending operation" in text:
            found.append(text)
    return found

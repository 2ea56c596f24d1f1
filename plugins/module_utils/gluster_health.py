# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The health of a Gluster pool, read from the CLI's XML, and the verdict drawn from it.

Read-only.  Each reader takes the parsed ``<cliOutput>`` root of one command,
so that the parsing is tested on output recorded from GlusterFS 10.3; the
verdict is a pure function of the facts.  What counts as a problem:

* ``peers``: a peer of the pool not connected;
* ``bricks``: a brick of a started volume not online, or online (glusterd
  lists it) but not reached by a new client (``heal info``'s): see
  bricks_not_answering;
* ``heal``: entries pending self-heal;
* ``split_brain``: entries in split-brain;
* ``quorum``: the pool without server quorum (connected glusterd, this node
  included, not more than ``server-quorum-ratio`` of the pool), or a replica
  set without client quorum (fewer than half of its bricks online, or exactly
  half without the first brick, as ``cluster.quorum-type auto`` counts);
* ``georep``: a geo-replication session Faulty or not Active/Passive;
* ``heketi``: Heketi's /db/check inconsistencies, pending operations, nodes
  or devices not online (filled in by the module when Heketi is given).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

CHECKS = ("peers", "bricks", "heal", "split_brain", "quorum", "georep", "heketi")
# geo-replication workers that replicate; and those an operator stopped on purpose (not replicating, so a
# health problem, but not a fault that makes a day-2 operation unsafe: see health_gate.py)
GEOREP_RUNNING = ("Active", "Passive")
GEOREP_STOPPED_ON_PURPOSE = ("Stopped", "Paused", "Created")


def _int(text, default=0):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def read_bricks(status_root):
    """``gluster volume status all --xml`` -> ``{volume: {"peer-uuid:path": online}}`` (bricks only).

    The status names each brick's host as the pool knows the peer (a name or
    an address), which need not be how the brick was created: bricks are
    matched by peer uuid and path (see bricks_online)."""
    out = {}
    for vol in status_root.iter("volume"):
        name = vol.findtext("volName")
        if not name:
            continue
        bricks = out.setdefault(name, {})
        for node in vol.iter("node"):
            path = node.findtext("path") or ""
            if not path.startswith("/"):  # Self-heal Daemon, NFS Server, ... are not bricks
                continue
            bricks["%s:%s" % (node.findtext("peerid"), path)] = node.findtext("status") == "1"
    return out


def bricks_online(volume, status):
    """``{brick name: online}`` for a volume_info() dict, from read_bricks()' entry of that volume.

    A brick that the status does not list (its node is not connected) is offline."""
    uuids = volume.get("brick_uuids") or {}
    return dict((brick, bool(status.get("%s:%s" % (uuids.get(brick), brick.rsplit(":", 1)[-1]))))
                for brick in volume.get("bricks") or [])


def read_heal_summary(heal_root):
    """``gluster volume heal VOL info summary --xml`` -> counts over the bricks that answered."""
    pending = split = 0
    unreachable = []
    for brick in heal_root.iter("brick"):
        name = brick.findtext("name") or ""
        if (brick.findtext("status") or "").lower() != "connected":
            unreachable.append(name)
            continue
        pending += _int(brick.findtext("numberOfEntriesInHealPending"), _int(brick.findtext("totalNumberOfEntries")))
        split += _int(brick.findtext("numberOfEntriesInSplitBrain"))
    return {"heal_pending": pending, "split_brain": split, "bricks_not_answering": unreachable}


def bricks_not_answering(vol):
    """The bricks of a started volume (a gluster_health ``volumes`` entry) that glusterd lists online but
    that a new client could not reach: ``heal info``'s client did not connect to them (its
    ``bricks_not_answering``).  Offline bricks are left out (they are named as not online); so are
    the bricks of a volume that is not started.

    Seen on the lab in a pool of GlusterFS 9.2 and 10.3 nodes: a 9.x brick whose own glusterd stopped
    first signed its port in at another node's glusterd (its backup volfile server; upstream issue
    #2480, fixed by PR #2509 "glusterd/brick: Do not connect into the backup volfile server").  When
    that node has a brick of the same path, its glusterd's port map then answers the wrong port for it,
    and new clients (heal info, a restarted self-heal daemon, a new mount) cannot reach that brick:
    self-heal cannot finish and heal info cannot count the brick, while glusterd lists it online and
    the clients already connected keep working.  Restarting glusterd on the brick's node clears it."""
    if vol.get("status") != "Started":
        return []
    online = vol.get("bricks_online") or {}
    return [b for b in vol.get("bricks_not_answering") or [] if online.get(b)]


def not_answering_text(name, bricks):
    """The problem sentence for bricks_not_answering() of volume ``name`` (health's and the day-2 gate's)."""
    return ("volume %s: brick(s) online in glusterd but a new client (heal info) could not reach them: %s "
            "(self-heal cannot finish and their heal counts are unknown; a stale port map, glusterfs "
            "#2480: restart glusterd on the brick's node)" % (name, ", ".join(bricks)))


def heal_unknown(bricks):
    """The heal counts of a started volume none of whose bricks is online: not asked, as ``heal info``
    cannot answer then (its client finds no brick: "Not able to fetch volfile from glusterd", seen on the
    lab after a reboot had started glusterd before the brick file system was mounted).  The bricks check
    names the offline bricks; the counts are unknown (None), not 0."""
    return {"heal_pending": None, "split_brain": None, "bricks_not_answering": list(bricks)}


def read_georep(georep_root):
    """``gluster volume geo-replication status --xml`` -> list of sessions with their workers' states."""
    sessions = []
    for session in georep_root.iter("session"):
        pairs = [{"primary_node": p.findtext("master_node"), "status": p.findtext("status"),
                  "crawl": p.findtext("crawl_status"), "last_synced": p.findtext("last_synced")}
                 for p in session.iter("pair")]
        sessions.append({"name": session.findtext("session_slave") or "", "workers": pairs})
    return sessions


def replica_sets(volume):
    """The replica sets of a volume_info() dict, in brick order."""
    size = volume.get("replica") or 1
    bricks = volume.get("bricks") or []
    if size <= 1:
        return []
    return [bricks[i:i + size] for i in range(0, len(bricks), size)]


def client_quorum_met(replica_set, online):
    """``cluster.quorum-type auto``: more than half up, or exactly half including the first brick."""
    up = [b for b in replica_set if online.get(b)]
    if 2 * len(up) > len(replica_set):
        return True
    return 2 * len(up) == len(replica_set) and replica_set[0] in up


def server_quorum_met(peers, ratio_percent=None):
    """glusterd's rule: connected glusterd (this node included) >= ceil(ratio x pool), or more than
    half of the pool when no ``cluster.server-quorum-ratio`` is set."""
    total = len(peers)
    connected = len([p for p in peers if p["connected"]])
    if ratio_percent in (None, ""):
        needed = total // 2 + 1
    else:
        needed = int(math.ceil(float(ratio_percent) * total / 100.0 - 1e-9))
    return total > 0 and connected >= needed


def problems(facts):
    """``{check: [text, ...]}`` for every check with something wrong."""
    found = {}

    def add(check, text):
        found.setdefault(check, []).append(text)

    for peer in facts["peers"]:
        if not peer["connected"]:
            add("peers", "peer %s is %s" % (peer["hostname"], peer.get("state") or "disconnected"))
    if not facts["server_quorum"]:
        add("quorum", "the pool has no server quorum (%d of %d glusterd connected, ratio %s%%)" % (
            len([p for p in facts["peers"] if p["connected"]]), len(facts["peers"]), facts["server_quorum_ratio"]))
    for name, vol in sorted(facts["volumes"].items()):
        if vol["status"] != "Started":
            continue
        offline = [b for b in vol["bricks"] if not vol["bricks_online"].get(b)]
        if offline:
            add("bricks", "volume %s: brick(s) not online: %s" % (name, ", ".join(offline)))
        stale = bricks_not_answering(vol)
        if stale:
            add("bricks", not_answering_text(name, stale))
        for index, rset in enumerate(vol["replica_sets"]):
            if not client_quorum_met(rset, vol["bricks_online"]):
                add("quorum", "volume %s: replica set %d has no client quorum (%s)" % (name, index, ", ".join(rset)))
        if vol.get("heal_pending"):
            add("heal", "volume %s: %d entries pending heal" % (name, vol["heal_pending"]))
        if vol.get("split_brain"):
            add("split_brain", "volume %s: %d entries in split-brain" % (name, vol["split_brain"]))
    for session in facts.get("georep") or []:
        bad = [w for w in session["workers"] if w["status"] not in GEOREP_RUNNING]
        if bad:
            add("georep", "geo-replication %s: %s" % (session["name"], ", ".join(
                "%s %s" % (w["primary_node"], w["status"]) for w in bad)))
    for text in facts.get("heketi_problems") or []:
        add("heketi", text)
    return found


def verdict(facts, found):
    """One line: ``healthy: ...`` or ``degraded: ...``."""
    vols = facts["volumes"]
    bricks = sum(len(v["bricks"]) for v in vols.values())
    online = sum(len([b for b, up in v["bricks_online"].items() if up]) for v in vols.values())
    # heal info counts only the bricks it reached: with an online brick it could not reach, the counts are a floor
    unread = sum(len(bricks_not_answering(v)) for v in vols.values())
    counted = " (counted without %d online brick(s) heal info could not reach)" % unread if unread else ""
    summary = "%d/%d peers connected, %d volume(s), %d/%d bricks online, %d pending heal, %d split-brain%s" % (
        len([p for p in facts["peers"] if p["connected"]]), len(facts["peers"]), len(vols), online, bricks,
        sum(v.get("heal_pending") or 0 for v in vols.values()), sum(v.get("split_brain") or 0 for v in vols.values()),
        counted)
    if not found:
        return "healthy: " + summary
    return "degraded: " + "; ".join(t for check in CHECKS for t in found.get(check, [])) + " (" + summary + ")"

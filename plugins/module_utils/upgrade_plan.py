# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The order and the end of a rolling upgrade of a stretched pool.

One node at a time, the data sites first (site by site, in the sites' order),
the tie-breaker site last: while a data node is down for its upgrade, every
replica set it holds keeps its other data copy and its arbiter, so never both
copies of a set are down (the playbook also waits for heal before the next
node).  The tie-breaker goes last because it holds the arbiter of every set and
the third quorum vote.  When every node runs the new release, the pool's
``cluster.op-version`` is raised to ``cluster.max-op-version`` (the new
features are enabled only then, as upstream's upgrade guides say).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_health import (
    bricks_not_answering as health_bricks_not_answering,
)


def upgrade_order(sites, node_sites, nodes):
    """``nodes`` (inventory order) reordered: data sites first, site by site, the tie-breaker last.

    sites: metrostor_sites ({site: {zone, tiebreaker}})
    node_sites: {host: site}
    Hosts of no declared site are refused (their place in the order is unknown)."""
    unknown = [n for n in nodes if node_sites.get(n) not in sites]
    if unknown:
        raise ValueError("not in a site of metrostor_sites: %s" % ", ".join(unknown))
    data = sorted((s for s, conf in sites.items() if not conf.get("tiebreaker")),
                  key=lambda s: (sites[s].get("zone", 0), s))
    tiebreaker = sorted((s for s, conf in sites.items() if conf.get("tiebreaker")),
                        key=lambda s: (sites[s].get("zone", 0), s))
    order = []
    for site in data + tiebreaker:
        order.extend(n for n in nodes if node_sites[n] == site)
    return order


def major(version):
    """'10.3' -> 10; '' or None -> None."""
    found = re.match(r"\s*(\d+)", version or "")
    return int(found.group(1)) if found else None


def version_problems(versions, target_major=None):
    """Sentences naming what keeps the upgrade from being finished: nodes on another release than the
    others (or than target_major), nodes whose release could not be read.  versions: {host: '10.3'}."""
    problems = []
    unread = sorted(h for h, v in versions.items() if major(v) is None)
    if unread:
        problems.append("no GlusterFS release read on %s" % ", ".join(unread))
    read = dict((h, v) for h, v in versions.items() if major(v) is not None)
    if target_major not in (None, ""):
        behind = sorted(h for h, v in read.items() if major(v) != int(target_major))
        if behind:
            problems.append("not on GlusterFS %s: %s" % (target_major, ", ".join(
                "%s (%s)" % (h, read[h]) for h in behind)))
    elif len(set(read.values())) > 1:
        problems.append("the nodes run different releases: %s" % ", ".join(
            "%s %s" % (h, v) for h, v in sorted(read.items())))
    return problems


def op_version_step(current, maximum):
    """The op-version to set (maximum) when it is above the current one, else None."""
    current, maximum = int(current), int(maximum)
    return maximum if maximum > current else None


def bricks_not_answering(health):
    """Bricks that glusterd lists online but that a new client could not reach, as
    ``["volume VOL: HOST:/BRICK", ...]``, from a ``metrostor.gluster.gluster_health`` result.

    The rule is gluster_health's (module_utils/gluster_health.py, bricks_not_answering: its ``bricks``
    check reports these bricks too); this only lists them for the rolling upgrade's wait and message
    (roles/gluster_rolling_upgrade/tasks/bricks_answer.yml).  Seen on the lab's first upgrade from
    GlusterFS 9.2 to 10.3 (a stale port map, upstream #2480)."""
    return ["volume %s: %s" % (name, brick)
            for name, vol in sorted(((health or {}).get("volumes") or {}).items())
            for brick in health_bricks_not_answering(vol)]

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the three-site (two data sites + tie-breaker) quorum layout.

A layout is safe when losing any one site -- every node in it at once --
leaves:
* the trusted pool's server quorum: the surviving glusterd count is more than
  half of the pool and at least ``server_quorum_ratio`` of it;
* every ``replica 3 arbiter 1`` set with two of its three bricks (client
  quorum), which holds when the three bricks are in three different sites;
and when Heketi's zones follow the sites, so that Heketi's strict zone
checking places bricks the same way.  Nothing here touches a host: it runs
before any change and returns the problems, each naming the site and count.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class LayoutError(ValueError):
    def __init__(self, problems):
        super(LayoutError, self).__init__("Unsafe three-site layout: " + "; ".join(problems))
        self.problems = problems


def _ratio(value):
    text = str(value).strip().rstrip("%")
    number = float(text)
    return number / 100.0 if number > 1 else number


def availability_zone_problems(sites):
    """Sites placed in a cloud (C(availability_zone) in C(metrostor_sites)) must each stand in their own
    availability zone: two sites in one zone would be lost together, and the pool with them.  A layout
    without availability zones (hosts not in a cloud) has nothing to check."""
    placed = dict((site, conf.get("availability_zone")) for site, conf in sites.items() if conf.get("availability_zone"))
    if not placed:
        return []
    problems = []
    for site in sorted(set(sites) - set(placed)):
        problems.append("site %s has no availability_zone while sites %s have one; each site needs its own"
                        % (site, ", ".join(sorted(placed))))
    by_zone = {}
    for site, zone in placed.items():
        by_zone.setdefault(zone, []).append(site)
    for zone, members in sorted(by_zone.items()):
        if len(members) > 1:
            problems.append("sites %s share availability zone %s: losing that zone would lose %d sites at once"
                            % (", ".join(sorted(members)), zone, len(members)))
    return problems


def check_layout(sites, nodes, server_quorum_ratio="51%", volumes=None, heketi_nodes=None):
    """Return a summary dict, or raise LayoutError listing every problem.

    sites: {site: {"zone": int, "tiebreaker": bool, "availability_zone": str (optional)}}
    nodes: {host: site}
    volumes: {name: [[brick_host, brick_host, arbiter_host], ...]} (replica 3 arbiter 1 sets)
    heketi_nodes: {host: {"zone": int, "tags": {...}}} as rendered for Heketi's topology
    """
    problems = []
    ratio = _ratio(server_quorum_ratio)
    counts = dict((site, 0) for site in sites)
    for host, site in sorted(nodes.items()):
        if site not in sites:
            problems.append("host %s is in site %r, which is not one of the declared sites (%s)"
                            % (host, site, ", ".join(sorted(sites))))
            continue
        counts[site] += 1
    tiebreakers = [s for s, conf in sites.items() if conf.get("tiebreaker")]
    data_sites = [s for s in sites if s not in tiebreakers]
    if len(tiebreakers) != 1 or len(data_sites) != 2:
        problems.append("the layout needs two data sites and one tie-breaker site; got data sites [%s] and "
                        "tie-breaker sites [%s]" % (", ".join(sorted(data_sites)), ", ".join(sorted(tiebreakers))))
    for site in sorted(sites):
        if counts[site] < 1:
            problems.append("site %s has 0 nodes; the three-site layout needs at least 1+1+1" % site)
    zones = [conf.get("zone") for conf in sites.values()]
    if len(set(zones)) != len(zones) or any(not isinstance(z, int) or z < 1 for z in zones):
        problems.append("every site needs its own positive Heketi zone number; got %s"
                        % ", ".join("%s=%s" % (s, sites[s].get("zone")) for s in sorted(sites)))
    problems.extend(availability_zone_problems(sites))
    total = sum(counts.values())
    survivors = {}
    for site in sorted(sites):
        left = total - counts[site]
        survivors[site] = left
        if total and counts[site] and not (left * 2 > total and left >= ratio * total):
            problems.append("losing site %s (%d of %d nodes) leaves %d of %d glusterd (%d%%), not more than half "
                            "and at least the server quorum ratio %s: the pool would lose quorum"
                            % (site, counts[site], total, left, total, 100 * left // total,
                               server_quorum_ratio))
    for name, sets in sorted((volumes or {}).items()):
        for index, bricks in enumerate(sets):
            where = "volume %s replica set %d" % (name, index + 1)
            if len(bricks) != 3:
                problems.append("%s has %d bricks; replica 3 arbiter 1 needs 3" % (where, len(bricks)))
                continue
            brick_sites = [nodes.get(h) for h in bricks]
            for host, site in zip(bricks, brick_sites):
                if site is None:
                    problems.append("%s uses host %s, which is not a node of the layout" % (where, host))
            per_site = {}
            for site in brick_sites:
                per_site[site] = per_site.get(site, 0) + 1
            for site, count in sorted(per_site.items(), key=lambda kv: str(kv[0])):
                if site is not None and count > 1:
                    problems.append("%s puts %d bricks in site %s; losing that site would lose the set's quorum"
                                    % (where, count, site))
            if tiebreakers and brick_sites[2] not in tiebreakers:
                problems.append("%s has its arbiter brick (third) on %s in site %s, not in the tie-breaker site %s"
                                % (where, bricks[2], brick_sites[2], tiebreakers[0]))
            for host, site in zip(bricks[:2], brick_sites[:2]):
                if site in tiebreakers:
                    problems.append("%s has a data brick on %s in the tie-breaker site %s" % (where, host, site))
    for host, conf in sorted((heketi_nodes or {}).items()):
        site = nodes.get(host)
        if site not in sites:
            continue
        if conf.get("zone") != sites[site].get("zone"):
            problems.append("Heketi node %s is in zone %s, but its site %s is zone %s"
                            % (host, conf.get("zone"), site, sites[site].get("zone")))
        wanted = "required" if site in tiebreakers else "disabled"
        if (conf.get("tags") or {}).get("arbiter") != wanted:
            problems.append("Heketi node %s in site %s must be tagged arbiter=%s, not %s"
                            % (host, site, wanted, (conf.get("tags") or {}).get("arbiter")))
    if problems:
        raise LayoutError(problems)
    return {"nodes": total, "per_site": counts, "survivors_after_site_loss": survivors,
            "tiebreaker": tiebreakers[0], "data_sites": sorted(data_sites)}

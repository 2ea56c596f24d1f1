# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the new replica sets of a scale-out go.

New data nodes are paired across the two data sites (the first new node of
one data site with the first new node of the other, and so on), and each pair
gets an arbiter brick in the tie-breaker site: on a new tie-breaker node when
the scale-out adds one, else on the tie-breaker node that holds the fewest
bricks of the volume.  Uneven additions (two new nodes in one data site, none
in the other) are paired as they come, so that site_layout.check_layout, the
one place where the three-site rules live, refuses them by name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def pair_data_nodes(sites, node_sites, new_nodes):
    """The new data nodes in pairing order: alternately from each data site; leftovers last."""
    data_sites = sorted(s for s, conf in sites.items() if not conf.get("tiebreaker"))
    per_site = [[n for n in new_nodes if node_sites.get(n) == s] for s in data_sites]
    ordered = []
    while any(per_site):
        for queue in per_site:
            if queue:
                ordered.append(queue.pop(0))
    ordered.extend(n for n in new_nodes if node_sites.get(n) not in data_sites and n not in ordered
                   and not sites.get(node_sites.get(n), {}).get("tiebreaker"))
    return [ordered[i:i + 2] for i in range(0, len(ordered), 2)]


def plan_sets(sites, node_sites, new_nodes, existing_bricks, brick_root, volume):
    """New replica sets of ``volume`` as lists of ``host:path`` (data, data, arbiter).

    node_sites: {host: site} for every node, the new ones included
    new_nodes: hosts joining (in inventory order)
    existing_bricks: the volume's bricks (``host:path``)
    brick_root: {host: brick mount point}"""
    tiebreaker = [s for s, conf in sites.items() if conf.get("tiebreaker")]
    tb_new = [n for n in new_nodes if node_sites.get(n) in tiebreaker]
    tb_all = sorted(h for h, s in node_sites.items() if s in tiebreaker)
    used = set(existing_bricks)
    load = dict((h, len([b for b in existing_bricks if b.rsplit(":", 1)[0] == h])) for h in tb_all)
    sets = []
    for index, pair in enumerate(pair_data_nodes(sites, node_sites, new_nodes)):
        if tb_new:
            arbiter_host = tb_new[index % len(tb_new)]
        elif tb_all:
            arbiter_host = sorted(tb_all, key=lambda h: (load[h], h))[0]
        else:
            arbiter_host = None
        bricks = []
        for host in pair + ([arbiter_host] if arbiter_host else []):
            path = "%s/%s" % (brick_root.get(host, "/bricks/brick1").rstrip("/"), volume)
            candidate, suffix = "%s:%s" % (host, path), 1
            while candidate in used:
                suffix += 1
                candidate = "%s:%s-%d" % (host, path, suffix)
            used.add(candidate)
            bricks.append(candidate)
        if arbiter_host in load:
            load[arbiter_host] += 1
        sets.append(bricks)
    return sets


def hosts_of(sets):
    """The replica sets with bricks reduced to their hosts, as check_layout takes them."""
    return [[b.rsplit(":", 1)[0] for b in s] for s in sets]

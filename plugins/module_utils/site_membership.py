# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which site each host stands in: the one place that reads ``metrostor_sites``' groups.

``metrostor_sites`` names each site's inventory group (``{a: {group: site_a,
zone: 1}, ...}``); a host belongs to the site whose group holds it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

UNASSIGNED = "unassigned"


def node_sites(sites, groups, members=None):
    """``{host: site}`` for every host in a site's group.

    ``members``: hosts that must appear even when no site's group holds them
    (mapped to ``"unassigned"``, which the layout check refuses), e.g. the
    ``gluster_nodes`` group.
    """
    out = {}
    for site in sorted(sites):
        for host in groups.get((sites[site] or {}).get("group"), []) or []:
            out.setdefault(host, site)
    for host in members or []:
        out.setdefault(host, UNASSIGNED)
    return out


def hosts_by_site(hosts, sites, groups):
    """``{site: [host, ...]}`` for the given hosts (sorted), with ``unassigned`` for the rest."""
    where = node_sites(sites, groups)
    out = {}
    for host in sorted(hosts):
        out.setdefault(where.get(host, UNASSIGNED), []).append(host)
    return out


def describe_sites(by_site):
    """``site a (gl-a1, gl-a2), site c (gl-c1)``: how messages name missing sites."""
    return ", ".join("site %s (%s)" % (site, ", ".join(hosts)) for site, hosts in sorted(by_site.items()))

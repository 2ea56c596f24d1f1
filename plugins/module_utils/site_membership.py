# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which site each host stands in: the one place that reads ``metrostor_sites``' groups.

``metrostor_sites`` names each site's inventory group (``{a: {group: site_a,
zone: 1}, ...}``); a host belongs to the site whose group holds it.  A host
that no site group holds (a Kubernetes worker: no bricks, so it stays out of
the layout) stands, for the messages that name sites, in the site its host
variable ``kubernetes_node_site`` names, when ``metrostor_sites`` knows it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

UNASSIGNED = "unassigned"
# The host variable that places a host outside the site groups (the workers) in a site.
HOST_SITE_VARIABLE = "kubernetes_node_site"


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


def host_site(host, sites, where, hostvars=None):
    """The site of HOST: its site group's (``where`` is ``node_sites``), else the known site its
    ``kubernetes_node_site`` host variable names (``hostvars``), else ``unassigned``."""
    if host in where:
        return where[host]
    named = ((hostvars or {}).get(host) or {}).get(HOST_SITE_VARIABLE)
    return named if named in sites else UNASSIGNED


def hosts_by_site(hosts, sites, groups, hostvars=None):
    """``{site: [host, ...]}`` for the given hosts (sorted), with ``unassigned`` for the rest.

    ``hostvars``: the inventory's host variables, for the hosts that no site group holds."""
    where = node_sites(sites, groups)
    out = {}
    for host in sorted(hosts):
        out.setdefault(host_site(host, sites, where, hostvars), []).append(host)
    return out


def describe_sites(by_site):
    """``site a (gl-a1, gl-a2), site c (gl-c1)``: how messages name missing sites."""
    return ", ".join("site %s (%s)" % (site, ", ".join(hosts)) for site, hosts in sorted(by_site.items()))

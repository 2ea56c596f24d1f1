# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rule for a floating address that must live in the data sites' networks: the NFS heads'
(filter floating_address_problems) and the Kubernetes storage's NFS server check use this one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress


def floating_address_problems(address, site_networks, sites, field="floating_address",
                              networks_field="site_networks"):
    text = str(address or "").strip()
    if not text:
        return ["%s is not set" % field]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return ["%s %r is not an IP address (give the address alone, without a prefix length)" % (field, text)]
    problems = []
    site_networks = site_networks or {}
    for site in sorted(set(sites)):
        networks = site_networks.get(site)
        if not networks:
            problems.append("%s has no networks for data site %s (%s.%s is missing or empty)"
                            % (networks_field, site, networks_field, site))
            continue
        parsed = []
        for net in networks:
            try:
                parsed.append(ipaddress.ip_network(str(net), strict=False))
            except ValueError:
                problems.append("%s.%s: %r is not a network" % (networks_field, site, net))
        if parsed and not any(ip.version == net.version and ip in net for net in parsed):
            problems.append("%s %s is outside the networks of data site %s (%s.%s: %s)"
                            % (field, ip, site, networks_field, site, ", ".join(str(n) for n in parsed)))
    return problems

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: health_table
short_description: The result of gluster_health as a table per site
version_added: "0.2.0"
author: metrostor.gluster developers
description:
  - Groups the peers and bricks that M(metrostor.gluster.gluster_health) returned by the site their
    host stands in (C(metrostor_sites)), and returns the lines of a table, one per site.
  - A peer or brick is matched to an inventory host by its name, C(ansible_host) or
    C(gluster_storage_address).
options:
  _input:
    description: The registered result of M(metrostor.gluster.gluster_health).
    type: dict
    required: true
  sites:
    description: C(metrostor_sites).
    type: dict
    required: true
  groups:
    description: The inventory's C(groups).
    type: dict
    required: true
  hostvars:
    description: The inventory's C(hostvars).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Per-site table
  ansible.builtin.debug:
    msg: "{{ health | metrostor.gluster.health_table(metrostor_sites, groups, hostvars) }}"
"""

RETURN = r"""
_value:
  description: Lines of the table (a header, then one line per site).
  type: list
  elements: str
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.site_membership import node_sites


def _names(host, hostvars):
    hv = hostvars.get(host) or {}
    names = [host]
    for key in ("ansible_host", "gluster_storage_address"):
        value = hv.get(key) if hasattr(hv, "get") else None
        if value:
            names.append(str(value))
    return names


def health_table(health, sites, groups, hostvars):
    where = node_sites(sites, groups)
    site_of = {}
    for host, site in where.items():
        for name in _names(host, hostvars):
            site_of[name] = site
    rows = {}
    for site in sites:
        hosts = sorted(h for h, s in where.items() if s == site)
        rows[site] = {"hosts": hosts, "peers": [0, 0], "bricks": [0, 0]}
    for peer in health.get("peers") or []:
        name = peer.get("hostname")
        if name == "localhost":  # the node that read the pool
            name = health.get("node") or name
        site = site_of.get(name)
        row = rows.setdefault(site or "?", {"hosts": [], "peers": [0, 0], "bricks": [0, 0]})
        row["peers"][1] += 1
        row["peers"][0] += 1 if peer.get("connected") else 0
    for vol in (health.get("volumes") or {}).values():
        online = vol.get("bricks_online") or {}
        for brick in vol.get("bricks") or []:
            site = site_of.get(brick.rsplit(":", 1)[0], "?")
            row = rows.setdefault(site, {"hosts": [], "peers": [0, 0], "bricks": [0, 0]})
            row["bricks"][1] += 1
            row["bricks"][0] += 1 if online.get(brick) else 0
    lines = ["%-6s %-11s %-28s %-16s %s" % ("site", "role", "hosts", "peers connected", "bricks online")]
    for site in sorted(rows):
        row = rows[site]
        role = "tiebreaker" if (sites.get(site) or {}).get("tiebreaker") else ("data" if site in sites else "unknown")
        lines.append("%-6s %-11s %-28s %-16s %s" % (
            site, role, ", ".join(row["hosts"]) or "-", "%d/%d" % tuple(row["peers"]), "%d/%d" % tuple(row["bricks"])))
    return lines


class FilterModule(object):
    def filters(self):
        return {"health_table": health_table}

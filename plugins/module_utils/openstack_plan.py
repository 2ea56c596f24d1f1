# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OpenStack provisioning plan of the three sites' nodes, built and checked
before anything is created.

From ``metrostor_sites`` (each site with its ``availability_zone``), the
inventory's groups and the hosts' own settings, the plan lists every object
roles/openstack_nodes creates, each with the name it gets and the tag that
marks it as this deployment's: one network and subnet per site, one port per
server with the host's fixed address, the security groups and their rules, one
server group per site, the servers and their brick volumes.  Anything wrong in
the input (an unsafe layout, an address outside its site's network, two hosts
with one address, a site without a network) is refused here, with every
problem named, before the cloud is asked for anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import LayoutError, check_layout
from ansible_collections.metrostor.gluster.plugins.module_utils.site_membership import node_sites

# What each security group opens, and from where (a group name or the CIDR option that applies).
# GlusterFS: glusterd 24007-24008, one port per brick from 49152 (roles/gluster_node/tasks/firewall.yml).
# Heketi: its REST port; its SSH executor reaches the Gluster nodes on 22.  NFS heads (Ganesha):
# NFS 2049, rpcbind 111, MOUNT and NLM side ports (roles/nfs_ganesha), VRRP (IP protocol 112) between heads.
GLUSTER, HEKETI, NFS = "gluster", "heketi", "nfs"


def _rules(ports):
    gluster_ranges = [("tcp", 24007, 24008), ("tcp", 49152, 49152 + ports["brick_ports"] - 1)]
    rules = []
    for proto, low, high in gluster_ranges:
        rules.append((GLUSTER, proto, low, high, {"group": GLUSTER}))
        rules.append((GLUSTER, proto, low, high, {"cidrs": "client_cidrs"}))
    rules.append((GLUSTER, "tcp", 22, 22, {"cidrs": "admin_cidrs"}))
    rules.append((GLUSTER, "tcp", 22, 22, {"group": HEKETI}))
    rules.append((HEKETI, "tcp", ports["heketi_port"], ports["heketi_port"], {"cidrs": "admin_cidrs"}))
    rules.append((HEKETI, "tcp", ports["heketi_port"], ports["heketi_port"], {"cidrs": "client_cidrs"}))
    for proto in ("tcp", "udp"):
        for port in (2049, 111, ports["nfs_mount_port"]):
            if proto == "udp" and port == 2049:
                continue
            rules.append((NFS, proto, port, port, {"cidrs": "client_cidrs"}))
        rules.append((NFS, proto, ports["nfs_nlm_port"], ports["nfs_nlm_port"], {"cidrs": "client_cidrs"}))
    rules.append((NFS, "112", None, None, {"group": NFS}))
    return rules


class PlanError(ValueError):
    def __init__(self, problems):
        super(PlanError, self).__init__("OpenStack provisioning plan refused: " + "; ".join(problems))
        self.problems = problems


def build_plan(metrostor_sites, groups, hosts, deployment, networks, defaults):
    """Return the plan, or raise PlanError (LayoutError's problems included) naming every problem.

    metrostor_sites: {site: {group, zone, tiebreaker, availability_zone, volume_availability_zone}}
    groups: the inventory's groups ({name: [hosts]})
    hosts: {host: {address, flavor, image, volume_count, volume_size, roles: [heketi, nfs_heads]}}
        (each key optional but address; missing ones come from defaults, the tie-breaker's from
        defaults' tiebreaker_* keys)
    networks: {site: {cidr, gateway (optional), dns (optional list)}}
    defaults: {image, flavor, volume_count, volume_size, tiebreaker_flavor, tiebreaker_volume_count,
        tiebreaker_volume_size, key_name, server_group_policy, admin_cidrs, client_cidrs, brick_ports,
        heketi_port, nfs_mount_port, nfs_nlm_port, dhcp}
    """
    problems = []
    members = sorted(hosts)
    try:
        sites_of = node_sites(metrostor_sites, groups, members=members)
    except Exception as err:  # a malformed metrostor_sites: report it like the other problems
        raise PlanError(["metrostor_sites cannot be read: %s" % err])
    if not [s for s in metrostor_sites.values() if s.get("availability_zone")]:
        problems.append("no site of metrostor_sites names its availability_zone; each site needs its own")
    try:
        check_layout(metrostor_sites, sites_of)
    except LayoutError as err:
        problems.extend(err.problems)
    tiebreakers = [s for s, c in metrostor_sites.items() if c.get("tiebreaker")]
    subnets = {}
    for site in sorted(metrostor_sites):
        net = (networks or {}).get(site)
        if not net or not net.get("cidr"):
            problems.append("site %s has no network (openstack_nodes_networks.%s.cidr)" % (site, site))
            continue
        try:
            subnets[site] = ipaddress.ip_network(u"%s" % net["cidr"], strict=True)
        except ValueError as err:
            problems.append("site %s: network %s is not a valid CIDR (%s)" % (site, net["cidr"], err))
    seen = {}
    for host in members:
        spec = hosts[host] or {}
        site = sites_of.get(host)
        address = spec.get("address")
        if not address:
            problems.append("host %s has no address (ansible_host) for its port" % host)
            continue
        try:
            ip = ipaddress.ip_address(u"%s" % address)
        except ValueError:
            problems.append("host %s: address %s is not an IP address" % (host, address))
            continue
        if site in subnets and ip not in subnets[site]:
            problems.append("host %s: address %s is outside site %s's network %s" % (host, address, site, subnets[site]))
        if address in seen:
            problems.append("hosts %s and %s have the same address %s" % (seen[address], host, address))
        seen[address] = host
    if problems:
        raise PlanError(problems)

    prefix = deployment
    tag = "metrostor-deployment=%s" % deployment
    plan = {"deployment": deployment, "tag": tag, "networks": [], "security_groups": [], "security_group_rules": [],
            "server_groups": [], "ports": [], "servers": [], "volumes": []}
    for site in sorted(metrostor_sites):
        net = networks[site]
        plan["networks"].append({
            "site": site, "name": "%s-site-%s" % (prefix, site), "subnet": "%s-site-%s" % (prefix, site),
            "cidr": str(subnets[site]), "gateway": net.get("gateway"), "dns": list(net.get("dns") or []),
            "dhcp": bool(defaults.get("dhcp", True))})
        plan["server_groups"].append({"site": site, "name": "%s-site-%s" % (prefix, site),
                                      "policy": defaults.get("server_group_policy", "soft-anti-affinity")})
    sg_name = dict((g, "%s-%s" % (prefix, g)) for g in (GLUSTER, HEKETI, NFS))
    descriptions = {GLUSTER: "GlusterFS: glusterd and bricks between the nodes and from clients; SSH",
                    HEKETI: "Heketi REST API", NFS: "NFS-Ganesha heads: NFS, rpcbind, MOUNT, NLM; VRRP between heads"}
    for group in (GLUSTER, HEKETI, NFS):
        plan["security_groups"].append({"name": sg_name[group], "description": descriptions[group]})
    for group, proto, low, high, source in _rules(defaults):
        base = {"security_group": sg_name[group], "protocol": proto, "port_range_min": low, "port_range_max": high}
        if "group" in source:
            plan["security_group_rules"].append(dict(base, remote_group=sg_name[source["group"]], remote_ip_prefix=None))
        else:
            for cidr in defaults.get(source["cidrs"]) or []:
                plan["security_group_rules"].append(dict(base, remote_group=None, remote_ip_prefix=cidr))
    for host in members:
        spec = hosts[host] or {}
        site = sites_of[host]
        conf = metrostor_sites[site]
        small = site in tiebreakers
        roles = sorted(set(spec.get("roles") or []))
        groups_sg = [sg_name[GLUSTER]] + ([sg_name[HEKETI]] if "heketi" in roles else []) + (
            [sg_name[NFS]] if "nfs_heads" in roles else [])
        port = "%s-%s" % (prefix, host)
        plan["ports"].append({"name": port, "host": host, "network": "%s-site-%s" % (prefix, site),
                              "subnet": "%s-site-%s" % (prefix, site), "address": spec["address"],
                              "security_groups": groups_sg})
        flavor = spec.get("flavor") or defaults.get("tiebreaker_flavor" if small else "flavor")
        plan["servers"].append({
            "name": host, "site": site, "availability_zone": conf["availability_zone"], "flavor": flavor,
            "image": spec.get("image") or defaults.get("image"), "port": port, "security_groups": groups_sg,
            "server_group": "%s-site-%s" % (prefix, site),
            "metadata": {"metrostor_deployment": deployment, "metrostor_site": site, "metrostor_group": conf["group"],
                         "metrostor_roles": ",".join(roles)}})
        count = spec.get("volume_count")
        if count is None:
            count = defaults.get("tiebreaker_volume_count" if small else "volume_count", 1)
        size = spec.get("volume_size") or defaults.get("tiebreaker_volume_size" if small else "volume_size")
        for index in range(1, int(count) + 1):
            plan["volumes"].append({
                "name": "%s-%s-brick%d" % (prefix, host, index), "server": host, "size": int(size),
                "availability_zone": conf.get("volume_availability_zone") or conf["availability_zone"],
                "metadata": {"metrostor_deployment": deployment, "metrostor_server": host}})
    plan["summary"] = {"sites": len(metrostor_sites), "servers": len(plan["servers"]), "volumes": len(plan["volumes"]),
                       "ports": len(plan["ports"]), "security_group_rules": len(plan["security_group_rules"])}
    return plan

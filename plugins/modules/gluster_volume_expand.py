#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_volume_expand
short_description: Extend replica 3 arbiter 1 volumes onto new nodes across the three sites (add-brick, rebalance)
description:
  - For each volume, adds one replica set per pair of new data nodes (one node of each data site) with
    its arbiter brick in the tie-breaker site (C(volume add-brick VOL B1 B2 B3)), then starts a
    rebalance (C(volume rebalance VOL start)).
  - The sets are planned for every volume first and checked with the three-site layout rules
    (the same check as the M(metrostor.gluster.site_layout) filter); a plan that would put two copies of a set
    in one site, or its arbiter outside the tie-breaker site, is refused before any change, naming
    the volume, the set and the site.
  - A volume that already has a brick on a new data node is left alone, so a second run changes nothing.
version_added: "0.3.0"
author: metrostor.gluster developers (!UNKNOWN)
options:
  sites:
    description: "The sites, C(metrostor_sites) (C({site: {zone, tiebreaker}}))."
    type: dict
    required: true
  node_sites:
    description: "Every Gluster node's brick address and its site, C({address: site}), the new nodes included."
    type: dict
    required: true
  new_nodes:
    description: The brick addresses of the nodes that join, in inventory order.
    type: list
    elements: str
    required: true
  brick_roots:
    description: "The brick mount point on each node, C({address: /bricks/brick1}); default C(/bricks/brick1)."
    type: dict
    default: {}
  volumes:
    description: Volumes to extend. Default, every started replica 3 arbiter 1 volume.
    type: list
    elements: str
  rebalance:
    description: Start a rebalance of each extended volume.
    type: bool
    default: true
  command_timeout:
    description: Seconds each gluster command may take.
    type: int
    default: 120
attributes:
  check_mode:
    support: full
    description: Plans and validates the sets, runs nothing.
  diff_mode:
    support: full
    description: Shows each volume's bricks before and after.
"""

EXAMPLES = r"""
- name: Extend every arbiter volume onto gl-a3 and gl-b3
  metrostor.gluster.gluster_volume_expand:
    sites: "{{ metrostor_sites }}"
    node_sites: {10.77.1.11: a, 10.77.1.13: a, 10.77.2.11: b, 10.77.2.13: b, 10.77.3.11: c}
    new_nodes: [10.77.1.13, 10.77.2.13]
  run_once: true
"""

RETURN = r"""
actions:
  description: The gluster commands run (or that would run in check mode).
  returned: always
  type: list
  elements: str
added:
  description: Per volume, the replica sets added (lists of bricks).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli, GlusterError
from ansible_collections.metrostor.gluster.plugins.module_utils.scale_out_plan import hosts_of, plan_sets
from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import LayoutError, check_layout

ARGUMENT_SPEC = dict(
    sites=dict(type="dict", required=True),
    node_sites=dict(type="dict", required=True),
    new_nodes=dict(type="list", elements="str", required=True),
    brick_roots=dict(type="dict", default={}),
    volumes=dict(type="list", elements="str"),
    rebalance=dict(type="bool", default=True),
    command_timeout=dict(type="int", default=120),
)


def candidates(infos, wanted):
    """Started replica 3 arbiter 1 volumes (or the ones asked for, which must be such)."""
    names = wanted if wanted is not None else sorted(
        n for n, v in infos.items() if v["status"] == "Started" and v["replica"] == 3 and v["arbiter_count"] == 1)
    problems = []
    for name in names:
        vol = infos.get(name)
        if vol is None:
            problems.append("no volume %s (the pool has: %s)" % (name, ", ".join(sorted(infos)) or "none"))
        elif not (vol["replica"] == 3 and vol["arbiter_count"] == 1):
            problems.append("volume %s is %s replica %d arbiter %d, not replica 3 arbiter 1"
                            % (name, vol["type"], vol["replica"], vol["arbiter_count"]))
    return names, problems


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    timeout = ["--timeout=%d" % p["command_timeout"]]
    new_data = [n for n in p["new_nodes"] if not p["sites"].get(p["node_sites"].get(n), {}).get("tiebreaker")]
    try:
        cli = GlusterCli(module)
        infos = cli.volume_infos(timeout=p["command_timeout"])
    except GlusterError as err:
        module.fail_json(msg=str(err))
    names, problems = candidates(infos, p["volumes"])
    if problems:
        module.fail_json(msg="Refused, nothing was changed: " + "; ".join(problems))
    plans = {}
    for name in names:
        bricks = infos[name]["bricks"]
        if any(b.rsplit(":", 1)[0] in new_data for b in bricks):
            continue  # already extended onto the new nodes
        sets = plan_sets(p["sites"], p["node_sites"], p["new_nodes"], bricks, p["brick_roots"], name)
        if sets:
            plans[name] = sets
    try:
        check_layout(p["sites"], p["node_sites"], volumes=dict(
            (name, hosts_of(sets)) for name, sets in plans.items()))
    except LayoutError as err:
        module.fail_json(msg="Scale-out refused before any change: %s" % err, planned=plans)
    actions = []
    done = []
    try:
        for name in sorted(plans):
            for bricks in plans[name]:
                args = ["volume", "add-brick", name] + bricks  # same replica count: the third brick is the arbiter
                actions.append("gluster " + " ".join(args))
                if not module.check_mode:
                    cli.run_xml(timeout + args)
            if p["rebalance"]:
                args = ["volume", "rebalance", name, "start"]
                actions.append("gluster " + " ".join(args))
                if not module.check_mode:
                    cli.run_xml(timeout + args)
            done.append(name)
    except GlusterError as err:
        module.fail_json(msg="%s. Volumes extended before the failure: %s" % (err, ", ".join(done) or "none"),
                         actions=actions)
    result = dict(changed=bool(plans), actions=actions, added=plans)
    if module._diff:
        result["diff"] = {"before": "".join("%s: %s\n" % (n, " ".join(infos[n]["bricks"])) for n in sorted(plans)),
                          "after": "".join("%s: %s\n" % (n, " ".join(infos[n]["bricks"] + sum(plans[n], [])))
                                           for n in sorted(plans))}
    module.exit_json(**result)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_health
short_description: Read the health of a GlusterFS pool (and of its Heketi) in one pass
description:
  - Read-only. From the node it runs on, reads the trusted pool (peers connected, server quorum),
    every volume (bricks online, client quorum of each replica set, entries pending self-heal and in
    split-brain) and the geo-replication sessions, and, when O(heketi_url) is given, Heketi's
    C(/db/check) inconsistencies, its pending operations and its nodes and devices that are not online.
  - >-
      A brick that glusterd lists online but that a new client (C(heal info)'s) could not reach is a
      problem of the C(bricks) check, named as such. That is a stale port map (upstream glusterfs issue
      2480, a brick that signed its port in at another node's glusterd), and self-heal cannot finish
      while it lasts; restarting glusterd on the brick's node clears it. Its heal counts are unknown
      (the verdict says the counts leave it out).
  - Such a brick may just have been started. C(heal info) is therefore asked again, after O(retry_pause)
    seconds, within the same O(retry_seconds) as the transient answers, and only a brick that still does not
    answer then is reported (unless O(recheck_unreached=false)).
  - Returns the facts, the problems found per check, and a one-line verdict. It fails only for the
    checks listed in O(fail_on).
  - Every gluster command runs with a timeout (O(command_timeout)), so that a dead peer cannot hold
    it up. Run it on a node of a surviving site when a site is down.
  - Just after peers are lost (a site cut), glusterd still waits on them for a while and answers
    C(Request timed out), C(Another transaction is in progress), C(Locking failed on <peer>) or
    C(Staging failed on <peer>. Please check log file for details.); a command that got such a transient
    answer is run again, after O(retry_pause) seconds, as long as the attempt can end within
    O(retry_seconds) of the start of the read. Any other failure fails at once.
version_added: "0.2.0"
author: metrostor.gluster developers (!UNKNOWN)
options:
  gluster:
    description: Read the Gluster pool. C(false) reads only Heketi (on a Heketi host that is not a Gluster node).
    type: bool
    default: true
  volumes:
    description: Volumes to read. Default, every volume of the pool.
    type: list
    elements: str
  heal:
    description: Read self-heal and split-brain counts (C(heal info summary), one command per volume).
    type: bool
    default: true
  recheck_unreached:
    description:
      - Ask C(heal info) again, within O(retry_seconds), while a brick listed online does not answer its client.
      - Set C(false) in a task that retries the whole read itself (C(until)), so that its own count bounds the wait.
    type: bool
    default: true
  georep:
    description: Read the geo-replication sessions.
    type: bool
    default: true
  fail_on:
    description: Checks whose problems make the task fail.
    type: list
    elements: str
    default: []
    choices: [peers, bricks, heal, split_brain, quorum, georep, heketi]
  command_timeout:
    description: Seconds each gluster command may take (the CLI's C(--timeout)).
    type: int
    default: 30
  retry_seconds:
    description:
      - Seconds the whole read may go on retrying commands that got a transient answer from glusterd,
        and asking C(heal info) again while a brick listed online does not answer it (see the
        description); no retry is started that could end after them.
      - When they are over, the module fails naming the node, the command and what glusterd said.
      - C(0) retries nothing (a transient answer still fails with that message).
    type: int
    default: 60
  retry_pause:
    description: Seconds to wait before running again a command that got a transient answer.
    type: int
    default: 5
  heketi_url:
    description: Heketi's URL; when given, Heketi's consistency, pending operations and node/device states are read too.
    type: str
  heketi_user:
    description: JWT issuer.
    type: str
    default: admin
  heketi_key:
    description: JWT secret of O(heketi_user).
    type: str
  validate_certs:
    description: Verify Heketi's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: CA bundle to verify Heketi's certificate against.
    type: path
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is no diff.
"""

EXAMPLES = r"""
- name: Health of the pool, failing on lost quorum or split-brain
  metrostor.gluster.gluster_health:
    fail_on: [quorum, split_brain]
  run_once: true
  register: health

- name: One line for the operator
  ansible.builtin.debug:
    msg: "{{ health.verdict }}"
"""

RETURN = r"""
node:
  description: The host name of the node that read the pool (the pool lists it as C(localhost)).
  returned: when O(gluster=true)
  type: str
retries:
  description: How many commands were run again after a transient answer from glusterd.
  returned: always
  type: int
retried:
  description: >-
    Each command run again and why (C(volume status all: Request timed out), or
    C(volume heal VOL info summary: online brick(s) not reached: HOST:/BRICK)).
  returned: always
  type: list
  elements: str
healthy:
  description: Whether no problem was found (in any check, whatever O(fail_on) says).
  returned: always
  type: bool
verdict:
  description: "One line, C(healthy: ...) or C(degraded: ...) naming each problem."
  returned: always
  type: str
problems:
  description: The problems found, per check (peers, bricks, heal, split_brain, quorum, georep, heketi).
  returned: always
  type: dict
peers:
  description: The pool as this node sees it (hostname, connected, state).
  returned: always
  type: list
  elements: dict
server_quorum:
  description: Whether the pool has server quorum.
  returned: always
  type: bool
server_quorum_ratio:
  description: C(cluster.server-quorum-ratio) in percent (empty when not set).
  returned: always
  type: str
volumes:
  description:
    - Per volume, its status, type, bricks, bricks_online, replica_sets, heal_pending and split_brain.
    - C(heal_pending) and C(split_brain) are null for a started volume none of whose bricks is online (heal info cannot answer then).
    - C(bricks_not_answering) lists the bricks heal info's client could not reach (offline bricks among them); their entries are not in the counts.
  returned: always
  type: dict
georep:
  description: Geo-replication sessions and their workers' states.
  returned: when O(georep=true)
  type: list
  elements: dict
heketi:
  description: Heketi's db_check, pending operations, and nodes/devices not online.
  returned: when O(heketi_url) is given
  type: dict
"""

import socket

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterBusy, GlusterCli, GlusterError
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_health import (
    CHECKS,
    problems,
    bricks_not_answering,
    bricks_online,
    read_bricks,
    read_georep,
    heal_unknown,
    read_heal_summary,
    replica_sets,
    server_quorum_met,
    verdict,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_transient import RetryWindow
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient, HeketiError


def read_heketi(client):
    """Heketi's side: /db/check, pending operations, nodes and devices not online."""
    found = []
    check = client.db_check() or {}
    for bucket, summary in sorted(check.items()):
        for text in (summary.get("inconsistencies") or []) if isinstance(summary, dict) else []:
            found.append("Heketi DB (%s): %s" % (bucket, text))
    ops = client.operations() or {}
    pending = int(ops.get("total") or 0)
    if pending:
        found.append("Heketi has %d pending operation(s) (%s in flight, %s stale, %s failed): see "
                     "metrostor.gluster.heketi_operations"
                     % (pending, ops.get("in_flight"), ops.get("stale"), ops.get("failed")))
    not_online = []
    for cluster_id in client.cluster_list():
        for node_id in client.cluster_info(cluster_id).get("nodes") or []:
            node = client.node_info(node_id)
            manage = (node.get("hostnames") or {}).get("manage") or ["?"]
            if node.get("state") != "online":
                not_online.append("node %s is %s" % (manage[0], node.get("state")))
            for dev in node.get("devices") or []:
                if dev.get("state") != "online":
                    not_online.append("device %s on %s is %s" % (dev.get("name"), manage[0], dev.get("state")))
    found.extend("Heketi: %s" % t for t in not_online)
    return {"db_check": check, "operations": ops, "not_online": not_online}, found


ARGUMENT_SPEC = dict(
    gluster=dict(type="bool", default=True),
    volumes=dict(type="list", elements="str"),
    heal=dict(type="bool", default=True),
    georep=dict(type="bool", default=True),
    recheck_unreached=dict(type="bool", default=True),
    fail_on=dict(type="list", elements="str", default=[], choices=list(CHECKS)),
    command_timeout=dict(type="int", default=30),
    retry_seconds=dict(type="int", default=60),
    retry_pause=dict(type="int", default=5),
    heketi_url=dict(type="str"),
    heketi_user=dict(type="str", default="admin"),
    heketi_key=dict(type="str", no_log=True),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
)


def read_gluster(module, p, retry=None):
    """The pool, its volumes and geo-replication sessions, as seen from this node (transient answers retried
    within ``retry``, a RetryWindow)."""
    timeout = ["--timeout=%d" % p["command_timeout"]]
    cli = GlusterCli(module, retry=retry)
    peers = cli.pool(timeout=p["command_timeout"])
    ratio = ""
    try:
        ratio = cli.volume_get("all", "cluster.server-quorum-ratio", timeout=p["command_timeout"]).rstrip("%")
    except GlusterBusy:
        raise
    except GlusterError:
        pass
    infos = cli.volume_infos(timeout=p["command_timeout"])
    wanted = p["volumes"] if p["volumes"] is not None else sorted(infos)
    unknown = [v for v in wanted if v not in infos]
    if unknown:
        raise GlusterError("No such volume(s): %s (the pool has: %s)" % (
            ", ".join(unknown), ", ".join(sorted(infos)) or "none"))
    started = [v for v in wanted if infos[v]["status"] == "Started"]
    online = read_bricks(cli.run_xml(timeout + ["volume", "status", "all"])) if started else {}
    volumes = {}
    for name in wanted:
        info = infos[name]
        vol = {"status": info["status"], "type": info["type"], "replica": info["replica"],
               "arbiter_count": info["arbiter_count"], "bricks": info["bricks"],
               "arbiter_bricks": info["arbiter_bricks"], "bricks_online": bricks_online(info, online.get(name, {})),
               "replica_sets": replica_sets(info)}
        if p["heal"] and name in started and info["replica"] > 1:
            if any(vol["bricks_online"].values()):
                heal = ["volume", "heal", name, "info", "summary"]
                vol.update(read_heal_summary(cli.run_xml(timeout + heal)))
                # a brick just (re)started may not answer heal info's client yet: asked again within the retry
                # window, so that only a brick that goes on not answering is reported (bricks_not_answering)
                unreached = bricks_not_answering(vol)
                while p["recheck_unreached"] and retry is not None and unreached and retry.another_try(
                        " ".join(heal), "online brick(s) not reached: %s" % ", ".join(unreached)):
                    vol.update(read_heal_summary(cli.run_xml(timeout + heal)))
                    unreached = bricks_not_answering(vol)
            else:
                vol.update(heal_unknown(info["bricks"]))
        volumes[name] = vol
    facts = {"node": socket.gethostname(), "peers": peers, "server_quorum_ratio": ratio, "server_quorum": server_quorum_met(peers, ratio),
             "volumes": volumes}
    if p["georep"]:
        try:
            facts["georep"] = read_georep(cli.run_xml(timeout + ["volume", "geo-replication", "status"]))
        except GlusterError:
            # without sessions the XML form only says "geo-replication command failed" (rc 2)
            rc, out, err = module.run_command([cli.binary, "--mode=script"] + timeout
                                              + ["volume", "geo-replication", "status"])
            if "No active geo-replication sessions" not in out + err:
                raise
            facts["georep"] = []
    return facts


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    if not p["gluster"] and not p["heketi_url"]:
        module.fail_json(msg="gluster=false reads only Heketi: give heketi_url")
    if p["retry_seconds"] < 0 or p["retry_pause"] < 0:
        module.fail_json(msg="retry_seconds and retry_pause are seconds, 0 or more (got %d and %d)"
                         % (p["retry_seconds"], p["retry_pause"]))
    facts = {"peers": [], "server_quorum_ratio": "", "server_quorum": True, "volumes": {}}
    retry = RetryWindow(p["retry_seconds"], p["retry_pause"], p["command_timeout"])
    if p["gluster"]:
        try:
            facts = read_gluster(module, p, retry)
        except GlusterError as err:
            module.fail_json(msg=str(err), retries=len(retry.retried), retried=retry.retried, **err.details())
    facts.update(retries=len(retry.retried), retried=retry.retried)
    if p["heketi_url"]:
        client = HeketiClient(p["heketi_url"], user=p["heketi_user"], key=p["heketi_key"],
                              validate_certs=p["validate_certs"], ca_path=p["ca_path"], retries=1)
        try:
            facts["heketi"], facts["heketi_problems"] = read_heketi(client)
        except HeketiError as err:
            facts["heketi"], facts["heketi_problems"] = {"error": str(err)}, ["Heketi: %s" % err]
    found = problems(facts)
    facts.pop("heketi_problems", None)
    result = dict(facts, changed=False, problems=found, healthy=not found, verdict=verdict(facts, found))
    failing = [c for c in p["fail_on"] if c in found]
    if failing:
        module.fail_json(msg="Unhealthy (%s): %s" % (", ".join(failing), result["verdict"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

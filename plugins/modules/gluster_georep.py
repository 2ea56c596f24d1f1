#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gluster_georep
short_description: Create, start, stop, pause, resume, configure, checkpoint and delete a GlusterFS geo-replication session
description:
  - Manages one asynchronous geo-replication session from a master volume of this node's trusted
    pool to a volume of another pool (the DR site), through C(gluster volume geo-replication ... --xml).
  - Reads the session's state from C(status detail --xml) and its configuration from C(config --xml),
    plans the commands that bring it to O(state) and O(config), then runs them (not in check mode).
  - A failed C(create) is explained, with the kind of failure in C(failure_kind) - C(slave_unreachable),
    C(ssh_refused) (no passwordless SSH from this node to the slave host), C(slave_not_empty), C(version_mismatch),
    C(slave_volume_missing), C(slave_too_small), C(master_volume_missing) or C(rsync_missing).
  - The SSH prerequisites (C(gsec_create), passwordless SSH to the slave host, rsync on both sides)
    are set up by the C(metrostor.gluster.gluster_georep) role.
  - A session that peers of the pool do not know (they joined it, or were replaced, after the session was
    created; glusterd then fails every command of it with C(Staging failed on PEER)) is first given to them
    with C(create push-pem force), as upstream documents after adding nodes; the session's state and the
    slave's data are kept.
version_added: "0.2.0"
author: metrostor.gluster developers (!UNKNOWN)
options:
  master_volume:
    description: The volume to copy, in this node's pool.
    type: str
    required: true
    aliases: [primary_volume]
  slave_host:
    description: A node of the DR pool, as this node reaches it.
    type: str
    required: true
    aliases: [secondary_host]
  slave_volume:
    description: The volume on the DR pool that receives the copy (it must exist, be started and, unless O(force), be empty).
    type: str
    required: true
    aliases: [secondary_volume]
  slave_user:
    description: The user geo-replication logs in as on the slave host (C(root), or the mountbroker user).
    type: str
    default: root
  state:
    description:
      - C(started) (created and running; a paused session is resumed), C(stopped) (created, not running),
        C(paused) (running, paused), C(present) (created; its run state is left as it is, so a new session
        stays Created), or C(absent) (stopped and deleted; the data on the slave volume stays).
    type: str
    default: started
    choices: [started, stopped, paused, present, absent]
  config:
    description:
      - Session options to set, for example C(use_meta_volume) C(true), C(sync_jobs) C(3). Only those that
        differ are set. Names may use dashes or underscores.
    type: dict
    default: {}
  push_pem:
    description: Create with C(push-pem) (install the pool's geo-replication keys on the slave).
    type: bool
    default: true
  ssh_port:
    description: SSH port of the slave host.
    type: int
    default: 22
  force:
    description:
      - Pass C(force) to C(create) (accept a slave volume that holds files, skip the size check) and to C(stop)
        (stop even when a worker cannot be reached).
    type: bool
    default: false
  reset_sync_time:
    description: With O(state=absent), delete with C(reset-sync-time) so that a new session starts with a full crawl.
    type: bool
    default: false
  checkpoint:
    description:
      - Set a checkpoint (C(config checkpoint now)) after the session is in O(state=started). Always a change.
      - Everything written to the master volume before the checkpoint is on the slave when the checkpoint completes.
      - A checkpoint completes only after a change on the master following it, so the module then writes
        C(.metrostor-georep-checkpoint) on the master volume through an internal-client mount on this node
        (it passes C(features.read-only), so a fenced volume's checkpoint completes too).
    type: bool
    default: false
  checkpoint_timeout:
    description:
      - Seconds to wait for the checkpoint (new with O(checkpoint), or the session's current one) to complete;
        0 does not wait. The task fails, with the last synced time, when it does not complete in time.
    type: int
    default: 0
  restart_stalled_after:
    description:
      - While waiting for a checkpoint (O(checkpoint_timeout)), restart the session (C(stop force), C(start force))
        when the checkpoint has not completed this many seconds after the wait began or after the previous
        restart; 0 never restarts. Before each restart the module writes the marker file again and waits
        CHANGELOG_SETTLE_SECONDS (20 s, more than the default C(changelog.rollover-time) of 15 s), so that the
        restarted workers' history crawl, which takes every changelog rolled over before they start, carries it.
      - Why, found on the lab with GlusterFS 10.3 - an Active worker in C(Changelog Crawl) sometimes receives no
        changelog from its brick at all (no live_changelog batch in its gsyncd.log for minutes while the
        volume takes writes; intermittent, seen on a new forward session, on a failback's reverse session and
        on the original session restarted after it), so its checkpoint never completes. A restarted worker's history
        crawl syncs what it missed, and geo-replication resumes from the slave's time (nothing is synced twice
        or skipped).
      - Each restart is reported in RV(actions).
    type: int
    default: 0
attributes:
  check_mode:
    support: full
    description: Plans and reports the commands without running them. A C(create) that glusterd would refuse
      (for example a slave that holds files) is only found when it runs.
  diff_mode:
    support: full
    description: Before and after of the session state and the managed config keys.
notes:
  - Run it on one node of the master pool (C(run_once)).
"""

EXAMPLES = r"""
- name: Copy drvol to the DR site, with the shared meta volume
  metrostor.gluster.gluster_georep:
    master_volume: drvol
    slave_host: 10.77.4.11
    slave_volume: drvol
    config:
      use_meta_volume: true
  run_once: true

- name: Planned failover - checkpoint and wait until the DR copy has everything written before it
  metrostor.gluster.gluster_georep:
    master_volume: drvol
    slave_host: 10.77.4.11
    slave_volume: drvol
    checkpoint: true
    checkpoint_timeout: 300
  run_once: true

- name: Stop the session
  metrostor.gluster.gluster_georep:
    master_volume: drvol
    slave_host: 10.77.4.11
    slave_volume: drvol
    state: stopped
  run_once: true
"""

RETURN = r"""
actions:
  description: The gluster commands run (or, in check mode, planned), in order.
  returned: always
  type: list
  elements: str
session:
  description:
    - The session after the task - C(status) (Created, Started, Stopped, Paused, Faulty), C(worker_states),
      C(crawl_status), C(last_synced) (the oldest of the Active workers), C(checkpoint)
      (C(time), C(completed), C(completion_time)), C(workers) (one per master brick), C(config).
  returned: when the session exists
  type: dict
failure_kind:
  description: On a failed command, the kind of failure when it is a known one (see the description).
  returned: on failure
  type: str
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli, GlusterError
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_georep import (
    CHECKPOINT_MARKER, GeorepCli, GeorepError, config_key, config_value, same_config_value)

ARGUMENT_SPEC = dict(
    master_volume=dict(type="str", required=True, aliases=["primary_volume"]),
    slave_host=dict(type="str", required=True, aliases=["secondary_host"]),
    slave_volume=dict(type="str", required=True, aliases=["secondary_volume"]),
    slave_user=dict(type="str", default="root"),
    state=dict(type="str", default="started", choices=["started", "stopped", "paused", "present", "absent"]),
    config=dict(type="dict", default={}),
    push_pem=dict(type="bool", default=True),
    ssh_port=dict(type="int", default=22),
    force=dict(type="bool", default=False),
    reset_sync_time=dict(type="bool", default=False),
    checkpoint=dict(type="bool", default=False),
    checkpoint_timeout=dict(type="int", default=0),
    restart_stalled_after=dict(type="int", default=0),
)

CHECKPOINT_POLL_SECONDS = 2
CHECKPOINT_REMARK_SECONDS = 20
# more than changelog.rollover-time (15 s by default): a change made this long before a worker starts is in
# a changelog its history crawl takes
CHANGELOG_SETTLE_SECONDS = 20


def plan(geo, p, session, current_config):
    """The commands that bring the session to the wanted state, and the state they lead to."""
    steps = []
    status = session["status"] if session else None
    wanted_config = dict((config_key(k), config_value(v)) for k, v in sorted(p["config"].items()))
    before = {"exists": session is not None, "status": status,
              "config": dict((k, current_config.get(k)) for k in wanted_config)}
    if session and session.get("missing_on"):
        # peers that joined (or were replaced) after the session was created refuse every command of it:
        # create ... force gives them the session and the keys, keeping its state and the slave's data
        steps.append(geo.create_args(push_pem=p["push_pem"], force=True, ssh_port=p["ssh_port"]))
    if p["state"] == "absent":
        if session:
            if status not in ("Created", "Stopped"):
                steps.append(geo.command("stop", force=p["force"] or status in ("Faulty", "Paused")))
            steps.append(geo.command("delete", extra=["reset-sync-time"] if p["reset_sync_time"] else []))
        return steps, before, {"exists": False, "status": None, "config": {}}
    if not session:
        steps.append(geo.create_args(push_pem=p["push_pem"], force=p["force"], ssh_port=p["ssh_port"]))
        status = "Created"
    after_config = dict(before["config"])
    for key, value in wanted_config.items():
        if session is None or not same_config_value(current_config.get(key), value):
            steps.append(geo.config_set_args(key, value))
        after_config[key] = value
    if p["state"] == "started":
        if status in ("Created", "Stopped"):
            steps.append(geo.command("start", force=p["force"]))
        elif status == "Paused":
            steps.append(geo.command("resume", force=p["force"]))
        status = "Started" if status != "Faulty" else status
    elif p["state"] == "stopped":
        if status not in ("Created", "Stopped"):
            steps.append(geo.command("stop", force=p["force"] or status in ("Faulty", "Paused")))
        status = "Stopped" if status != "Created" else status
    elif p["state"] == "paused":
        if status in ("Created", "Stopped"):
            steps.append(geo.command("start", force=p["force"]))
        if status != "Paused":
            steps.append(geo.command("pause", force=p["force"]))
        status = "Paused"
    if p["checkpoint"]:
        steps.append(geo.config_set_args("checkpoint", "now"))
    return steps, before, {"exists": True, "status": status, "config": after_config}


def checkpoint_done(session, replaced):
    """The session's checkpoint is complete (and, after a new one was set, it is not the one it replaced)."""
    checkpoint = (session or {}).get("checkpoint") or {}
    return bool(checkpoint.get("completed")) and (replaced is None or checkpoint.get("time") != replaced)


def wait_for_checkpoint(geo, timeout, replaced=None, mark=None, restart_after=0, restart=None):
    """Poll until the checkpoint completes; right after ``config checkpoint now`` the status may
    still show the previous (completed) checkpoint, whose time is ``replaced``.

    ``mark`` writes the marker again every CHECKPOINT_REMARK_SECONDS: a marker written while a new
    session's first (hybrid) crawl runs is taken by that crawl, which records the crawl's start as
    the slave's time; without a later change the checkpoint would then never complete (seen on the lab).

    ``restart`` (with ``restart_after`` seconds) restarts a session whose checkpoint has not completed
    that long after the wait began or the previous restart, while there is time left for the restarted
    workers' history crawl: see the option restart_stalled_after.
    """
    start = time.time()
    deadline = start + timeout
    next_mark = start + CHECKPOINT_REMARK_SECONDS
    next_restart = start + restart_after if restart_after and restart else None
    session = geo.session()
    while session and not checkpoint_done(session, replaced) and time.time() < deadline:
        time.sleep(CHECKPOINT_POLL_SECONDS)
        now = time.time()
        if next_restart is not None and now >= next_restart \
                and deadline - now > CHANGELOG_SETTLE_SECONDS + CHECKPOINT_POLL_SECONDS:
            restart()
            next_restart = time.time() + restart_after
            next_mark = time.time() + CHECKPOINT_REMARK_SECONDS
        elif mark and now >= next_mark:
            mark()
            next_mark = time.time() + CHECKPOINT_REMARK_SECONDS
        session = geo.session()
    return session


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    done = []
    restarted = []  # the stalled-checkpoint restarts (restart_stalled_after), also in done
    if p["checkpoint"] and p["state"] != "started":
        module.fail_json(msg="checkpoint=true needs state=started: a checkpoint completes only while the session runs")
    if p["checkpoint_timeout"] < 0:
        module.fail_json(msg="checkpoint_timeout must be 0 (do not wait) or a number of seconds")
    if p["restart_stalled_after"] < 0:
        module.fail_json(msg="restart_stalled_after must be 0 (never restart) or a number of seconds")
    try:
        geo = GeorepCli(GlusterCli(module), p["master_volume"], p["slave_host"], p["slave_volume"], p["slave_user"])
        if p["state"] != "absent" and geo.cli.volume_info(p["master_volume"]) is None:
            module.fail_json(msg="master volume %s does not exist in this node's pool; nothing was changed"
                             % p["master_volume"], failure_kind="master_volume_missing", actions=[])
        session = geo.session()
        current_config = session["config"] if session else {}
        replaced = ((session or {}).get("checkpoint") or {}).get("time", "") if p["checkpoint"] else None
        steps, before, after = plan(geo, p, session, current_config)

        def mark():
            geo.mark_checkpoint("checkpoint set %s" % time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

        def restart():
            """A marker the restarted workers' history crawl will carry, then stop and start the session."""
            geo.mark_checkpoint("restart %s" % time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            restarted.append("write %s on %s (internal client), the checkpoint having stalled"
                             % (CHECKPOINT_MARKER, p["master_volume"]))
            done.append(restarted[-1])
            time.sleep(CHANGELOG_SETTLE_SECONDS)
            for verb in ("stop", "start"):
                step = geo.command(verb, force=True)
                geo.run(step)
                restarted.append(" ".join(step))
                done.append(restarted[-1])

        if not module.check_mode:
            for step in steps:
                geo.run(step)
                done.append(" ".join(step))
                if step[-3:] == ["config", "checkpoint", "now"]:
                    mark()
                    done.append("write %s on %s (internal client)" % (CHECKPOINT_MARKER, p["master_volume"]))
            if steps:
                session = geo.session()
            if session and p["checkpoint_timeout"] and p["state"] == "started":
                session = wait_for_checkpoint(geo, p["checkpoint_timeout"], replaced,
                                              mark if p["checkpoint"] else None,
                                              p["restart_stalled_after"], restart)
                checkpoint = (session or {}).get("checkpoint") or {}
                if not checkpoint_done(session, replaced):
                    module.fail_json(
                        msg="the checkpoint of %s -> %s (set %s) did not complete within %d s; the slave has "
                            "the master's data up to %s" % (p["master_volume"], geo.slave, checkpoint.get("time"),
                                                            p["checkpoint_timeout"],
                                                            (session or {}).get("last_synced")),
                        failure_kind="checkpoint_timeout", actions=done, session=session, changed=bool(done))
    except GeorepError as err:
        module.fail_json(msg="%s; commands run before the failure: %s" % (err, done or "none"),
                         failure_kind=err.kind, gluster_error=err.raw, actions=done, changed=bool(done))
    except GlusterError as err:
        module.fail_json(msg="%s; commands run before the failure: %s" % (err, done or "none"), actions=done,
                         changed=bool(done))
    result = dict(changed=bool(steps) or bool(restarted), actions=[" ".join(s) for s in steps] + restarted)
    if session and p["state"] != "absent":
        result["session"] = session
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()

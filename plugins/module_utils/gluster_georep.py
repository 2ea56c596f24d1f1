# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Geo-replication sessions through the gluster CLI (script mode, XML output).

``gluster volume geo-replication MASTER [USER@]HOST::SLAVEVOL create|start|
stop|pause|resume|config|delete|status``, run on a node of the master's pool.
GlusterFS up to 10 names the sides master/slave in the XML
(``session_slave``, ``master_node``); 11 renamed them primary/secondary
(``session_secondary``, ``primary_node``).  Both are read here and reported
with neutral names.  The failures glusterd reports at ``create`` (from
gverify.sh) are sorted into kinds the module can explain.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import tempfile
import time

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterError

# Worker states, one per master brick (gsyncd's monitor).
RUNNING_STATES = ("Active", "Passive", "Initializing...", "Faulty")
# What glusterd says, and what it means to an operator.
FAILURE_KINDS = (
    ("slave_unreachable", re.compile(r"\S+ not reachable", re.I),
     "the master node cannot open a TCP connection to SSH on the slave host: check the address, the "
     "network path to the DR site and sshd there"),
    ("ssh_refused", re.compile(r"Passwordless ssh login has not been setup|Permission denied", re.I),
     "the master node cannot log in to the slave host over SSH as the geo-replication user: set up "
     "passwordless SSH (the gluster_georep role does), and check that sshd answers"),
    ("slave_not_empty", re.compile(r"is not empty", re.I),
     "the slave volume already holds files; geo-replication would mix them with the master's. Empty it, "
     "or pass force=true to keep them"),
    ("version_mismatch", re.compile(r"version mismatch", re.I),
     "master and slave run different GlusterFS versions; upgrade one side so they match"),
    ("slave_volume_missing", re.compile(r"Unable to (mount and )?fetch (slave|secondary) volume details|"
                                        r"(slave|secondary) volume .*(does not exist|not started)|"
                                        r"Unable to get remote volume uuid", re.I),
     "the slave volume does not exist or is not started on the slave host; create and start it first"),
    ("slave_too_small", re.compile(r"disk size of (master|primary) is greater|available size of (master|primary)",
                                   re.I),
     "the slave volume is smaller than the master volume"),
    ("master_volume_missing", re.compile(r"Volume \S+ does not exist", re.I),
     "the master volume does not exist in this pool"),
    ("rsync_missing", re.compile(r"rsync", re.I),
     "rsync is missing on a master or slave node (install it on both sides)"),
)


# Written on the master after a checkpoint is set, so that the checkpoint can complete.
CHECKPOINT_MARKER = ".metrostor-georep-checkpoint"


class GeorepError(GlusterError):
    """A failed geo-replication command, with the kind of failure when it is one we know."""

    def __init__(self, message, kind=None, hint=None):
        super(GeorepError, self).__init__(message if not hint else "%s (%s)" % (hint, message))
        self.kind = kind
        self.raw = message


def classify(message):
    """(kind, explanation) for a glusterd error text, or (None, None)."""
    for kind, pattern, hint in FAILURE_KINDS:
        if pattern.search(message or ""):
            return kind, hint
    return None, None


def slave_url(host, volume, user="root"):
    """The CLI's slave argument: HOST::VOL for root, USER@HOST::VOL otherwise."""
    return ("%s::%s" % (host, volume)) if user in (None, "", "root") else ("%s@%s::%s" % (user, host, volume))


def _first(element, *names):
    for name in names:
        found = element.find(name)
        if found is not None:
            return (found.text or "").strip()
    return None


def _norm_time(value):
    return None if value in (None, "", "N/A") else value


def parse_status(root):
    """Sessions from ``volume geo-replication [MASTER] status [detail] --xml``.

    Returns a list of {master_volume, slave (as the CLI names it), slave_host, slave_volume,
    slave_user, status (the session's state), workers: [...], checkpoint: {...}, last_synced}.
    """
    sessions = []
    for vol in root.iter("volume"):
        master = _first(vol, "name")
        sessions_el = vol.find("sessions")
        if sessions_el is None:
            continue
        for sess in sessions_el.findall("session"):
            slave_text = _first(sess, "session_slave", "session_secondary") or ""
            workers = []
            for pair in sess.findall("pair"):
                workers.append({
                    "master_node": _first(pair, "master_node", "primary_node"),
                    "master_brick": _first(pair, "master_brick", "primary_brick"),
                    "slave_user": _first(pair, "slave_user", "secondary_user"),
                    "slave": _first(pair, "slave", "secondary"),
                    "slave_node": _norm_time(_first(pair, "slave_node", "secondary_node")),
                    "status": _first(pair, "status"),
                    "crawl_status": _norm_time(_first(pair, "crawl_status")),
                    "last_synced": _norm_time(_first(pair, "last_synced")),
                    "entry": _first(pair, "entry"),
                    "data": _first(pair, "data"),
                    "meta": _first(pair, "meta"),
                    "failures": _first(pair, "failures"),
                    "checkpoint_time": _norm_time(_first(pair, "checkpoint_time")),
                    "checkpoint_completed": _first(pair, "checkpoint_completed"),
                    "checkpoint_completion_time": _norm_time(_first(pair, "checkpoint_completion_time")),
                })
            sessions.append(session_summary(master, slave_text, workers))
    return sessions


def _split_slave(workers, slave_text):
    """(user, host, volume) of a session: from a worker's slave field (user@host::vol)."""
    text = next((w["slave"] for w in workers if w.get("slave")), None) or slave_text
    # session_slave looks like ssh://root@10.77.4.11::drvol:UUID or 10.77.4.11::drvol:UUID
    text = re.sub(r"^(ssh|gluster)://", "", text)
    user = None
    if "@" in text.split("::", 1)[0]:
        user, text = text.split("@", 1)
    host, _sep, rest = text.partition("::")
    volume = rest.split(":", 1)[0]
    user = user or next((w["slave_user"] for w in workers if w.get("slave_user")), None) or "root"
    return user, host, volume


def session_summary(master, slave_text, workers):
    user, host, volume = _split_slave(workers, slave_text)
    states = sorted(set(w["status"] for w in workers))
    if not workers:
        state = "Unknown"
    elif all(s == "Created" for s in states):
        state = "Created"
    elif all(s == "Stopped" for s in states):
        state = "Stopped"
    elif all(s == "Paused" for s in states):
        state = "Paused"
    elif "Faulty" in states:
        state = "Faulty"
    elif any(s in ("Active", "Passive", "Initializing...") for s in states):
        state = "Started"
    else:
        state = "/".join(states)
    active = [w for w in workers if w["status"] == "Active"]
    # A checkpoint is reached when every Active worker (one per replica set) has completed it.
    cp_times = set(w["checkpoint_time"] for w in workers if w["checkpoint_time"])
    checkpoint = None
    if cp_times:
        done = bool(active) and all(w["checkpoint_completed"] == "Yes" for w in active)
        completions = [w["checkpoint_completion_time"] for w in active if w["checkpoint_completion_time"]]
        checkpoint = {"time": sorted(cp_times)[-1], "completed": done,
                      "completion_time": max(completions) if done and completions else None}
    synced = [w["last_synced"] for w in active if w["last_synced"]]
    return {"master_volume": master, "slave": slave_text, "slave_user": user, "slave_host": host,
            "slave_volume": volume, "status": state, "worker_states": states,
            "crawl_status": sorted(set(w["crawl_status"] for w in active if w["crawl_status"])),
            "last_synced": min(synced) if synced and len(synced) == len(active) else None,
            "checkpoint": checkpoint, "workers": workers}


def parse_config(root):
    """{key: value} from ``... config --xml`` (keys as gsyncd prints them, with underscores)."""
    config = root.find(".//config")
    if config is None:
        return {}
    return dict((child.tag, (child.text or "").strip()) for child in config)


def config_key(name):
    """gsyncd accepts use-meta-volume and use_meta_volume; it prints underscores."""
    return name.replace("-", "_")


def config_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same_config_value(current, wanted):
    truthy = ("true", "yes", "on", "1")
    falsy = ("false", "no", "off", "0")
    c, w = str(current).strip().lower(), str(wanted).strip().lower()
    if c == w:
        return True
    return (c in truthy and w in truthy) or (c in falsy and w in falsy)


class GeorepCli(object):
    """Geo-replication commands for one session, on top of GlusterCli."""

    def __init__(self, cli, master_volume, slave_host, slave_volume, slave_user="root"):
        self.cli = cli
        self.master_volume = master_volume
        self.slave_host = slave_host
        self.slave_volume = slave_volume
        self.slave_user = slave_user or "root"
        self.slave = slave_url(slave_host, slave_volume, self.slave_user)

    def base(self):
        return ["volume", "geo-replication", self.master_volume, self.slave]

    def run(self, args):
        try:
            return self.cli.run_xml(list(args))
        except GlusterError as err:
            kind, hint = classify(str(err))
            raise GeorepError(str(err), kind, hint)

    def config(self):
        """The session's configuration, or None when the session does not exist.

        ``config`` answers in XML also for a missing session ("... does not exist"), where
        ``status --xml`` only prints "geo-replication command failed" (GlusterFS 10.3).
        """
        try:
            return parse_config(self.cli.run_xml(self.base() + ["config"]))
        except GlusterError as err:
            missing_on = re.findall(r"Staging failed on (\S+?)\.? Error: Geo-replication session between .* "
                                    r"does not exist", str(err))
            if missing_on:
                # this node has the session, peers that joined after it was created (or were replaced)
                # do not: session() reports them, and the module re-creates the session with force
                raise GeorepError(str(err), "session_missing_on_peers",
                                  "the session is not known on %s" % ", ".join(missing_on))
            if re.search(r"Geo-replication session between .* does not exist", str(err)):
                return None
            kind, hint = classify(str(err))
            raise GeorepError(str(err), kind, hint)

    def session(self):
        """This session's summary (with its config), or None when it does not exist.

        ``missing_on`` lists the peers that do not know the session (they joined the pool after it was
        created, or were replaced): their staging fails every command of the session, and its
        configuration cannot be read (``config`` is then empty) until ``create push-pem force``
        gives it to them (upstream's step after adding nodes).
        """
        missing_on = []
        try:
            config = self.config()
        except GeorepError as err:
            if err.kind != "session_missing_on_peers":
                raise
            config = {}
            missing_on = re.findall(r"Staging failed on (\S+?)\.? Error", err.raw)
        if config is None:
            return None
        root = self.run(self.base() + ["status", "detail"])
        for sess in parse_status(root):
            if sess["slave_host"] == self.slave_host and sess["slave_volume"] == self.slave_volume:
                sess["config"] = config
                sess["missing_on"] = missing_on
                return sess
        raise GeorepError("gluster volume geo-replication %s %s status detail does not list the session"
                          % (self.master_volume, self.slave))

    def command(self, verb, force=False, extra=()):
        return self.base() + [verb] + list(extra) + (["force"] if force else [])

    def create_args(self, push_pem=True, force=False, ssh_port=None):
        extra = (["ssh-port", str(ssh_port)] if ssh_port and int(ssh_port) != 22 else [])
        return self.base() + ["create"] + extra + (["push-pem"] if push_pem else []) + (["force"] if force else [])

    def config_set_args(self, key, value):
        return self.base() + ["config", key, config_value(value)]

    def mark_checkpoint(self, text, glusterfs=None):
        """Write CHECKPOINT_MARKER on the master volume through an internal-client mount of this node.

        A checkpoint completes when the Active worker's stime passes it, and stime only moves when a
        changelog with changes is processed: with no write after ``config checkpoint now`` (a fenced,
        quiet volume) it never completes.  This write is that change; an internal client (negative
        client pid, as gsyncd's own mounts) passes ``features.read-only``, and the marker reaches the
        slave like any file.
        """
        module = self.cli.module
        binary = glusterfs or module.get_bin_path("glusterfs", required=False) or "/usr/sbin/glusterfs"
        where = tempfile.mkdtemp(prefix="metrostor-georep-")
        rc, out, err = module.run_command([binary, "--volfile-server=localhost",
                                           "--volfile-id=" + self.master_volume, "--client-pid=-1", where])
        if rc != 0:
            os.rmdir(where)
            raise GeorepError("cannot mount %s to write the checkpoint marker: %s" % (self.master_volume,
                                                                                      (err or out).strip()))
        try:
            for _attempt in range(20):
                if os.path.ismount(where):
                    break
                time.sleep(0.25)
            path = os.path.join(where, CHECKPOINT_MARKER)
            with open(path, "w") as handle:
                handle.write(text + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            module.run_command(["umount", where])
            try:
                os.rmdir(where)
            except OSError:
                pass

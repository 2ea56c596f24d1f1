# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gluster CLI, in script mode with XML output, for modules on Gluster nodes.

Works with GlusterFS 5.x to 11.x: ``gluster --mode=script ... --xml`` answers
``<cliOutput><opRet>0</opRet><opErrno/><opErrstr/>...</cliOutput>``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import socket
import xml.etree.ElementTree as ET

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_transient import transient_answer

GLUSTERD_PORT = 24007


class GlusterError(Exception):
    """A gluster command that failed, with what was run and what came back (cmd, rc, stderr)."""

    def __init__(self, message, cmd=None, rc=None, stderr=None):
        super(GlusterError, self).__init__(message)
        self.cmd = cmd
        self.rc = rc
        self.stderr = stderr

    def details(self):
        """What a module's failure carries besides the message."""
        return {"cmd": " ".join(self.cmd) if self.cmd else None, "rc": self.rc, "stderr": self.stderr}


class GlusterBusy(GlusterError):
    """A read that got only transient answers (gluster_transient.py) until its retry window closed."""

    def __init__(self, command, answer, seconds, failed):
        super(GlusterBusy, self).__init__(
            "glusterd on %s did not answer `%s` for %d s (it said: %s): it is probably still waiting on peers that "
            "were just lost (a cut site). Run again in a minute; playbooks/health.yml shows the pool per site"
            % (socket.gethostname(), command, seconds, answer), cmd=failed.cmd, rc=failed.rc, stderr=failed.stderr)


class GlusterCli(object):
    """``retry``: a gluster_transient.RetryWindow; a read that gets a transient answer is run again within it
    (None, the default: never, and every failure is raised as it came)."""

    def __init__(self, module, binary=None, retry=None):
        self.module = module
        self.retry = retry
        self.binary = binary or module.get_bin_path("gluster", required=False)
        if not self.binary:
            raise GlusterError("the gluster command is not installed on %s; run the metrostor.gluster.gluster_node "
                               "role first" % socket.gethostname())

    def run_xml(self, args):
        """Run one command (XML output); a transient answer is retried within ``self.retry``."""
        command = " ".join(a for a in args if not a.startswith("--timeout"))
        while True:
            try:
                return self._run_xml_once(args)
            except GlusterError as err:
                answer = transient_answer("%s\n%s" % (err, err.stderr or ""))
                if answer is None or self.retry is None:
                    raise
                if not self.retry.another_try(command, answer):
                    raise GlusterBusy(command, answer, self.retry.elapsed(), err)

    def _run_xml_once(self, args):
        cmd = [self.binary, "--mode=script"] + list(args) + ["--xml"]
        rc, out, err = self.module.run_command(cmd)
        try:
            root = ET.fromstring(out) if out.strip() else None
        except ET.ParseError:
            root = None
        if root is None:
            raise GlusterError("gluster %s failed (rc=%s): %s" % (" ".join(args), rc, (err or out).strip()),
                               cmd=cmd, rc=rc, stderr=(err or out).strip())
        op_ret = root.findtext("opRet")
        if op_ret not in (None, "0"):
            msg = (root.findtext("opErrstr") or err or out).strip()
            raise GlusterError("gluster %s: %s" % (" ".join(args), msg), cmd=cmd, rc=rc, stderr=(err or "").strip() or msg)
        return root

    def run(self, args):
        cmd = [self.binary, "--mode=script"] + list(args)
        rc, out, err = self.module.run_command(cmd)
        if rc != 0:
            raise GlusterError("gluster %s: %s" % (" ".join(args), (err or out).strip()), cmd=cmd, rc=rc,
                               stderr=(err or out).strip())
        return out

    def version(self):
        out = self.run(["--version"])
        match = re.search(r"glusterfs (\d+)\.(\d+)", out)
        if not match:
            raise GlusterError("cannot read the GlusterFS version from %r" % out[:80])
        return "%s.%s" % match.groups()

    # -- trusted pool ----------------------------------------------------------
    def pool(self, timeout=None):
        """Peers of the pool seen from this node, including itself as 'localhost'."""
        root = self.run_xml(_timeout(timeout) + ["pool", "list"])
        peers = []
        for peer in root.iter("peer"):
            names = [peer.findtext("hostname")] + [h.text for h in peer.iter("hostname")]
            peers.append({"uuid": peer.findtext("uuid"), "hostname": peer.findtext("hostname"),
                          "names": sorted(set(n for n in names if n)),
                          "connected": peer.findtext("connected") == "1",
                          "state": peer.findtext("stateStr")})
        return peers

    def peer_probe(self, host):
        self.run_xml(["peer", "probe", host])

    def peer_detach(self, host, force=False):
        self.run_xml(["peer", "detach", host] + (["force"] if force else []))

    # -- options ---------------------------------------------------------------
    def volume_get(self, volume, option, timeout=None):
        root = self.run_xml(_timeout(timeout) + ["volume", "get", volume, option])
        for opt in root.iter("Opt"):
            if opt.findtext("Option") == option:
                value = opt.findtext("Value") or ""
                return re.sub(r"\s*\(DEFAULT\)$", "", value).strip()
        raise GlusterError("gluster volume get %s %s returned no value" % (volume, option))

    def volume_set(self, volume, option, value):
        self.run_xml(["volume", "set", volume, option, str(value)])

    # -- volumes ---------------------------------------------------------------
    def volume_info(self, name):
        """Volume info dict, or None when there is no such volume."""
        cmd = [self.binary, "--mode=script", "volume", "info", name, "--xml"]
        rc, out, err = self.module.run_command(cmd)
        try:
            root = ET.fromstring(out)
        except ET.ParseError:
            raise GlusterError("gluster volume info %s failed: %s" % (name, (err or out).strip()), cmd=cmd, rc=rc,
                               stderr=(err or out).strip())
        if root.findtext("opRet") != "0":
            text = (root.findtext("opErrstr") or "") + (err or "")
            if "does not exist" in text:
                return None
            raise GlusterError("gluster volume info %s: %s" % (name, text.strip()), cmd=cmd, rc=rc, stderr=text.strip())
        vol = root.find(".//volume")
        if vol is None:
            return None
        return parse_volume(vol)

    def volume_infos(self, timeout=None):
        """Every volume of the pool: {name: volume info dict}."""
        root = self.run_xml(_timeout(timeout) + ["volume", "info", "all"])
        return dict((v.findtext("name"), parse_volume(v)) for v in root.iter("volume") if v.findtext("name"))


def _timeout(seconds):
    """The CLI's ``--timeout`` (its default is 120 s), when given."""
    return ["--timeout=%d" % seconds] if seconds else []


def parse_volume(vol):
    """One ``<volume>`` element of ``gluster volume info --xml``."""
    bricks = [b.findtext("name") or (b.text or "").strip() for b in vol.iter("brick")]
    arbiters = [b.findtext("name") for b in vol.iter("brick") if b.findtext("isArbiter") == "1"]
    options = dict((o.findtext("name"), o.findtext("value")) for o in vol.iter("option"))
    # the peer uuid of each brick: `volume status` names hosts as the pool knows them, not as the brick
    uuids = dict((b.findtext("name") or (b.text or "").strip(), b.findtext("hostUuid") or b.get("uuid"))
                 for b in vol.iter("brick"))
    return {"name": vol.findtext("name"), "status": vol.findtext("statusStr"), "brick_uuids": uuids,
            "type": vol.findtext("typeStr"), "replica": int(vol.findtext("replicaCount") or 1),
            "arbiter_count": int(vol.findtext("arbiterCount") or 0), "bricks": bricks,
            "arbiter_bricks": arbiters, "options": options}


def reachable(host, port=GLUSTERD_PORT, timeout=3.0):
    """Whether glusterd on ``host`` accepts a TCP connection."""
    try:
        conn = socket.create_connection((host, port), timeout=timeout)
        conn.close()
        return True
    except (socket.error, socket.timeout):
        return False

"""A stand-in for the gluster CLI's geo-replication commands (a TEST DOUBLE).

It keeps one session's state and answers ``run_command`` as GlusterFS 10.3 does
in script mode with --xml: the status and config documents have the shape of
the ones recorded on the lab (tests/unit/fixtures/gluster/georep_*.xml: 10.3
names the sides primary/secondary in XML), and
refusals carry glusterd's own messages.  It checks the commands it receives
(a command the real CLI would reject fails the test).
"""
import os
import re

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "gluster")
WORKER_BRICKS = [("10.77.1.11", "/bricks/brick1/drvol", "Active"),
                 ("10.77.2.11", "/bricks/brick1/drvol", "Passive"),
                 ("10.77.3.11", "/bricks/brick1/drvol", "Passive")]


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def xml_error(message, errno=30800):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <opRet>-1</opRet>\n'
            '  <opErrno>%d</opErrno>\n  <opErrstr>%s</opErrstr>\n  <geoRep/>\n</cliOutput>\n' % (errno, message))


def xml_ok(inner=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <opRet>0</opRet>\n'
            '  <opErrno>0</opErrno>\n  <opErrstr/>\n  <geoRep>%s</geoRep>\n</cliOutput>\n' % inner)


class FakeGeorep(object):
    def __init__(self, master="drvol", slave_host="10.77.4.11", slave_volume="drvol", exists=False,
                 state="Created", config=None, create_error=None, checkpoint_polls=1, master_exists=True,
                 writes_needed=1, missing_on=(), live_crawl_deaf=False):
        self.master, self.slave_host, self.slave_volume = master, slave_host, slave_volume
        # peers that joined (or were replaced) after the session was created: their staging fails every
        # command of the session but status, until create ... force (as seen on the lab, GlusterFS 10.3)
        self.missing_on = list(missing_on)
        self.exists = exists
        self.state = state  # Created, Started, Stopped, Paused
        self.config = dict(config or {"use_meta_volume": "false", "sync_jobs": "3", "checkpoint": "0"})
        self.create_error = create_error
        self.checkpoint_polls = checkpoint_polls
        self.checkpoint_time = None
        self.polls_since_checkpoint = 0
        self.master_exists = master_exists
        self.commands = []
        self.changes = []
        self.markers = []
        # like GlusterFS, a checkpoint completes only after a write on the master that follows it
        self.checkpoint_needs_write_done = False
        self.writes_since_checkpoint = 0
        self.writes_needed = writes_needed
        # as seen on the lab (GlusterFS 10.3): an Active worker whose live changelog crawl receives no
        # changelog; only a (re)start's history crawl takes the writes made before it
        self.live_crawl_deaf = live_crawl_deaf

    # -- the module's view -----------------------------------------------------
    def get_bin_path(self, name, required=False):
        return "/usr/sbin/" + name

    def run_command(self, cmd):
        self.commands.append(cmd)
        if cmd[0].endswith("/glusterfs"):   # the checkpoint marker's internal-client mount
            assert cmd[1:4] == ["--volfile-server=localhost", "--volfile-id=" + self.master, "--client-pid=-1"], cmd
            self.marker_dir = cmd[4]
            return 0, "", ""
        if cmd[0] == "umount":
            marker = os.path.join(cmd[1], ".metrostor-georep-checkpoint")
            with open(marker) as handle:
                self.markers.append(handle.read())
            os.unlink(marker)
            self.writes_since_checkpoint += 1
            if self.checkpoint_time and self.writes_since_checkpoint >= self.writes_needed \
                    and not self.live_crawl_deaf:
                self.checkpoint_needs_write_done = True
            return 0, "", ""
        assert cmd[:2] == ["/usr/sbin/gluster", "--mode=script"], cmd
        assert cmd[-1] == "--xml", cmd
        args = cmd[2:-1]
        if args[:2] == ["volume", "info"]:
            if args[2] == self.master and self.master_exists:
                return 0, fixture("volume_info_arbiter.xml").replace(">fx<", ">%s<" % self.master), ""
            return 1, fixture("volume_info_missing.xml"), ""
        assert args[:2] == ["volume", "geo-replication"], args
        master, slave, verb, rest = args[2], args[3], args[4], args[5:]
        assert master == self.master
        assert re.match(r"^([a-z_][a-z0-9_-]*@)?[^@:]+::[^:]+$", slave), slave
        if slave != "%s::%s" % (self.slave_host, self.slave_volume) and not slave.endswith(
                "@%s::%s" % (self.slave_host, self.slave_volume)):
            return 0, xml_error("Geo-replication session between %s and %s does not exist." % (master, slave)), ""
        if self.missing_on and self.exists and verb not in ("status",) and not (verb == "create" and "force" in rest):
            return 0, xml_error("Staging failed on %s. Error: Geo-replication session between %s and %s does "
                                "not exist." % (self.missing_on[0], master, slave)), ""
        handler = getattr(self, "do_" + verb)
        return handler(slave, rest)

    # -- verbs -------------------------------------------------------------------
    def missing(self, slave):
        return 0, xml_error("Geo-replication session between %s and %s does not exist." % (self.master, slave)), ""

    def change(self, what):
        self.changes.append(what)
        return 0, xml_ok("<master>%s</master><slave>%s::%s</slave>"
                         % (self.master, self.slave_host, self.slave_volume)), ""

    def do_create(self, slave, rest):
        assert rest in (["push-pem"], ["push-pem", "force"], [], ["force"], ["ssh-port", "2222", "push-pem"]), rest
        if self.exists and self.missing_on and "force" in rest:
            self.missing_on = []
            return self.change("create " + " ".join(rest))
        if self.exists:
            return 0, xml_error("Session between %s and %s is already created." % (self.master, slave)), ""
        if self.create_error:
            return 0, xml_error(self.create_error), ""
        self.exists, self.state = True, "Created"
        return self.change("create " + " ".join(rest))

    def do_start(self, slave, rest):
        if not self.exists:
            return self.missing(slave)
        if self.state not in ("Created", "Stopped"):
            return 0, xml_error("Geo-replication session between %s and %s already started." % (self.master, slave)), ""
        self.state = "Started"
        if self.live_crawl_deaf and self.checkpoint_time and self.writes_since_checkpoint >= self.writes_needed:
            self.checkpoint_needs_write_done = True   # the starting workers' history crawl
        return self.change("start" + "".join(" " + r for r in rest))

    def do_stop(self, slave, rest):
        if not self.exists:
            return self.missing(slave)
        if self.state not in ("Started", "Paused"):
            return 0, xml_error("Geo-replication session between %s and %s is not running on this node."
                                % (self.master, slave)), ""
        if self.state == "Paused" and rest != ["force"]:
            return 0, xml_error("Geo-replication session between %s and %s is Paused. Use force to stop."
                                % (self.master, slave)), ""
        self.state = "Stopped"
        return self.change("stop " + " ".join(rest))

    def do_pause(self, slave, rest):
        if self.state != "Started":
            return 0, xml_error("Geo-replication session between %s and %s is not running." % (self.master, slave)), ""
        self.state = "Paused"
        return self.change("pause")

    def do_resume(self, slave, rest):
        if self.state != "Paused":
            return 0, xml_error("Geo-replication session between %s and %s is not Paused." % (self.master, slave)), ""
        self.state = "Started"
        return self.change("resume")

    def do_delete(self, slave, rest):
        if not self.exists:
            return self.missing(slave)
        if self.state in ("Started", "Paused"):
            return 0, xml_error("geo-replication session between %s and %s is still active. Please stop the "
                                "session and retry." % (self.master, slave)), ""
        self.exists = False
        return self.change("delete " + " ".join(rest))

    def do_config(self, slave, rest):
        if not self.exists:
            return self.missing(slave)
        if not rest:
            body = "".join("<%s>%s</%s>" % (k, v, k) for k, v in sorted(self.config.items()))
            return 0, xml_ok("<config>%s</config>" % body), ""
        key, value = rest
        if key == "checkpoint":
            assert value == "now"
            self.checkpoint_time = "2026-11-26 08:00:00"
            self.polls_since_checkpoint = 0
            self.checkpoint_needs_write_done = False
            self.writes_since_checkpoint = 0
            self.config["checkpoint"] = "1795939200"
        else:
            self.config[key.replace("-", "_")] = value
        return self.change("config %s %s" % (key, value))

    def do_status(self, slave, rest):
        assert rest == ["detail"], rest
        if not self.exists:
            return 2, "geo-replication command failed\n", ""
        pairs = []
        for node, brick, role in WORKER_BRICKS:
            status = role if self.state == "Started" else self.state
            completed = "N/A"
            completion = "N/A"
            if self.checkpoint_time and status in ("Active", "Passive"):
                done = self.polls_since_checkpoint >= self.checkpoint_polls and self.checkpoint_needs_write_done
                completed = "Yes" if done else "No"
                completion = "2026-11-26 08:00:07" if done else "N/A"
            pairs.append(
                "<pair><primary_node>%s</primary_node><primary_brick>%s</primary_brick>"
                "<secondary_user>root</secondary_user>"
                "<secondary>%s::%s</secondary><secondary_node>%s</secondary_node><status>%s</status>"
                "<crawl_status>%s</crawl_status><entry>0</entry><data>0</data><meta>0</meta><failures>0</failures>"
                "<checkpoint_completed>%s</checkpoint_completed><primary_node_uuid>u</primary_node_uuid>"
                "<last_synced>%s</last_synced><checkpoint_time>%s</checkpoint_time>"
                "<checkpoint_completion_time>%s</checkpoint_completion_time></pair>"
                % (node, brick, self.slave_host, self.slave_volume,
                   self.slave_host if status == "Active" else "N/A" if status != "Passive" else self.slave_host,
                   status, "Changelog Crawl" if status == "Active" else "N/A",
                   completed, "2026-11-26 07:59:58" if status == "Active" else "N/A",
                   self.checkpoint_time or "N/A", completion))
        if self.checkpoint_time:
            self.polls_since_checkpoint += 1
        body = ("<volume><name>%s</name><sessions><session><session_secondary>01d4b0a7:ssh://%s::%s:a9b95e74"
                "</session_secondary>"
                "%s</session></sessions></volume>" % (self.master, self.slave_host, self.slave_volume, "".join(pairs)))
        return 0, xml_ok(body), ""

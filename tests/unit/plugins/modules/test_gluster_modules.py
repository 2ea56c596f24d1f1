"""gluster_option, gluster_peer and gluster_volume through their base class (GlusterModule).

The gluster CLI is a TEST DOUBLE here (FakeGluster below): it keeps a pool and
its volumes and answers ``run_command`` in the XML shape GlusterFS 10.3
printed on the lab (tests/unit/fixtures/gluster), with glusterd's own refusal
text; a command it does not know fails the test.  Checked: the change and its
``actions``, idempotence (a second run changes nothing and runs no command
that changes), check mode (plans, runs nothing that changes), the diff, bad
input refused before any command, and a failed command reported with its
``cmd``, ``rc`` and ``stderr`` and the steps already ``done``.
"""
import importlib

import pytest
from ansible.module_utils import basic

from tests.unit.module_args import patch_module_args

READS = {("pool", "list"), ("volume", "info"), ("volume", "get")}
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n'


def ok(inner=""):
    return HEAD + "  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n%s</cliOutput>\n" % inner


def refused(text, errno=30800):
    return HEAD + "  <opRet>-1</opRet>\n  <opErrno>%d</opErrno>\n  <opErrstr>%s</opErrstr>\n</cliOutput>\n" % (errno, text)


class FakeGluster(object):
    """The gluster CLI (script mode, --xml) over an in-memory pool."""

    KNOWN_OPTIONS = {"network.ping-timeout": "42", "cluster.quorum-type": "none", "cluster.server-quorum-ratio": "51",
                     "performance.readdir-ahead": "on"}

    def __init__(self, peers=(), volumes=None):
        self.peers = list(peers)
        self.volumes = volumes or {}
        self.cluster_options = {}
        self.commands = []

    def changes(self):
        return [c for c in self.commands if tuple(c[:2]) not in READS]

    def __call__(self, cmd, **kwargs):
        assert cmd[:2] == ["/usr/sbin/gluster", "--mode=script"] and cmd[-1] == "--xml", cmd
        args = cmd[2:-1]
        self.commands.append(args)
        verb = tuple(args[:2])
        if verb == ("pool", "list"):
            peers = "".join("    <peer>\n      <uuid>u-%s</uuid>\n      <hostname>%s</hostname>\n      <hostnames>\n"
                            "        <hostname>%s</hostname>\n      </hostnames>\n      <connected>1</connected>\n"
                            "      <stateStr>Peer in Cluster</stateStr>\n    </peer>\n" % (p, p, p)
                            for p in self.peers + ["localhost"])
            return 0, ok("  <peerStatus>\n%s  </peerStatus>\n" % peers), ""
        if verb == ("peer", "probe"):
            self.peers.append(args[2])
            return 0, ok("  <output>peer probe: success</output>\n"), ""
        if verb == ("peer", "detach"):
            self.peers.remove(args[2])
            return 0, ok("  <output>peer detach: success</output>\n"), ""
        if verb == ("volume", "get"):
            vol, option = args[2], args[3]
            if option not in self.KNOWN_OPTIONS:
                return 1, refused("option : %s does not exist" % option), ""
            store = self.cluster_options if vol == "all" else self.volumes[vol]["options"]
            value = store.get(option, self.KNOWN_OPTIONS[option] + " (DEFAULT)")
            return 0, ok("  <volGetopts>\n    <count>1</count>\n    <Opt>\n      <Option>%s</Option>\n"
                         "      <Value>%s</Value>\n    </Opt>\n  </volGetopts>\n" % (option, value)), ""
        if verb == ("volume", "set"):
            vol, option, value = args[2], args[3], args[4]
            if option not in self.KNOWN_OPTIONS:
                return 1, refused("option : %s does not exist\nDid you mean nfs.drc-size or ...mem-factor?" % option), ""
            (self.cluster_options if vol == "all" else self.volumes[vol]["options"])[option] = value
            return 0, ok(), ""
        if verb == ("volume", "info"):
            vol = self.volumes.get(args[2])
            if vol is None:
                return 1, refused("Volume %s does not exist" % args[2], errno=-1), ""
            bricks = "".join("          <brick uuid=\"u\">%s<name>%s</name><hostUuid>u</hostUuid><isArbiter>%d</isArbiter>"
                             "</brick>\n" % (b, b, int(vol["arbiter"] and i % 3 == 2)) for i, b in enumerate(vol["bricks"]))
            options = "".join("          <option>\n            <name>%s</name>\n            <value>%s</value>\n"
                              "          </option>\n" % kv for kv in sorted(vol["options"].items()))
            return 0, ok("  <volInfo>\n    <volumes>\n      <volume>\n        <name>%s</name>\n"
                         "        <statusStr>%s</statusStr>\n        <typeStr>Replicate</typeStr>\n"
                         "        <replicaCount>%d</replicaCount>\n        <arbiterCount>%d</arbiterCount>\n"
                         "        <bricks>\n%s        </bricks>\n        <options>\n%s        </options>\n"
                         "      </volume>\n      <count>1</count>\n    </volumes>\n  </volInfo>\n"
                         % (args[2], vol["status"], vol["replica"], vol["arbiter"], bricks, options)), ""
        if verb == ("volume", "create"):
            rest = args[3:]
            replica = arbiter = 1
            if rest[0] == "replica":
                replica, rest = int(rest[1]), rest[2:]
            arbiter = 0
            if rest and rest[0] == "arbiter":
                arbiter, rest = int(rest[1]), rest[2:]
            self.volumes[args[2]] = {"status": "Created", "bricks": [b for b in rest if b != "force"],
                                     "replica": replica, "arbiter": arbiter, "options": {}}
            return 0, ok(), ""
        if verb in (("volume", "start"), ("volume", "stop")):
            self.volumes[args[2]]["status"] = "Started" if args[1] == "start" else "Stopped"
            return 0, ok(), ""
        if verb == ("volume", "delete"):
            if self.volumes[args[2]]["status"] == "Started":
                return 1, refused("Volume %s has been started.Volume needs to be stopped before deletion." % args[2]), ""
            del self.volumes[args[2]]
            return 0, ok(), ""
        raise AssertionError("the test double does not know: gluster %s" % " ".join(args))


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result.get("msg"))
        self.result, self.failed = result, failed


@pytest.fixture
def gluster(monkeypatch):
    fake = FakeGluster(peers=["10.77.2.11", "10.77.3.11"])

    def exit_json(self, **kwargs):
        kwargs.setdefault("changed", False)
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        raise ModuleExit(dict(kwargs, msg=msg, failed=True), failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, name, required=False, opt_dirs=None: "/usr/sbin/" + name)
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, cmd, **kw: fake(cmd, **kw))
    return fake


def run(name, args, check=False, expect_fail=False):
    mod = importlib.import_module("ansible_collections.metrostor.gluster.plugins.modules." + name)
    with patch_module_args(dict(args, _ansible_check_mode=check, _ansible_diff=True)):
        with pytest.raises(ModuleExit) as info:
            mod.main()
    assert info.value.failed is expect_fail, info.value.result
    return info.value.result


VOLUME = {"name": "stretch", "replica": 3, "arbiter": 1,
          "bricks": ["10.77.1.11:/b/stretch", "10.77.2.11:/b/stretch", "10.77.3.11:/b/stretch"],
          "options": {"network.ping-timeout": 4, "cluster.quorum-type": "auto"}}


def test_volume_created_in_check_mode_then_for_real_then_unchanged(gluster):
    planned = run("gluster_volume", VOLUME, check=True)
    assert planned["changed"] and gluster.changes() == [] and "stretch" not in gluster.volumes
    assert planned["actions"][0] == "volume create stretch replica 3 arbiter 1 " + " ".join(VOLUME["bricks"])
    assert planned["diff"]["before"] == {} and planned["diff"]["after"]["status"] == "Started"
    done = run("gluster_volume", VOLUME)
    assert done["actions"] == planned["actions"] == done["commands"]
    assert [" ".join(c) for c in gluster.changes()] == done["actions"]
    assert done["volume"]["arbiter_bricks"] == ["10.77.3.11:/b/stretch"]
    assert done["volume"]["options"] == {"cluster.quorum-type": "auto", "network.ping-timeout": "4"}
    before = len(gluster.changes())
    again = run("gluster_volume", VOLUME)
    assert not again["changed"] and again["actions"] == [] and len(gluster.changes()) == before
    assert again["diff"]["before"] == again["diff"]["after"]


def test_volume_bad_input_refused_before_any_command(gluster):
    for args, text in [(dict(VOLUME, bricks=[]), "bricks are required"),
                       (dict(VOLUME, replica=2), "arbiter=1 needs replica=3"),
                       (dict(VOLUME, arbiter=0, bricks=VOLUME["bricks"][:2]), "do not make whole replica sets of 3"),
                       (dict(VOLUME, bricks=["10.77.1.11:/b/1", "10.77.1.11:/b/2", "10.77.3.11:/b/s"]),
                        "two bricks of one replica set are on the same host")]:
        failed = run("gluster_volume", args, expect_fail=True)
        assert text in failed["msg"] and failed["done"] == [] and failed["changed"] is False
    assert gluster.changes() == []


def test_volume_failed_command_carries_cmd_rc_stderr_and_what_was_done(gluster):
    failed = run("gluster_volume", dict(VOLUME, options={"no.such.option": "1"}), expect_fail=True)
    assert failed["cmd"] == "/usr/sbin/gluster --mode=script volume set stretch no.such.option 1 --xml"
    assert failed["rc"] == 1 and "no.such.option does not exist" in failed["stderr"]
    assert failed["done"] == ["volume create stretch replica 3 arbiter 1 " + " ".join(VOLUME["bricks"])]
    assert failed["changed"] is True


def test_volume_absent_stops_then_deletes(gluster):
    run("gluster_volume", VOLUME)
    gone = run("gluster_volume", {"name": "stretch", "state": "absent"})
    assert gone["actions"] == ["volume stop stretch", "volume delete stretch"] and "stretch" not in gluster.volumes
    assert gone["diff"]["after"] == {}
    assert not run("gluster_volume", {"name": "stretch", "state": "absent"})["changed"]


def test_option_set_only_where_it_differs(gluster):
    args = {"volume": "all", "options": {"cluster.server-quorum-ratio": "51%", "network.ping-timeout": 4}}
    planned = run("gluster_option", args, check=True)
    assert planned["actions"] == ["set all network.ping-timeout to 4 (was 42)"] and gluster.changes() == []
    assert planned["changed_options"] == {"network.ping-timeout": "4"}
    assert planned["diff"] == {"before": {"cluster.server-quorum-ratio": "51", "network.ping-timeout": "42"},
                               "after": {"cluster.server-quorum-ratio": "51", "network.ping-timeout": "4"}}
    done = run("gluster_option", args)
    assert done["actions"] == planned["actions"] and gluster.changes() == [["volume", "set", "all", "network.ping-timeout", "4"]]
    assert not run("gluster_option", args)["changed"] and len(gluster.changes()) == 1


def test_option_unknown_fails_with_the_command(gluster):
    failed = run("gluster_option", {"options": {"no.such.option": "1"}}, expect_fail=True)
    assert failed["cmd"].endswith("volume get all no.such.option --xml") and failed["rc"] == 1
    assert "does not exist" in failed["stderr"] and failed["done"] == []


def test_peer_probe_detach_and_a_down_node(gluster, monkeypatch):
    from ansible_collections.metrostor.gluster.plugins.modules import gluster_peer
    monkeypatch.setattr(gluster_peer, "reachable", lambda host, timeout=None: host != "10.77.9.9")
    refused_run = run("gluster_peer", {"nodes": ["10.77.1.12", "10.77.9.9"]}, expect_fail=True)
    assert "10.77.9.9" in refused_run["msg"] and "Nothing was probed" in refused_run["msg"]
    assert gluster.changes() == [] and refused_run["done"] == []
    planned = run("gluster_peer", {"nodes": ["10.77.1.12", "10.77.2.11"]}, check=True)
    assert planned["actions"] == ["probe 10.77.1.12"] and gluster.changes() == []
    done = run("gluster_peer", {"nodes": ["10.77.1.12", "10.77.2.11"]})
    assert done["actions"] == ["probe 10.77.1.12"] and done["peers"] == ["10.77.1.12", "10.77.2.11", "10.77.3.11"]
    assert done["diff"]["after"] == {"peers": ["10.77.1.12", "10.77.2.11", "10.77.3.11"]}
    assert not run("gluster_peer", {"nodes": ["10.77.1.12", "10.77.2.11"]})["changed"]
    gone = run("gluster_peer", {"nodes": ["10.77.1.12"], "state": "absent"})
    assert gone["actions"] == ["detach 10.77.1.12"] and "10.77.1.12" not in gluster.peers

"""gluster_health reads the pool from the gluster CLI's XML (recorded from GlusterFS 10.3 on the lab,
tests/unit/fixtures/gluster) and draws its verdict from the facts."""
import xml.etree.ElementTree as ET

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_health import (
    bricks_online,
    client_quorum_met,
    problems,
    read_bricks,
    read_heal_summary,
    replica_sets,
    server_quorum_met,
    verdict,
)
from tests.unit.test_gluster_cli import RecordedModule, recorded
from tests.unit.test_gluster_health_retry import ScriptedGluster, clock  # noqa: F401 (clock: a fixture)
from tests.unit.test_gluster_health_retry import run as run_module


def xml(name):
    return ET.fromstring(recorded(name))


def infos():
    return GlusterCli(RecordedModule({"volume info all": (0, recorded("volume_info_all.xml"))})).volume_infos()


def test_bricks_are_matched_by_peer_uuid_not_by_name():
    # `volume status` calls gl-a1 by its name, the brick was made as 10.77.1.11:/bricks/...
    vol = infos()["drvol"]
    status = read_bricks(xml("volume_status_all.xml"))
    assert "Self-heal Daemon" not in str(status)
    online = bricks_online(vol, status["drvol"])
    assert sorted(online) == sorted(vol["bricks"]) and all(online.values())
    assert any(b.startswith("10.77.1.11:") for b in online)


def test_a_brick_missing_from_the_status_is_offline():
    vol = infos()["drvol"]
    status = dict(read_bricks(xml("volume_status_all.xml"))["drvol"])
    gone = [k for k in status if k.startswith(vol["brick_uuids"][vol["bricks"][0]])]
    for key in gone:
        del status[key]
    online = bricks_online(vol, status)
    assert online[vol["bricks"][0]] is False and sum(online.values()) == len(vol["bricks"]) - 1


def test_heal_summary_counts():
    assert read_heal_summary(xml("heal_info_summary.xml")) == {
        "heal_pending": 0, "split_brain": 0, "bricks_not_answering": []}


def test_server_quorum_rule():
    peers = [{"connected": c} for c in (True, True, True, False, False)]
    assert server_quorum_met(peers, "51")          # 3 of 5 >= ceil(2.55)
    assert not server_quorum_met(peers[1:], "51")  # 2 of 4 < ceil(2.04)... 3 needed
    assert server_quorum_met(peers, "60")          # ceil(3.0) = 3
    assert not server_quorum_met(peers, "61")
    assert server_quorum_met(peers, "")            # more than half
    assert not server_quorum_met([], "51")


def test_client_quorum_auto():
    rset = ["a:/b", "b:/b", "c:/b"]
    assert client_quorum_met(rset, {"a:/b": True, "b:/b": False, "c:/b": True})
    assert not client_quorum_met(rset, {"a:/b": True})
    assert client_quorum_met(["a:/b", "b:/b"], {"a:/b": True})       # half, with the first brick
    assert not client_quorum_met(["a:/b", "b:/b"], {"b:/b": True})   # half, without it


def _facts(online, pending=0, connected=(True,) * 5):
    vol = infos()["drvol"]
    return {"peers": [{"hostname": "p%d" % i, "connected": c, "state": "Peer in Cluster"}
                      for i, c in enumerate(connected)],
            "server_quorum_ratio": "51", "server_quorum": server_quorum_met([{"connected": c} for c in connected], "51"),
            "volumes": {"drvol": {"status": "Started", "bricks": vol["bricks"], "bricks_online": online,
                                  "replica_sets": replica_sets(vol), "heal_pending": pending, "split_brain": 0}}}


def test_verdict_healthy_and_degraded():
    vol = infos()["drvol"]
    facts = _facts({b: True for b in vol["bricks"]})
    assert problems(facts) == {}
    assert verdict(facts, {}).startswith("healthy: 5/5 peers connected, 1 volume(s), 3/3 bricks online")
    lost = {b: not b.startswith(("10.77.1.", "10.77.2.")) for b in vol["bricks"]}
    facts = _facts(lost, pending=7, connected=(True, False, False, True, True))
    found = problems(facts)
    assert set(found) == {"peers", "bricks", "quorum", "heal"}
    assert "replica set 0 has no client quorum" in found["quorum"][0]
    assert "7 entries pending heal" in found["heal"][0]
    assert verdict(facts, found).startswith("degraded: peer p1 is Peer in Cluster")


def test_a_stopped_geo_replication_session_is_still_reported():
    # health reports every worker that does not replicate; only the day-2 gate lets a stopped one pass
    vol = infos()["drvol"]
    facts = dict(_facts({b: True for b in vol["bricks"]}),
                 georep=[{"name": "drvol", "workers": [{"primary_node": "10.77.1.11", "status": "Stopped"}]}])
    assert problems(facts) == {"georep": ["geo-replication drvol: 10.77.1.11 Stopped"]}


def test_a_volume_with_no_brick_online_is_reported_not_a_failure():
    # Seen on the lab: after a reboot glusterd started before /bricks/brick1 was mounted, no brick of the
    # started volumes came up, and `heal info summary` failed ("Not able to fetch volfile from glusterd"):
    # the module failed instead of naming the offline bricks.  It no longer asks heal info then.
    from ansible_collections.metrostor.gluster.plugins.modules.gluster_health import read_gluster
    status = xml("volume_status_all.xml")
    volumes = status.find("volStatus/volumes")
    for volume in list(volumes):
        if volume.findtext("volName") == "drvol":
            volumes.remove(volume)
    module = RecordedModule({
        "--timeout=20 pool list": (0, recorded("pool_list.xml")),
        "--timeout=20 volume get all cluster.server-quorum-ratio": (0, recorded("volume_get.xml")),
        "--timeout=20 volume info all": (0, recorded("volume_info_all.xml")),
        "--timeout=20 volume status all": (0, ET.tostring(status, encoding="unicode")),
        # answered only if asked (it must not be, for drvol)
        "--timeout=20 volume heal drvol info summary": (2, "Not able to fetch volfile from glusterd"),
    })
    facts = read_gluster(module, {"command_timeout": 20, "volumes": ["drvol"], "heal": True, "georep": False})
    assert not any("heal" in cmd for cmd in module.commands), module.commands
    drvol = facts["volumes"]["drvol"]
    assert drvol["heal_pending"] is None and not any(drvol["bricks_online"].values())
    found = problems(facts)
    assert "volume drvol: brick(s) not online: 10.77.1.11:/bricks/brick1/drvol" in found["bricks"][0]
    assert "heal" not in found
    assert verdict(facts, found).startswith("degraded: volume drvol: brick(s) not online")
    assert "0/3 bricks online, 0 pending heal" in verdict(facts, found)


# An online brick that heal info's client could not reach (a stale port map, upstream glusterfs #2480, seen on the
# lab's first rolling upgrade 9.2 -> 10.3): the recorded heal info of drvol with its first brick as 10.3 prints
# such a brick ("Transport endpoint is not connected", counts "-") and one entry pending on the second.
STALE = "10.77.1.11:/bricks/brick1/drvol"


def heal_info_not_reaching(brick=STALE):
    text = recorded("heal_info_summary.xml")
    root = ET.fromstring(text)
    for node in root.iter("brick"):
        if node.findtext("name") == brick:
            node.find("status").text = "Transport endpoint is not connected"
            for field in node:
                if field.tag.startswith(("numberOf", "totalNumber")):
                    field.text = "-"
        elif node.findtext("name").startswith("10.77.2."):
            node.find("numberOfEntriesInHealPending").text = "1"
    return ET.tostring(root, encoding="unicode")


def _stale_facts(online):
    facts = _facts(online)
    facts["volumes"]["drvol"].update(read_heal_summary(ET.fromstring(heal_info_not_reaching())))
    return facts


def test_an_online_brick_a_new_client_cannot_reach_is_a_bricks_problem():
    vol = infos()["drvol"]
    facts = _stale_facts({b: True for b in vol["bricks"]})
    assert facts["volumes"]["drvol"]["bricks_not_answering"] == [STALE]
    found = problems(facts)
    assert set(found) == {"bricks", "heal"}, found
    assert found["bricks"] == [
        "volume drvol: brick(s) online in glusterd but a new client (heal info) could not reach them: "
        "10.77.1.11:/bricks/brick1/drvol (self-heal cannot finish and their heal counts are unknown; a stale "
        "port map, glusterfs #2480: restart glusterd on the brick's node)"]
    line = verdict(facts, found)
    assert line.startswith("degraded: volume drvol: brick(s) online in glusterd but a new client")
    # the counts leave that brick out: the verdict says so rather than "1 pending heal" alone
    assert line.endswith("3/3 bricks online, 1 pending heal, 0 split-brain "
                         "(counted without 1 online brick(s) heal info could not reach))"), line
    # an offline brick heal info cannot reach either is named once, as not online
    facts = _stale_facts({b: b != STALE for b in vol["bricks"]})
    found = problems(facts)
    assert found["bricks"] == ["volume drvol: brick(s) not online: 10.77.1.11:/bricks/brick1/drvol"]
    assert "counted without" not in verdict(facts, found)
    stopped = _stale_facts({b: True for b in vol["bricks"]})
    stopped["volumes"]["drvol"]["status"] = "Stopped"
    assert "bricks" not in problems(stopped)


def test_the_day2_gate_refuses_an_online_brick_that_does_not_answer_unless_expected_down():
    from ansible_collections.metrostor.gluster.plugins.module_utils.health_gate import unexpected
    vol = infos()["drvol"]
    facts = _stale_facts({b: True for b in vol["bricks"]})
    health = dict(facts, problems=problems(facts))
    found = unexpected(health)
    assert [t for t in found if "could not reach" in t] == [problems(facts)["bricks"][0]], found
    # the brick of the host being replaced (or of the failed disk) may be in any state
    assert not [t for t in unexpected(health, hosts=["10.77.1.11"]) if "could not reach" in t]
    assert not [t for t in unexpected(health, bricks=["10.77.1.11:/bricks/brick1"]) if "could not reach" in t]


# The module (in-process, fake clock and scripted CLI of test_gluster_health_retry): a brick just started may
# not answer heal info's client for a few seconds; heal info is asked again within retry_seconds.
HEAL = "--timeout=20 volume heal drvol info summary"
NOT_REACHED = (0, heal_info_not_reaching(), 0.5)


def test_a_brick_that_answers_on_a_second_heal_info_is_not_reported(monkeypatch, clock):
    gluster = ScriptedGluster(clock, {HEAL: [NOT_REACHED]})
    result = run_module(monkeypatch, gluster).result
    assert not result.get("failed") and result["healthy"], result["verdict"]
    assert gluster.commands.count(HEAL) == 2 and clock.slept == [5]
    assert result["retried"] == ["volume heal drvol info summary: online brick(s) not reached: " + STALE]
    assert result["volumes"]["drvol"]["bricks_not_answering"] == []


def test_a_brick_that_goes_on_not_answering_is_reported_within_retry_seconds(monkeypatch, clock):
    gluster = ScriptedGluster(clock, {HEAL: [NOT_REACHED] * 100})
    result = run_module(monkeypatch, gluster).result
    assert not result.get("failed") and not result["healthy"]
    assert "could not reach them: " + STALE in result["problems"]["bricks"][0]
    assert clock.now - 1000.0 <= 60, "the read went on past retry_seconds"
    assert gluster.commands.count(HEAL) == result["retries"] + 1 > 2
    failed = run_module(monkeypatch, ScriptedGluster(clock, {HEAL: [NOT_REACHED] * 100}), fail_on=["bricks"]).result
    assert failed["failed"] and failed["msg"].startswith("Unhealthy (bricks): degraded: volume drvol: brick(s) "
                                                         "online in glusterd but a new client"), failed["msg"]


def test_recheck_unreached_false_reads_heal_info_once(monkeypatch, clock):
    # (for tasks that retry the read themselves: the rolling upgrade's bricks_answer.yml, wait_healed.yml)
    gluster = ScriptedGluster(clock, {HEAL: [NOT_REACHED]})
    result = run_module(monkeypatch, gluster, recheck_unreached=False).result
    assert gluster.commands.count(HEAL) == 1 and clock.slept == [] and result["retries"] == 0
    assert "bricks" in result["problems"] and not result["healthy"]

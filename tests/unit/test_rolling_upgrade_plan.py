"""The rolling upgrade's plan (plugins/module_utils/upgrade_plan.py, filters in plugins/filter/upgrade_plan.py):
the order (data sites first, the tie-breaker last), when the upgrade counts as finished, and the op-version."""
import copy
import xml.etree.ElementTree as ET

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.upgrade_plan import FilterModule
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_health import read_heal_summary
from ansible_collections.metrostor.gluster.plugins.module_utils.upgrade_plan import (
    bricks_not_answering,
    major,
    op_version_step,
    upgrade_order,
    version_problems,
)

SITES = {"a": {"zone": 1}, "b": {"zone": 2}, "c": {"zone": 3, "tiebreaker": True}}
FILTERS = FilterModule().filters()


def test_data_sites_first_site_by_site_the_tiebreaker_last_whatever_the_inventory_order():
    nodes = ["c1", "b1", "a2", "b2", "a1"]
    sites = {"a1": "a", "a2": "a", "b1": "b", "b2": "b", "c1": "c"}
    assert upgrade_order(SITES, sites, nodes) == ["a2", "a1", "b1", "b2", "c1"]


def test_sites_are_ordered_by_zone_not_by_name():
    sites = {"west": {"zone": 2}, "east": {"zone": 1}, "tb": {"zone": 3, "tiebreaker": True}}
    nodes = {"w1": "west", "e1": "east", "t1": "tb"}
    assert upgrade_order(sites, nodes, ["t1", "w1", "e1"]) == ["e1", "w1", "t1"]


def test_a_node_in_no_site_is_refused_by_name():
    with pytest.raises(ValueError, match="not in a site of metrostor_sites: x9"):
        upgrade_order(SITES, {"a1": "a", "x9": "z"}, ["a1", "x9"])
    with pytest.raises(AnsibleFilterError, match="rolling upgrade refused, nothing was changed: nodes not in a site"):
        FILTERS["upgrade_order"](SITES, {"x9": None}, ["x9"])


def test_release_majors():
    assert major("10.3") == 10 and major("9.2") == 9 and major("") is None and major(None) is None


def test_finished_when_every_node_runs_the_same_release():
    assert version_problems({"a1": "10.3", "b1": "10.3", "c1": "10.3"}) == []
    assert version_problems({"a1": "10.3", "b1": "9.2"}) == ["the nodes run different releases: a1 10.3, b1 9.2"]


def test_finished_only_when_every_node_runs_the_target_major():
    assert version_problems({"a1": "10.3", "c1": "9.2"}, "10") == ["not on GlusterFS 10: c1 (9.2)"]
    assert version_problems({"a1": "10.3", "c1": "10.3"}, 10) == []
    assert version_problems({"a1": "10.3", "c1": ""}, "10") == ["no GlusterFS release read on c1"]


def test_op_version_is_only_raised():
    assert op_version_step("90000", "100000") == 100000
    assert op_version_step(100000, 100000) is None
    assert op_version_step(100000, 90000) is None
    assert FILTERS["upgrade_op_version"]("100000", "90000") == 100000


# A brick glusterd lists online that a new client cannot reach: the state the lab's first upgrade run stopped
# in (2026-11-26, .lab/day2/rolling_upgrade-1.log: gu-a1's brick on 10.3 online, heal info from gu-c1 could
# not reach it, 2 entries pending "heal" for 180 attempts), from gluster_health's reading of heal info.
STALE_PORT_MAP = {"volumes": {"upg": {
    "status": "Started",
    "bricks": ["10.77.1.41:/bricks/brick1/upg", "10.77.2.41:/bricks/brick1/upg", "10.77.3.41:/bricks/brick1/upg"],
    "bricks_online": {"10.77.1.41:/bricks/brick1/upg": True, "10.77.2.41:/bricks/brick1/upg": True,
                      "10.77.3.41:/bricks/brick1/upg": True},
    "bricks_not_answering": ["10.77.1.41:/bricks/brick1/upg"], "heal_pending": 2, "split_brain": 0}}}


def test_a_brick_online_that_new_clients_cannot_reach_is_named():
    assert bricks_not_answering(STALE_PORT_MAP) == ["volume upg: 10.77.1.41:/bricks/brick1/upg"]
    assert FILTERS["upgrade_bricks_not_answering"](STALE_PORT_MAP) == ["volume upg: 10.77.1.41:/bricks/brick1/upg"]


def test_offline_bricks_and_stopped_volumes_are_not_counted_here():
    offline = copy.deepcopy(STALE_PORT_MAP)
    offline["volumes"]["upg"]["bricks_online"]["10.77.1.41:/bricks/brick1/upg"] = False   # the bricks check's
    assert bricks_not_answering(offline) == []
    stopped = copy.deepcopy(STALE_PORT_MAP)
    stopped["volumes"]["upg"]["status"] = "Stopped"
    assert bricks_not_answering(stopped) == []
    # gluster_health's heal_unknown(): no brick online, every brick "not answering", counts unknown
    none_online = {"volumes": {"v": {"status": "Started", "bricks_online": {"h:/b": False},
                                     "bricks_not_answering": ["h:/b"], "heal_pending": None}}}
    assert bricks_not_answering(none_online) == []
    assert bricks_not_answering({"volumes": {}}) == [] and bricks_not_answering(None) == []


def test_heal_info_that_cannot_reach_an_online_brick_is_read_as_not_answering():
    # the XML of `gluster volume heal upg info summary --xml` as 10.3 prints it for the state above (status
    # text as seen on the lab: "Transport endpoint is not connected", counts "-")
    xml = ET.fromstring(
        "<cliOutput><healInfo><bricks>"
        "<brick hostUuid='7bedc91b'><name>10.77.1.41:/bricks/brick1/upg</name>"
        "<status>Transport endpoint is not connected</status><totalNumberOfEntries>-</totalNumberOfEntries>"
        "<numberOfEntriesInHealPending>-</numberOfEntriesInHealPending></brick>"
        "<brick hostUuid='3bd77a1e'><name>10.77.2.41:/bricks/brick1/upg</name><status>Connected</status>"
        "<totalNumberOfEntries>1</totalNumberOfEntries><numberOfEntriesInHealPending>1</numberOfEntriesInHealPending>"
        "<numberOfEntriesInSplitBrain>0</numberOfEntriesInSplitBrain></brick>"
        "</bricks></healInfo></cliOutput>")
    read = read_heal_summary(xml)
    assert read["bricks_not_answering"] == ["10.77.1.41:/bricks/brick1/upg"] and read["heal_pending"] == 1
    vol = dict(STALE_PORT_MAP["volumes"]["upg"], **read)
    assert bricks_not_answering({"volumes": {"upg": vol}}) == ["volume upg: 10.77.1.41:/bricks/brick1/upg"]


def test_the_upgrade_names_exactly_the_bricks_gluster_health_reports_not_answering():
    # one rule (module_utils/gluster_health.py bricks_not_answering): the upgrade's list and the health
    # checks' "bricks" problem name the same bricks, for the lab's recorded state and its variants
    from ansible_collections.metrostor.gluster.plugins.module_utils import gluster_health, upgrade_plan
    assert upgrade_plan.health_bricks_not_answering is gluster_health.bricks_not_answering
    offline = copy.deepcopy(STALE_PORT_MAP)
    offline["volumes"]["upg"]["bricks_online"]["10.77.1.41:/bricks/brick1/upg"] = False
    stopped = copy.deepcopy(STALE_PORT_MAP)
    stopped["volumes"]["upg"]["status"] = "Stopped"
    for health in (STALE_PORT_MAP, offline, stopped):
        vol = health["volumes"]["upg"]
        facts = {"peers": [], "server_quorum": True, "server_quorum_ratio": "",
                 "volumes": {"upg": dict(vol, replica_sets=[vol["bricks"]])}}
        reported = [t for t in gluster_health.problems(facts).get("bricks", []) if "could not reach" in t]
        listed = FILTERS["upgrade_bricks_not_answering"](health)
        assert len(reported) == (1 if listed else 0), (reported, listed)
        assert all(entry.split(": ", 1)[1] in reported[0] for entry in listed)
    assert FILTERS["upgrade_bricks_not_answering"](STALE_PORT_MAP) == ["volume upg: 10.77.1.41:/bricks/brick1/upg"]

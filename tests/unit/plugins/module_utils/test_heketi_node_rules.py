"""One rule for what Heketi cannot change on a node (heketi_node_rules), applied by heketi_node and the
topology reconciler alike: the same refusal, before anything is sent."""
import copy

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_node_rules import unchangeable_node_change
from tests.unit.helpers import mutations, three_site_topology

NODE = {"cluster": "c1", "zone": 1, "hostnames": {"manage": ["a1"], "storage": ["10.0.1.10"]}}


def test_rule():
    assert unchangeable_node_change("a1", NODE) is None
    assert unchangeable_node_change("a1", NODE, cluster="c1", zone=1, storage="10.0.1.10") is None
    assert "in Heketi cluster c1, not c2" in unchangeable_node_change("a1", NODE, cluster="c2")
    assert "cannot move a node between zones" in unchangeable_node_change("a1", NODE, zone=2)
    assert "serves storage on 10.0.1.10, not 10.9.9.9" in unchangeable_node_change("a1", NODE, storage="10.9.9.9")


def test_node_module_and_reconciler_refuse_alike(run_module, heketi):
    topo = three_site_topology()
    run_module("heketi_topology", {"topology": topo})
    before = len(mutations(heketi))
    moved = copy.deepcopy(topo)
    moved["clusters"][0]["nodes"][0]["node"]["zone"] = 2
    by_topology = run_module("heketi_topology", {"topology": moved}, expect_fail=True)["msg"]
    by_node = run_module("heketi_node", {"manage": "a1", "storage": "10.0.1.10", "zone": 2}, expect_fail=True)["msg"]
    rule = unchangeable_node_change("a1", {"cluster": None, "zone": 1,
                                           "hostnames": {"storage": ["10.0.1.10"]}}, zone=2)
    assert rule in by_topology and rule in by_node
    restorage = copy.deepcopy(topo)
    restorage["clusters"][0]["nodes"][0]["node"]["hostnames"]["storage"] = ["10.0.1.99"]
    by_topology = run_module("heketi_topology", {"topology": restorage}, expect_fail=True)["msg"]
    by_node = run_module("heketi_node", {"manage": "a1", "storage": "10.0.1.99"}, expect_fail=True)["msg"]
    assert "Heketi cannot change a node's storage hostname" in by_topology and \
        "Heketi cannot change a node's storage hostname" in by_node
    assert len(mutations(heketi)) == before  # refused before anything was sent

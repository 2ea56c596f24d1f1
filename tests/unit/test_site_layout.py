"""The three-site quorum layout validation."""
import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import LayoutError, check_layout

SITES = {"a": {"zone": 1}, "b": {"zone": 2}, "c": {"zone": 3, "tiebreaker": True}}


def nodes(a, b, c):
    out = {}
    for site, count in (("a", a), ("b", b), ("c", c)):
        for i in range(count):
            out["%s%d" % (site, i + 1)] = site
    return out


@pytest.mark.parametrize("a,b,c", [(1, 1, 1), (2, 2, 1), (3, 3, 1), (2, 2, 3), (4, 4, 1)])
def test_safe_layouts(a, b, c):
    summary = check_layout(SITES, nodes(a, b, c))
    assert summary["per_site"] == {"a": a, "b": b, "c": c}
    assert summary["tiebreaker"] == "c"
    total = a + b + c
    assert all(left * 2 > total for left in summary["survivors_after_site_loss"].values())


def refused(*args, **kw):
    with pytest.raises(LayoutError) as err:
        check_layout(*args, **kw)
    return str(err.value)


def test_site_holding_half_is_refused():
    msg = refused(SITES, nodes(3, 1, 1))
    assert "losing site a (3 of 5 nodes) leaves 2 of 5 glusterd (40%)" in msg


def test_two_equal_sites_without_tiebreaker_node():
    msg = refused(SITES, nodes(2, 2, 0))
    assert "site c has 0 nodes; the three-site layout needs at least 1+1+1" in msg


def test_1_1_1_but_big_tiebreaker_ratio():
    # 1+1+1 keeps 2 of 3 (66%); a ratio of 70% would make any site loss fatal
    msg = refused(SITES, nodes(1, 1, 1), server_quorum_ratio="70%")
    assert "losing site a (1 of 3 nodes) leaves 2 of 3 glusterd (66%)" in msg


def test_needs_exactly_one_tiebreaker():
    msg = refused({"a": {"zone": 1}, "b": {"zone": 2}, "c": {"zone": 3}}, nodes(1, 1, 1))
    assert "two data sites and one tie-breaker site" in msg


def test_zones_must_differ():
    msg = refused({"a": {"zone": 1}, "b": {"zone": 1}, "c": {"zone": 3, "tiebreaker": True}}, nodes(1, 1, 1))
    assert "own positive Heketi zone number" in msg


def test_unknown_site():
    n = nodes(1, 1, 1)
    n["x1"] = "x"
    assert "host x1 is in site 'x'" in refused(SITES, n)


def test_replica_sets_across_sites():
    n = nodes(2, 2, 1)
    ok = {"v": [["a1", "b1", "c1"], ["a2", "b2", "c1"]]}
    check_layout(SITES, n, volumes=ok)
    msg = refused(SITES, n, volumes={"v": [["a1", "a2", "c1"]]})
    assert "volume v replica set 1 puts 2 bricks in site a" in msg
    msg = refused(SITES, n, volumes={"v": [["a1", "c1", "b1"]]})
    assert "arbiter brick (third) on b1 in site b, not in the tie-breaker site c" in msg
    assert "data brick on c1 in the tie-breaker site c" in msg
    assert "needs 3" in refused(SITES, n, volumes={"v": [["a1", "b1"]]})


def test_heketi_zones_and_tags_follow_sites():
    n = nodes(1, 1, 1)
    good = {"a1": {"zone": 1, "tags": {"arbiter": "disabled"}}, "b1": {"zone": 2, "tags": {"arbiter": "disabled"}},
            "c1": {"zone": 3, "tags": {"arbiter": "required"}}}
    check_layout(SITES, n, heketi_nodes=good)
    bad = dict(good, b1={"zone": 1, "tags": {"arbiter": "disabled"}}, c1={"zone": 3, "tags": {}})
    msg = refused(SITES, n, heketi_nodes=bad)
    assert "Heketi node b1 is in zone 1, but its site b is zone 2" in msg
    assert "Heketi node c1 in site c must be tagged arbiter=required" in msg


def test_every_problem_is_reported_at_once():
    err = pytest.raises(LayoutError, check_layout, SITES, nodes(3, 0, 0)).value
    assert len(err.problems) >= 3

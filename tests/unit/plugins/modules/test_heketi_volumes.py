"""heketi_volume and heketi_blockvolume against the real Heketi server and the emulation.

Both servers run with the heketi role's settings (zone checking strict, the
role's pre_request_volume_options) unless a test says otherwise.
"""
import pytest

from tests import real_heketi
from tests.unit.conftest import emulation_only
from tests.unit.helpers import mutations, three_site_topology

# What the heketi role configured server-wide before issue 9: every volume an arbiter volume.
OLD_ROLE_OPTIONS = {"pre_request_volume_options": "user.heketi.arbiter true, network.ping-timeout 4, "
                                                  "cluster.quorum-type auto, cluster.server-quorum-type server"}


@pytest.fixture
def stretched(run_module):
    run_module("heketi_topology", {"topology": three_site_topology()})


ARB = {"name": "pv1", "size": 10, "arbiter": True, "options": ["network.ping-timeout 5"]}


def arbiter_layout(heketi, name):
    """[(zone, role)] of a volume's bricks: the arbiter brick is 1/64 of a data brick."""
    bricks = heketi.brick_zones(heketi.volume(name))
    largest = max(size for _z, size, _n in bricks)
    return sorted((zone, "data" if size == largest else "arbiter") for zone, size, _n in bricks)


def test_arbiter_volume_places_arbiter_in_tiebreaker(run_module, heketi, stretched):
    r = run_module("heketi_volume", ARB, check=True)
    assert r["changed"] and heketi.volumes() == {}
    assert r["diff"]["after"]["pv1"] == {"size": 10, "durability": "replicate", "replica": 3, "gid": 0,
                                         "arbiter": True, "zone_checking": "server default", "block": False,
                                         "options": ["network.ping-timeout 5"]}
    r = run_module("heketi_volume", ARB)
    assert r["changed"] and r["actions"] == ["create volume pv1 (10 GiB)"]
    assert arbiter_layout(heketi, "pv1") == [(1, "data"), (2, "data"), (3, "arbiter")]
    assert [n for z, _s, n in heketi.brick_zones(heketi.volume("pv1")) if z == 3] == ["c1"]
    again = run_module("heketi_volume", ARB)
    assert not again["changed"] and again["actions"] == []
    assert not run_module("heketi_volume", {"name": "pv1", "arbiter": True})["changed"]  # options it has


def test_second_run_on_an_existing_volume_is_no_change(run_module, heketi, stretched):
    """The user's report: the second run for an existing volume failed instead of reporting no change
    (the volume carries the server's pre_request_volume_options too)."""
    args = {"name": "v", "size": 2}
    assert run_module("heketi_volume", args)["changed"]
    before = heketi.fingerprint()
    r = run_module("heketi_volume", args)
    assert not r["changed"] and r["actions"] == [] and heketi.fingerprint() == before
    r = run_module("heketi_volume", args, check=True)
    assert not r["changed"]


def test_plain_replica3_stays_plain(run_module, heketi, stretched):
    r = run_module("heketi_volume", {"name": "plain", "size": 2})
    assert r["diff"]["after"]["plain"]["arbiter"] is False
    sizes = set(size for _z, size, _n in heketi.brick_zones(heketi.volume("plain")))
    assert sizes == {2 * 1024 * 1024}  # three full data bricks, no small arbiter brick
    assert sorted(z for z, _s, _n in heketi.brick_zones(heketi.volume("plain"))) == [1, 2, 3]  # strict zones
    assert not run_module("heketi_volume", {"name": "plain", "size": 2})["changed"]
    r = run_module("heketi_volume", {"name": "plain", "size": 2, "arbiter": True}, expect_fail=True)
    assert "arbiter is False, wanted True" in r["msg"]
    # the role's server-wide options are on it (Heketi stores them with the volume)
    assert {"network.ping-timeout 4", "cluster.quorum-type auto", "cluster.server-quorum-type server"} <= \
        set(" ".join(o.split()) for o in heketi.volume("plain")["glustervolumeoptions"])


@pytest.mark.heketi_settings({"pre_request_volume_options": "network.ping-timeout 4, user.heketi.arbiter true"})
def test_heketi_option_after_comma_space_in_server_settings_is_ignored(run_module, heketi, stretched):
    """Heketi splits pre_request_volume_options at "," and keeps the space: " user.heketi.arbiter true"
    has the key "" for Heketi, so a user.heketi.* option only works first in the list (the role joins
    its list with ",", since this test showed it)."""
    heketi.do("POST", "/volumes", {"size": 2, "name": "raw",
                                   "durability": {"type": "replicate", "replicate": {"replica": 3}}})
    assert set(size for _z, size, _n in heketi.brick_zones(heketi.volume("raw"))) == {2 * 1024 * 1024}
    assert " user.heketi.arbiter true" in heketi.volume("raw")["glustervolumeoptions"]


@pytest.mark.heketi_settings(OLD_ROLE_OPTIONS)
def test_server_wide_arbiter_option_does_not_leak(run_module, heketi, stretched):
    """The user's report, with the heketi role's old pre_request_volume_options: every volume became an
    arbiter volume and none was idempotent.  The module now says arbiter true/false per volume."""
    run_module("heketi_volume", {"name": "plain", "size": 2})
    sizes = set(size for _z, size, _n in heketi.brick_zones(heketi.volume("plain")))
    assert sizes == {2 * 1024 * 1024}
    assert not run_module("heketi_volume", {"name": "plain", "size": 2})["changed"]
    run_module("heketi_volume", ARB)
    assert arbiter_layout(heketi, "pv1") == [(1, "data"), (2, "data"), (3, "arbiter")]
    assert not run_module("heketi_volume", ARB)["changed"]
    # the server-wide option is on the volume (first, as Heketi stores it), and overridden
    options = heketi.volume("plain")["glustervolumeoptions"]
    assert options[0] == "user.heketi.arbiter true" and "user.heketi.arbiter false" in options


@pytest.mark.heketi_settings({"pre_request_volume_options":
                                real_heketi.role_settings(volume_tls=True)["pre_request_volume_options"]})
def test_heketi_volume_tls_encrypts_every_new_volume(run_module, heketi, stretched):
    """heketi_volume_tls: the role's stretch options, then client.ssl and server.ssl on, on a volume the
    request did not ask TLS for (as a StorageClass's provisioner asks); the module stays idempotent."""
    run_module("heketi_volume", {"name": "dyn", "size": 2})
    options = heketi.volume("dyn")["glustervolumeoptions"]
    assert options[:5] == ["network.ping-timeout 4", "cluster.quorum-type auto", "cluster.server-quorum-type server",
                           "client.ssl on", "server.ssl on"], options
    assert not run_module("heketi_volume", {"name": "dyn", "size": 2})["changed"]
    assert "client.ssl on" not in real_heketi.role_settings()["pre_request_volume_options"]


def test_arbiter_chosen_in_options_as_a_storageclass_does(run_module, heketi, stretched):
    args = {"name": "sc", "size": 4, "options": ["user.heketi.arbiter true"]}
    r = run_module("heketi_volume", args)
    assert r["diff"]["after"]["sc"]["arbiter"] is True and r["diff"]["after"]["sc"]["options"] == []
    assert arbiter_layout(heketi, "sc") == [(1, "data"), (2, "data"), (3, "arbiter")]
    assert not run_module("heketi_volume", args)["changed"]
    assert not run_module("heketi_volume", {"name": "sc", "arbiter": True})["changed"]
    r = run_module("heketi_volume", dict(args, arbiter=False), expect_fail=True)
    assert "disagree" in r["msg"]
    r = run_module("heketi_volume", {"name": "x", "size": 1, "durability": "disperse", "disperse_data": 2,
                                     "disperse_redundancy": 1, "options": ["user.heketi.arbiter true"]},
                   expect_fail=True)
    assert "replica 3 arbiter 1" in r["msg"]


def test_volume_expand_and_no_shrink(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    r = run_module("heketi_volume", dict(ARB, size=15), check=True)
    assert r["changed"] and heketi.volume("pv1")["size"] == 10
    assert r["diff"]["before"]["pv1"]["size"] == 10 and r["diff"]["after"]["pv1"]["size"] == 15
    r = run_module("heketi_volume", dict(ARB, size=15))
    assert r["actions"] == ["expand volume pv1 by 5 GiB"] and r["volume"]["size"] == 15
    assert heketi.volume("pv1")["size"] == 15 and len(heketi.volume("pv1")["bricks"]) == 6  # a second set
    assert arbiter_layout(heketi, "pv1").count((3, "arbiter")) == 2
    assert not run_module("heketi_volume", dict(ARB, size=15))["changed"]
    r = run_module("heketi_volume", dict(ARB, size=5), expect_fail=True)
    assert "cannot shrink" in r["msg"]
    assert heketi.volume("pv1")["size"] == 15


def test_volume_immutable_mismatch_is_an_error(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    before = mutations(heketi)
    r = run_module("heketi_volume", dict(ARB, arbiter=False), expect_fail=True)
    assert "arbiter is True, wanted False" in r["msg"]
    r = run_module("heketi_volume", dict(ARB, options=["network.ping-timeout 9"]), expect_fail=True)
    assert "options ['network.ping-timeout 9'] are not set on it" in r["msg"]
    r = run_module("heketi_volume", dict(ARB, zone_checking="none", name="pv2"))
    r = run_module("heketi_volume", dict(ARB, zone_checking="strict", name="pv2"), expect_fail=True)
    assert "zone_checking is 'none', wanted 'strict'" in r["msg"]
    # the only volume request after the mismatches: pv2's creation
    assert [m for m in mutations(heketi)[len(before):] if m[1] == "/volumes"] == [("POST", "/volumes", 202)]


def test_volume_strict_zones_refuses_when_a_zone_is_missing(run_module, heketi):
    topo = three_site_topology()
    topo["clusters"][0]["nodes"] = [n for n in topo["clusters"][0]["nodes"] if n["node"]["zone"] != 3]
    run_module("heketi_topology", {"topology": topo})
    r = run_module("heketi_volume", {"name": "v", "size": 1}, expect_fail=True)
    assert "Failed to allocate new volume: No space" in r["msg"] and r["status"] == 500
    # the failure carries the request and Heketi's answer
    assert (r["method"], r["path"]) == ("POST", "/volumes") and "No space" in r["body"]
    assert heketi.volumes() == {}
    # zone checking none for this volume only: two bricks may share a zone
    r = run_module("heketi_volume", {"name": "v", "size": 1, "zone_checking": "none"})
    assert sorted(z for z, _s, _n in heketi.brick_zones(heketi.volume("v"))) in ([1, 1, 2], [1, 2, 2])
    assert not run_module("heketi_volume", {"name": "v", "size": 1, "zone_checking": "none"})["changed"]


def test_volume_input_errors(run_module, heketi, stretched):
    assert "size is required" in run_module("heketi_volume", {"name": "x"}, expect_fail=True)["msg"]
    r = run_module("heketi_volume", {"name": "x", "size": 5, "arbiter": True, "replica": 2}, expect_fail=True)
    assert "replica 3 arbiter 1" in r["msg"]
    assert "positive" in run_module("heketi_volume", {"name": "x", "size": 0}, expect_fail=True)["msg"]
    r = run_module("heketi_volume", {"name": "x", "size": 4, "durability": "disperse", "disperse_data": 4,
                                     "disperse_redundancy": 1}, expect_fail=True)
    assert "Invalid dispersion combination: 4+1" in r["msg"] and r["status"] == 400
    r = run_module("heketi_volume", {"name": "x", "size": 4, "block_restriction": "locked"}, expect_fail=True)
    assert "block-hosting volumes only" in r["msg"]
    assert heketi.volumes() == {}


def test_volume_delete(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    r = run_module("heketi_volume", {"name": "pv1", "state": "absent"}, check=True)
    assert r["changed"] and len(heketi.volumes()) == 1
    r = run_module("heketi_volume", {"name": "pv1", "state": "absent"})
    assert r["diff"]["after"] == {"pv1": None} and heketi.volumes() == {}
    assert not run_module("heketi_volume", {"name": "pv1", "state": "absent"})["changed"]
    # bricks were freed
    assert all(d["storage"]["used"] == 0 and not d["bricks"] for d in heketi.devices().values())


@emulation_only
def test_volume_clone(run_module, heketi, stretched):
    """emulation only: cloning a volume crashes the real server with the mock executor
    (index out of range, shared/heketi/README.md)."""
    run_module("heketi_volume", ARB)
    r = run_module("heketi_volume", {"name": "pv1-copy", "clone_from": "pv1"})
    assert r["changed"] and r["volume"]["name"] == "pv1-copy"
    assert not run_module("heketi_volume", {"name": "pv1-copy", "clone_from": "pv1"})["changed"]
    r = run_module("heketi_volume", {"name": "nope", "clone_from": "missing"}, expect_fail=True)
    assert "source volume missing does not exist" in r["msg"]


HOSTING = {"name": "bhv", "size": 10, "block": True, "arbiter": True}


def test_block_hosting_volume_lock_and_unlock(run_module, heketi, stretched):
    r = run_module("heketi_volume", dict(HOSTING, block_restriction="locked"), check=True)
    assert r["actions"] == ["create volume bhv (10 GiB)", "lock block-hosting volume bhv"]
    r = run_module("heketi_volume", dict(HOSTING, block_restriction="locked"))
    assert r["diff"]["after"]["bhv"]["block_restriction"] == "locked"
    assert heketi.volume("bhv")["block"] is True
    assert heketi.volume("bhv")["blockinfo"].get("restriction") == "locked"
    assert not run_module("heketi_volume", dict(HOSTING, block_restriction="locked"))["changed"]
    assert not run_module("heketi_volume", HOSTING)["changed"]  # restriction left alone
    # a locked hosting volume takes no new block volume
    r = run_module("heketi_blockvolume", {"name": "lun1", "size": 1}, expect_fail=True)
    assert "no block-hosting volume has room" in r["msg"]
    before = heketi.fingerprint()
    r = run_module("heketi_volume", dict(HOSTING, block_restriction="unrestricted"), check=True)
    assert r["changed"] and r["diff"]["before"]["bhv"]["block_restriction"] == "locked"
    assert r["diff"]["after"]["bhv"]["block_restriction"] == "unrestricted" and heketi.fingerprint() == before
    r = run_module("heketi_volume", dict(HOSTING, block_restriction="unrestricted"))
    assert r["actions"] == ["unlock block-hosting volume bhv"]
    assert not heketi.volume("bhv")["blockinfo"].get("restriction")
    assert not run_module("heketi_volume", dict(HOSTING, block_restriction="unrestricted"))["changed"]
    assert run_module("heketi_blockvolume", {"name": "lun1", "size": 1})["changed"]
    r = run_module("heketi_volume", dict(HOSTING, block=False), expect_fail=True)
    assert "block is True, wanted False" in r["msg"]


def test_blockvolume_lifecycle_masks_password(run_module, heketi, stretched):
    run_module("heketi_volume", HOSTING)
    args = {"name": "lun1", "size": 5, "auth": True, "hacount": 3}
    r = run_module("heketi_blockvolume", args, check=True)
    assert r["changed"] and heketi.blockvolumes() == {}
    r = run_module("heketi_blockvolume", args)
    assert r["changed"] and r["blockvolume"]["blockvolume"]["password"] == "********"
    real = list(heketi.blockvolumes().values())[0]["blockvolume"]["password"]
    assert r["chap_password"] == real and real != "********"
    # the user's report: auth=true was not idempotent (Heketi's block volume info has no "auth" field)
    again = run_module("heketi_blockvolume", args)
    assert not again["changed"] and again["actions"] == []
    r = run_module("heketi_blockvolume", dict(args, size=8), check=True)
    assert r["changed"] and list(heketi.blockvolumes().values())[0]["size"] == 5
    r = run_module("heketi_blockvolume", dict(args, size=8))
    assert r["actions"] == ["expand block volume lun1 to 8 GiB"] and list(heketi.blockvolumes().values())[0]["size"] == 8
    assert not run_module("heketi_blockvolume", dict(args, size=8))["changed"]
    assert "cannot shrink" in run_module("heketi_blockvolume", dict(args, size=2), expect_fail=True)["msg"]
    assert "cannot change" in run_module("heketi_blockvolume", dict(args, auth=False), expect_fail=True)["msg"]
    # the hosting volume cannot be deleted while it carries the block volume
    r = run_module("heketi_volume", {"name": "bhv", "state": "absent"}, expect_fail=True)
    assert r["status"] == 409
    run_module("heketi_blockvolume", {"name": "lun1", "state": "absent"})
    assert heketi.blockvolumes() == {}
    assert not run_module("heketi_blockvolume", {"name": "lun1", "state": "absent"})["changed"]


def test_blockvolume_without_hosting_volume_says_what_to_do(run_module, heketi, stretched):
    r = run_module("heketi_blockvolume", {"name": "lun1", "size": 1}, expect_fail=True)
    assert "Block Hosting Volume Creation is disabled" in r["msg"] and "block=true" in r["msg"]
    assert heketi.volumes() == {}


def test_blockvolume_without_auth_is_idempotent(run_module, heketi, stretched):
    run_module("heketi_volume", HOSTING)
    run_module("heketi_blockvolume", {"name": "lun2", "size": 1})
    assert not run_module("heketi_blockvolume", {"name": "lun2", "size": 1})["changed"]
    assert "cannot change" in run_module("heketi_blockvolume", {"name": "lun2", "auth": True},
                                         expect_fail=True)["msg"]


def test_info_reads_everything_and_changes_nothing(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    before = mutations(heketi)
    r = run_module("heketi_info", {"gather": ["clusters", "volumes"]})
    assert not r["changed"] and mutations(heketi) == before
    assert len(r["clusters"]) == 1
    assert [v["name"] for v in r["volumes"]] == ["pv1"]


def test_disperse_and_distribute_only(run_module, heketi, stretched):
    ec = {"name": "ec", "size": 8, "durability": "disperse", "disperse_data": 2, "disperse_redundancy": 1}
    r = run_module("heketi_volume", ec)
    assert r["diff"]["after"]["ec"]["disperse"] == "2+1" and len(r["volume"]["bricks"]) == 3
    assert {b["size"] for b in r["volume"]["bricks"]} == {4 * 1024 * 1024}  # 8 GiB over 2 data bricks
    assert not run_module("heketi_volume", ec)["changed"]
    r = run_module("heketi_volume", {"name": "plain", "size": 3, "durability": "none"})
    assert len(r["volume"]["bricks"]) == 1 and r["volume"]["durability"]["type"] == "none"
    assert not run_module("heketi_volume", {"name": "plain", "size": 3, "durability": "none"})["changed"]
    r = run_module("heketi_volume", {"name": "ec", "size": 8}, expect_fail=True)
    assert "durability is 'disperse', wanted 'replicate'" in r["msg"]


@emulation_only
def test_failed_volume_creation_changes_nothing(run_module, heketi, stretched):
    """emulation only: injects a failure of the volume's execution (fail_next); the mock executor never fails."""
    heketi.fail_next["POST /volumes"] = "Unable to execute command on 10.0.1.10: volume create: failed"
    r = run_module("heketi_volume", {"name": "v", "size": 1}, expect_fail=True)
    assert "volume create: failed" in r["msg"] and r["done"] == ["create volume v (1 GiB)"]
    assert heketi.volumes() == {}
    assert run_module("heketi_volume", {"name": "v", "size": 1})["changed"]

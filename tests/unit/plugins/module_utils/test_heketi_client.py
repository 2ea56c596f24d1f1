"""HeketiClient against the real Heketi server and the emulation (TEST DOUBLE)."""
import base64
import hashlib
import json

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import (
    HeketiClient,
    HeketiConflict,
    HeketiError,
    make_jwt,
    query_string_hash,
)
from tests.unit.conftest import emulation_only


def client(heketi, key="adminsecret", user="admin", **kw):
    kw.setdefault("sleep", lambda s: None)
    kw.setdefault("poll_interval", 0)
    return HeketiClient(heketi.url, user=user, key=key, **kw)


def claims_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_token_claims_follow_heketi():
    token = make_jwt("admin", "k", "GET", "/clusters", now=1000, lifetime=60)
    claims = claims_of(token)
    assert claims == {"iss": "admin", "iat": 1000, "exp": 1060, "qsh": query_string_hash("GET", "/clusters")}
    # sha256("GET&/clusters") as Heketi's middleware computes it
    assert claims["qsh"] == hashlib.sha256(b"GET&/clusters").hexdigest()


def test_fresh_token_per_request_including_queue_polls(heketi):
    c = client(heketi)
    cluster = c.cluster_create()
    node = c.node_add(cluster["id"], 1, "n1", "10.0.0.1")
    assert node["hostnames"]["manage"] == ["n1"]
    polls = [r for r in heketi.requests if r[1].startswith("/queue/")]
    assert polls and polls[-1][2] == 303 and all(s == 200 for _m, _p, s in polls[:-1])
    assert all(status != 401 for _m, _p, status in heketi.requests)


@emulation_only
def test_token_fresh_for_each_of_several_pending_polls(heketi):
    """emulation only: the real server (mock executor) finishes a node add before a third poll; the emulation
    can hold an operation pending for a set number of polls."""
    heketi.pending_polls = 3
    c = client(heketi)
    c.node_add(c.cluster_create()["id"], 1, "n1", "10.0.0.1")
    polls = [r for r in heketi.requests if r[1].startswith("/queue/")]
    assert [s for _m, _p, s in polls] == [200, 200, 200, 303]


def test_device_add_completes_with_204_and_no_id(heketi):
    c = client(heketi)
    cid = c.cluster_create()["id"]
    nid = c.node_add(cid, 1, "n1", "10.0.0.1")["id"]
    assert c.device_add(nid, "/dev/vdb") is None
    assert heketi.requests[-1][2] == 204
    assert [d["name"] for d in c.node_info(nid)["devices"]] == ["/dev/vdb"]


def test_wrong_secret_is_a_clear_401(heketi):
    with pytest.raises(HeketiError) as err:
        client(heketi, key="not-the-secret").cluster_list()
    assert err.value.status == 401
    assert "secrets may not match" in str(err.value)


def test_expired_token_is_rejected(heketi):
    with pytest.raises(HeketiError) as err:
        client(heketi, token_lifetime=-600).cluster_list()  # a token that expired 10 minutes ago
    assert err.value.status == 401 and "Token is expired by 10m" in str(err.value)


@emulation_only
def test_server_clock_far_ahead_rejects_fresh_tokens(heketi):
    """emulation only: needs the server's clock far ahead (the emulation's clock hook); the real
    server runs on this machine's clock."""
    heketi.clock = lambda: 10 ** 10
    with pytest.raises(HeketiError) as err:
        client(heketi).cluster_list()
    assert err.value.status == 401 and "expired" in str(err.value)


def test_token_for_another_path_fails_qsh(heketi):
    import urllib.request
    token = make_jwt("admin", "adminsecret", "GET", "/volumes")
    req = urllib.request.Request(heketi.url + "/clusters", headers={"Authorization": "bearer " + token})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req)
    assert err.value.code == 401
    assert err.value.read().decode().strip() == "Invalid qsh claim in token"


def test_missing_token_is_401(heketi):
    with pytest.raises(HeketiError) as err:
        client(heketi, key=None).cluster_list()
    assert err.value.status == 401 and "authorization token not found" in str(err.value)


def test_user_issuer_only_reaches_volumes(heketi):
    user = client(heketi, key="usersecret", user="user")
    assert user.volume_list() == []
    with pytest.raises(HeketiError) as err:
        user.cluster_list()
    assert "Administrator access required" in str(err.value)


@emulation_only
def test_429_is_retried_with_backoff(heketi):
    """emulation only: injects 429 answers (force_429)."""
    waits = []
    heketi.force_429 = 3
    c = client(heketi, sleep=waits.append, backoff=0.5)
    assert c.cluster_create()["id"]
    assert waits == [0.5, 1.0, 2.0]


@emulation_only
def test_429_gives_up_after_retries(heketi):
    """emulation only: injects 429 answers (force_429)."""
    heketi.force_429 = 10
    with pytest.raises(HeketiError) as err:
        client(heketi, retries=2).cluster_create()
    assert err.value.status == 429


def test_uncollected_operations_do_not_hold_the_throttle(heketi):
    """Heketi's throttle counts operations still running, not finished ones nobody collected
    (apps/glusterfs/operations_manage.go); a client may leave queue entries unread."""
    c = client(heketi)
    cid = c.cluster_create()["id"]
    statuses = [c._raw("POST", "/nodes", {"cluster": cid, "zone": 1,
                                          "hostnames": {"manage": ["n%d" % i], "storage": ["n%d" % i]}}).status
                for i in range(12)]
    assert statuses == [202] * 12
    assert c.node_add(cid, 1, "last", "last")["hostnames"]["manage"] == ["last"]


@emulation_only
def test_failed_operation_reports_heketi_text(heketi):
    """emulation only: injects a failed operation (fail_next); the mock executor never fails a peer probe."""
    c = client(heketi)
    cid = c.cluster_create()["id"]
    heketi.fail_next["POST /nodes"] = "Unable to peer probe n1: connection refused"
    with pytest.raises(HeketiError) as err:
        c.node_add(cid, 1, "n1", "10.0.0.1")
    assert err.value.status == 500
    assert "Unable to peer probe n1" in str(err.value)


def test_conflict_is_typed(heketi):
    c = client(heketi)
    cid = c.cluster_create()["id"]
    c.node_add(cid, 1, "n1", "10.0.0.1")
    with pytest.raises(HeketiConflict) as err:
        c.cluster_delete(cid)
    assert "contains volumes and/or nodes" in str(err.value)


def test_unreachable_server_is_retried_then_clear():
    waits = []
    c = HeketiClient("http://127.0.0.1:9", key="k", retries=2, backoff=0.25, sleep=waits.append, timeout=2)
    with pytest.raises(HeketiError) as err:
        c.cluster_list()
    assert "Cannot reach Heketi at http://127.0.0.1:9" in str(err.value)
    assert waits == [0.25, 0.5] and c.calls == 3


@pytest.mark.parametrize("url", ["", "heketi:8080", "ftp://heketi"])
def test_bad_url(url):
    with pytest.raises(HeketiError):
        HeketiClient(url)

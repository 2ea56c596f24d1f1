"""Lose site a while a client writes to a replica 3 arbiter 1 volume whose arbiter is in the
tie-breaker site: writes stall for at most 10 s and no acknowledged write is lost."""
import os
import sys

import pytest

testinfra_hosts = ["gl-b1"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "lab"))

import site_loss  # noqa: E402


@pytest.fixture(scope="module")
def outcome():
    return site_loss.run(vol="stretchtest", ping_timeout=4)


def test_write_stall_at_most_10_seconds(outcome):
    assert outcome["stall_seconds"] <= 10, outcome


def test_no_acknowledged_write_lost(outcome):
    assert outcome["acknowledged"] > 100 and outcome["lost"] == 0, outcome


def test_heal_completes_and_data_bricks_agree(outcome):
    assert outcome["heal_pending"] == 0 and outcome["data_bricks_identical"], outcome


def test_site_a_back_in_pool(host):
    out = host.check_output("gluster --mode=script pool list")
    assert "Disconnected" not in out

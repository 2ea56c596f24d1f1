"""The NFS site-loss checks, one copy for every lab scenario that runs them (pytest).

molecule/nfs (the NFS path's own scenario) and molecule/stretch (the CI lab run,
tests/lab.sh) import the fixture and the tests from here:

    sys.path.insert(0, os.path.join(ROOT, "lab"))
    from nfs_site_loss_checks import *  # noqa: F401,F403

The fixture runs lab/nfs_site_loss.py once per module: site a, whose head holds the
floating address, is cut CUT_SECONDS (longer than the MAX_STALL_SECONDS allowed, so a
stall that only ends when the site returns fails) while k8s-b1 writes fsync'ed records
through the floating address; it returns once self-heal has nothing pending and the
trusted pool is whole again, so the next test of the scenario starts from a whole pool.
"""
import pytest

import nfs_site_loss

__all__ = ["nfs_site_loss_outcome", "test_nfs_stall_at_most_30_seconds", "test_nfs_no_acknowledged_write_lost",
           "test_nfs_address_moved_to_site_b", "test_nfs_heal_completes_and_data_bricks_agree",
           "test_nfs_pool_whole_again"]

CLIENT = "k8s-b1"
CUT_SECONDS = 45
MAX_STALL_SECONDS = 30


@pytest.fixture(scope="module")
def nfs_site_loss_outcome():
    result = nfs_site_loss.run(client=CLIENT, during=CUT_SECONDS)
    print(result)
    return result


def test_nfs_stall_at_most_30_seconds(nfs_site_loss_outcome):
    assert nfs_site_loss_outcome["stall_seconds"] <= MAX_STALL_SECONDS, nfs_site_loss_outcome


def test_nfs_no_acknowledged_write_lost(nfs_site_loss_outcome):
    assert nfs_site_loss_outcome["acknowledged"] > 50 and nfs_site_loss_outcome["lost"] == 0, nfs_site_loss_outcome


def test_nfs_address_moved_to_site_b(nfs_site_loss_outcome):
    assert nfs_site_loss_outcome["head_before"] == "gl-a1" and nfs_site_loss_outcome["head_after"] == ["gl-b1"], \
        nfs_site_loss_outcome


def test_nfs_heal_completes_and_data_bricks_agree(nfs_site_loss_outcome):
    assert nfs_site_loss_outcome["heal_pending"] == 0 and nfs_site_loss_outcome["data_bricks_identical"], \
        nfs_site_loss_outcome


def test_nfs_pool_whole_again(nfs_site_loss_outcome):
    assert nfs_site_loss_outcome["pool_disconnected"] == [], nfs_site_loss_outcome

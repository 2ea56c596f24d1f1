"""A brick disk dies under write load (its loop device fails every I/O and disappears), a new disk
goes into the slot, replace_device.yml rebuilds the bricks (reset-brick commit force) and waits for
heal; then the same for the Heketi disk (online, offline, failed, deleted; the new one added).  The CI
stage (molecule/day2_ci) runs the brick disk's tests (marked day2_ci), not the Heketi disk's."""
import pytest


@pytest.fixture(scope="module")
def brick_disk(ops, keep_outcome):
    return keep_outcome("replace_device_brick_disk", ops.replace_device("gl-a2", "vdb"))


@pytest.fixture(scope="module")
def heketi_disk(ops, keep_outcome, brick_disk):
    return keep_outcome("replace_device_heketi_disk", ops.replace_device("gl-a2", "vdc"))


@pytest.mark.day2_ci
def test_an_empty_slot_is_refused_before_any_change(brick_disk):
    assert brick_disk["empty_slot_rc"] != 0 and brick_disk["empty_slot_refusal"], brick_disk
    assert brick_disk["empty_slot_changed"] == 0, brick_disk


@pytest.mark.day2_ci
def test_brick_disk_replaced_under_load_nothing_lost(brick_disk, nothing_lost):
    assert brick_disk["rc"] == 0 and brick_disk["changed"] > 0, brick_disk
    nothing_lost(brick_disk)


@pytest.mark.day2_ci
def test_brick_disk_second_run_changes_nothing(brick_disk):
    assert brick_disk["second_rc"] == 0 and brick_disk["second_changed"] == 0, brick_disk


def test_heketi_disk_replaced_under_load(heketi_disk, nothing_lost):
    assert heketi_disk["rc"] == 0 and heketi_disk["changed"] > 0, heketi_disk
    assert heketi_disk["second_rc"] == 0 and heketi_disk["second_changed"] == 0, heketi_disk
    nothing_lost(heketi_disk)


def test_heketi_device_is_new_and_online(ops, heketi_disk):
    info = ops.module_json(ops.ansible("gl-c1", "metrostor.gluster.heketi_device",
                                       "node=10.77.1.12 name=/dev/vdc state=present " + ops.HEKETI_ON_C1))
    assert info["device"]["state"] == "online" and info["changed"] is False, info

"""Heketi's site (c) is cut under write load; heketi_failover.yml starts Heketi on the standby in site a
on the DB kept on the replicated DB volume and moves its service name; a volume is created and deleted
there and no DB entry made before the cut is lost; once site c is back the old Heketi is fenced; moving
back is refused while the standby answers, and done with force."""
import pytest


@pytest.fixture(scope="module")
def outcome(ops, keep_outcome):
    return keep_outcome("heketi_failover", ops.heketi_failover("gl-a2", "gl-c1", "c"))


def test_prepared_idempotently(outcome):
    assert outcome["prepare_rc"] == 0 and outcome["prepare_second_changed"] == 0, outcome


def test_failover_under_load_nothing_lost(outcome, nothing_lost):
    # rc 4 is ansible-playbook's code for unreachable hosts: the cut site's, which the playbook goes on without
    assert outcome["ok"] and outcome["unreachable"] == ["gl-c1"] and outcome["changed"] > 0, outcome
    assert outcome["second_ok"] and outcome["second_changed"] == 0, outcome
    nothing_lost(outcome)


def test_no_db_entry_lost_and_volumes_work_on_the_standby(outcome):
    assert outcome["db_entries_before_cut"] > 10 and outcome["db_entries_lost"] == [], outcome
    # the volume made just before the cut (its id, not an error message) is among them
    assert outcome["volume_before_cut_kept"], outcome
    assert outcome["volume_created_and_deleted"], outcome


def test_service_name_moved_with_a_valid_certificate(outcome):
    assert outcome["service_name"] == {"address": "10.77.1.12", "answers_with_valid_certificate": True}, outcome


def test_old_heketi_fenced_when_its_site_returns(outcome):
    # the returning site's bricks (the DB volume's arbiter among them) caught up before the fence
    assert outcome["heal_pending_after_site_back"] == {}, outcome
    assert outcome["fence_rc"] == 0 and outcome["fence_changed"] > 0, outcome
    assert outcome["after_fence_rc"] == 0 and outcome["after_fence_changed"] == 0, outcome


def test_moving_back_refused_while_the_standby_answers_then_forced(outcome):
    assert outcome["refused_while_answering"] and outcome["refused_changed"] == 0, outcome
    assert outcome["back_rc"] == 0 and outcome["home_again"]["address"] == "10.77.3.11", outcome

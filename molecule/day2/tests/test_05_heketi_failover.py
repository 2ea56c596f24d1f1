"""Heketi's site (c) is cut under write load; heketi_failover.yml starts Heketi on the standby in site a
on the DB kept on the replicated DB volume and moves its service name; a volume is created and deleted
there and no DB entry made before the cut is lost; once site c is back the old Heketi is fenced; moving
back is refused while the standby answers, and done with force.

The CI stage (molecule/day2_ci, METROSTOR_DAY2_TRIMMED=1) runs the trimmed operation and the tests marked
day2_ci: the standby prepared once, the failover and its second run under load, the DB and volume checks,
the heal after the site's return, and Heketi moved home with force; the standby's idempotence run, the
fence run and the refused move back are the full scenario's (tests/lab-day2.sh)."""
import pytest
from conftest import TRIMMED


@pytest.fixture(scope="module")
def outcome(ops, keep_outcome):
    return keep_outcome("heketi_failover", ops.heketi_failover("gl-a2", "gl-c1", "c", trimmed=TRIMMED))


@pytest.mark.day2_ci
def test_prepared(outcome):
    assert outcome["prepare_rc"] == 0, outcome


def test_prepared_idempotently(outcome):
    assert outcome["prepare_rc"] == 0 and outcome["prepare_second_changed"] == 0, outcome


@pytest.mark.day2_ci
def test_failover_under_load_nothing_lost(outcome, nothing_lost):
    # rc 4 is ansible-playbook's code for unreachable hosts: the cut site's, which the playbook goes on without
    assert outcome["ok"] and outcome["unreachable"] == ["gl-c1"] and outcome["changed"] > 0, outcome
    assert outcome["second_ok"] and outcome["second_changed"] == 0, outcome
    nothing_lost(outcome)


@pytest.mark.day2_ci
def test_no_db_entry_lost_and_volumes_work_on_the_standby(outcome):
    assert outcome["db_entries_before_cut"] > 10 and outcome["db_entries_lost"] == [], outcome
    # the volume made just before the cut (its id, not an error message) is among them
    assert outcome["volume_before_cut_kept"], outcome
    assert outcome["volume_created_and_deleted"], outcome


@pytest.mark.day2_ci
def test_service_name_moved_with_a_valid_certificate(outcome):
    assert outcome["service_name"] == {"address": "10.77.1.12", "answers_with_valid_certificate": True}, outcome


@pytest.mark.day2_ci
def test_every_volume_heals_when_its_site_returns(outcome):
    # the returning site's bricks (the DB volume's arbiter among them) caught up before Heketi moves again
    assert outcome["heal_pending_after_site_back"] == {}, outcome


def test_old_heketi_fenced_when_its_site_returns(outcome):
    assert outcome["fence_rc"] == 0 and outcome["fence_changed"] > 0, outcome
    assert outcome["after_fence_rc"] == 0 and outcome["after_fence_changed"] == 0, outcome


def test_moving_back_refused_while_the_standby_answers(outcome):
    assert outcome["refused_while_answering"] and outcome["refused_changed"] == 0, outcome


@pytest.mark.day2_ci
def test_moved_home_with_force(outcome):
    assert outcome["back_rc"] == 0, outcome
    assert outcome["home_again"] == {"address": "10.77.3.11", "answers_with_valid_certificate": True}, outcome
    # read-write there (Heketi opens its DB read-only, silently, when another one holds the lock)
    assert outcome["home_read_write"], outcome

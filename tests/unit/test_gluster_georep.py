"""gluster_georep: plan-then-apply of a geo-replication session, idempotence, check mode,
diff, checkpoints, and the refusals glusterd reports, explained.

The module runs in-process against tests/unit/georep_fake.py (a TEST DOUBLE of the
gluster CLI, answering with the shapes recorded on the lab)."""
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.metrostor.gluster.plugins.modules import gluster_georep
from tests.unit.conftest import ModuleExit, _exit_json, _fail_json
from tests.unit.georep_fake import FakeGeorep

BASE = {"master_volume": "drvol", "slave_host": "10.77.4.11", "slave_volume": "drvol"}


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)
    monkeypatch.setattr(gluster_georep.time, "sleep", lambda s: None)

    def runner(fake, args, check=False, diff=True, expect_fail=False):
        monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, name, required=False: "/usr/sbin/" + name)
        monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, cmd, **kw: fake.run_command(cmd))
        full = dict(BASE, **args)
        full["_ansible_check_mode"] = check
        full["_ansible_diff"] = diff
        with patch_module_args(full):
            with pytest.raises(ModuleExit) as info:
                gluster_georep.main()
        assert info.value.failed == expect_fail, info.value.result
        return info.value.result

    return runner


def test_create_start_and_configure_then_idempotent(run):
    fake = FakeGeorep()
    out = run(fake, {"config": {"use-meta-volume": True, "sync_jobs": 3}})
    assert out["changed"]
    assert out["actions"] == [
        "volume geo-replication drvol 10.77.4.11::drvol create push-pem",
        "volume geo-replication drvol 10.77.4.11::drvol config sync_jobs 3",
        "volume geo-replication drvol 10.77.4.11::drvol config use_meta_volume true",
        "volume geo-replication drvol 10.77.4.11::drvol start"]
    assert fake.state == "Started" and fake.config["use_meta_volume"] == "true"
    assert out["session"]["status"] == "Started"
    assert out["session"]["worker_states"] == ["Active", "Passive"]
    assert out["diff"]["before"] == {"exists": False, "status": None,
                                     "config": {"use_meta_volume": None, "sync_jobs": None}}
    assert out["diff"]["after"]["status"] == "Started"
    again = run(fake, {"config": {"use_meta_volume": "yes", "sync-jobs": "3"}})
    assert not again["changed"] and again["actions"] == []
    assert len(fake.changes) == 4


def test_check_mode_plans_and_changes_nothing(run):
    fake = FakeGeorep()
    out = run(fake, {"config": {"use_meta_volume": True}}, check=True)
    assert out["changed"] and len(out["actions"]) == 3
    assert fake.changes == [] and not fake.exists
    started = FakeGeorep(exists=True, state="Started")
    out = run(started, {"state": "absent"}, check=True)
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol stop",
                              "volume geo-replication drvol 10.77.4.11::drvol delete"]
    assert started.changes == [] and started.exists


@pytest.mark.parametrize("start,state,actions,end", [
    ("Started", "stopped", ["stop"], "Stopped"),
    ("Stopped", "started", ["start"], "Started"),
    ("Started", "paused", ["pause"], "Paused"),
    ("Paused", "started", ["resume"], "Started"),
    ("Paused", "stopped", ["stop force"], "Stopped"),
    ("Created", "paused", ["start", "pause"], "Paused"),
    ("Stopped", "absent", ["delete"], None),
    ("Paused", "absent", ["stop force", "delete"], None),
])
def test_state_transitions(run, start, state, actions, end):
    fake = FakeGeorep(exists=True, state=start)
    out = run(fake, {"state": state})
    assert [a.split("::drvol ", 1)[1] for a in out["actions"]] == actions
    assert (fake.state if fake.exists else None) == end
    assert not run(fake, {"state": state})["changed"]


def test_absent_when_missing_is_a_noop(run):
    out = run(FakeGeorep(), {"state": "absent", "reset_sync_time": True})
    assert not out["changed"] and out["actions"] == []


def test_delete_with_reset_sync_time(run):
    fake = FakeGeorep(exists=True, state="Stopped")
    out = run(fake, {"state": "absent", "reset_sync_time": True})
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol delete reset-sync-time"]


def test_checkpoint_waits_for_completion(run):
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=3)
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 60})
    assert out["changed"]
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol config checkpoint now"]
    assert out["session"]["checkpoint"] == {"time": "2026-11-26 08:00:00", "completed": True,
                                            "completion_time": "2026-11-26 08:00:07"}
    # the write that lets the checkpoint complete, through an internal-client mount
    assert len(fake.markers) == 1 and fake.markers[0].startswith("checkpoint set ")


def test_checkpoint_timeout_fails_with_last_synced(run, monkeypatch):
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=10 ** 6)
    clock = iter(range(0, 10 ** 6, 5))
    monkeypatch.setattr(gluster_georep.time, "time", lambda: next(clock))
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 30}, expect_fail=True)
    assert out["failure_kind"] == "checkpoint_timeout"
    assert "did not complete within 30 s" in out["msg"] and "2026-11-26 07:59:58" in out["msg"]


def test_checkpoint_needs_started(run):
    fake = FakeGeorep(exists=True, state="Started")
    out = run(fake, {"checkpoint": True, "state": "stopped"}, expect_fail=True)
    assert "checkpoint=true needs state=started" in out["msg"] and fake.changes == []


def test_non_root_user_and_ssh_port(run):
    fake = FakeGeorep()
    out = run(fake, {"slave_user": "geoaccount", "ssh_port": 2222, "state": "stopped"})
    assert out["actions"] == ["volume geo-replication drvol geoaccount@10.77.4.11::drvol create ssh-port 2222 push-pem"]


def test_master_volume_missing_refused_before_anything(run):
    fake = FakeGeorep(master_exists=False)
    out = run(fake, {}, expect_fail=True)
    assert out["failure_kind"] == "master_volume_missing" and "does not exist in this node's pool" in out["msg"]
    assert fake.changes == []


# glusterd's refusals of `create`, as GlusterFS 10.3 words them (gverify.sh writes them; glusterd
# returns them in opErrstr).  The recorded ones are in tests/unit/fixtures/gluster/georep_create_*.xml.
REFUSALS = [
    ("ssh_refused", "Passwordless ssh login has not been setup with 10.77.4.11 for user root.",
     "cannot log in to the slave host over SSH"),
    ("slave_unreachable", "10.77.4.11 not reachable.", "cannot open a TCP connection"),
    ("slave_not_empty", "10.77.4.11::drvol is not empty. Please delete existing files in 10.77.4.11::drvol and "
                        "retry, or use force to continue without deleting the existing files.",
     "already holds files"),
    ("version_mismatch", "Gluster version mismatch between master and slave. Master version: 100300 "
                         "Slave version: 90200", "different GlusterFS versions"),
    ("slave_volume_missing", "Unable to mount and fetch slave volume details. Please check the log: "
                             "/var/log/glusterfs/geo-replication/gverify-slavemnt.log",
     "does not exist or is not started"),
]


@pytest.mark.parametrize("kind,message,explanation", REFUSALS)
def test_create_refusals_explained(run, kind, message, explanation):
    fake = FakeGeorep(create_error=message)
    out = run(fake, {"config": {"use_meta_volume": True}}, expect_fail=True)
    assert out["failure_kind"] == kind
    assert explanation in out["msg"] and message in out["msg"]
    assert out["actions"] == [] and not out["changed"] and fake.changes == []


def test_failure_after_some_steps_reports_them(run):
    fake = FakeGeorep(exists=True, state="Paused")
    fake.do_resume = lambda slave, rest: (0, "<cliOutput><opRet>-1</opRet><opErrstr>resume failed</opErrstr></cliOutput>", "")
    out = run(fake, {"config": {"sync_jobs": 4}}, expect_fail=True)
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol config sync_jobs 4"]
    assert out["changed"] and "resume failed" in out["msg"]


def test_present_creates_without_starting_and_leaves_run_state(run):
    fake = FakeGeorep()
    out = run(fake, {"state": "present"})
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol create push-pem"]
    assert fake.state == "Created"
    fake.state = "Started"
    assert not run(fake, {"state": "present"})["changed"] and fake.state == "Started"


def test_new_checkpoint_not_mistaken_for_the_previous_completed_one(run):
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=0)
    fake.checkpoint_time = "2026-11-26 07:00:00"   # an earlier checkpoint, completed
    fake.checkpoint_needs_write_done = True
    answers = []
    real_set = fake.do_config

    def slow_config(slave, rest):
        # the status still shows the old checkpoint for two polls after the set
        if rest == ["checkpoint", "now"]:
            answers.append("set")
            out = real_set(slave, rest)
            fake.checkpoint_time, fake.pending_new = "2026-11-26 07:00:00", 2
            return out
        return real_set(slave, rest)

    real_status = fake.do_status

    def lagging_status(slave, rest):
        if getattr(fake, "pending_new", 0):
            fake.pending_new -= 1
            if not fake.pending_new:
                fake.checkpoint_time, fake.polls_since_checkpoint = "2026-11-26 08:00:00", 0
        return real_status(slave, rest)

    fake.do_config, fake.do_status = slow_config, lagging_status
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 60})
    assert answers == ["set"]
    assert out["session"]["checkpoint"]["time"] == "2026-11-26 08:00:00" and out["session"]["checkpoint"]["completed"]


# -- parsing what GlusterFS 10.3 printed on the lab (tests/unit/fixtures/gluster/georep_*.xml) ----------
def recorded_root(name):
    import os
    import xml.etree.ElementTree as ET
    return ET.parse(os.path.join(os.path.dirname(__file__), "fixtures", "gluster", name)).getroot()


def test_recorded_status_detail_started():
    from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_georep import parse_status
    sessions = parse_status(recorded_root("georep_status_detail_started.xml"))
    assert len(sessions) == 1
    s = sessions[0]
    assert (s["master_volume"], s["slave_host"], s["slave_volume"], s["slave_user"]) == (
        "drvol", "10.77.4.11", "drvol", "root")
    assert s["status"] == "Started" and s["worker_states"] == ["Active", "Passive"]
    assert s["crawl_status"] == ["Changelog Crawl"] and s["last_synced"] == "2026-11-26 09:23:12"
    assert s["checkpoint"] is None
    assert sorted(w["master_node"] for w in s["workers"]) == ["10.77.1.11", "10.77.2.11", "10.77.3.11"]
    assert [w["master_brick"] for w in s["workers"]] == ["/bricks/brick1/drvol"] * 3


def test_recorded_config():
    from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_georep import parse_config
    config = parse_config(recorded_root("georep_config.xml"))
    assert config["use_meta_volume"] == "true" and config["checkpoint"] == "0"
    assert config["change_detector"] == "changelog" and config["rsync_command"] == "rsync"


def test_older_master_slave_names_parse_the_same():
    """GlusterFS up to 9 names the sides master/slave in the same XML."""
    import xml.etree.ElementTree as ET
    from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_georep import parse_status
    import os
    text = open(os.path.join(os.path.dirname(__file__), "fixtures", "gluster",
                             "georep_status_detail_started.xml")).read()
    for new, old in (("session_secondary", "session_slave"), ("primary_", "master_"), ("secondary_", "slave_"),
                     ("<secondary>", "<slave>"), ("</secondary>", "</slave>")):
        text = text.replace(new, old)
    assert "primary" not in text and "secondary" not in text
    old_sessions = parse_status(ET.fromstring(text))
    new_sessions = parse_status(recorded_root("georep_status_detail_started.xml"))
    for sess in old_sessions + new_sessions:
        sess.pop("slave")
    assert old_sessions == new_sessions


def test_marker_rewritten_until_the_checkpoint_completes(run, monkeypatch):
    """On the lab a marker written during a new session's first crawl was absorbed by it and the
    checkpoint never completed: the module writes the marker again every 20 s while it waits."""
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=0, writes_needed=3)
    clock = iter(range(0, 10 ** 6, 3))
    monkeypatch.setattr(gluster_georep.time, "time", lambda: next(clock))
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 300})
    assert out["session"]["checkpoint"]["completed"] and len(fake.markers) == 3


def test_stalled_checkpoint_restarts_the_session_after_a_fresh_marker(run, monkeypatch):
    """On the lab (GlusterFS 10.3) an Active worker's live changelog crawl sometimes received nothing, so
    the checkpoint never completed; a restart's history crawl takes the writes made before it."""
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=0, live_crawl_deaf=True)
    clock = iter(range(0, 10 ** 6, 2))
    monkeypatch.setattr(gluster_georep.time, "time", lambda: next(clock))
    slept = []
    monkeypatch.setattr(gluster_georep.time, "sleep", slept.append)
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 300, "restart_stalled_after": 60})
    assert out["changed"] and out["session"]["checkpoint"]["completed"]
    session = "volume geo-replication drvol 10.77.4.11::drvol "
    assert out["actions"] == [session + "config checkpoint now",
                              "write .metrostor-georep-checkpoint on drvol (internal client), the checkpoint "
                              "having stalled",
                              session + "stop force", session + "start force"]
    # the marker written before the restart, then time for its changelog to roll over
    assert fake.markers[-1].startswith("restart ") and gluster_georep.CHANGELOG_SETTLE_SECONDS in slept
    assert fake.changes[-2:] == ["stop force", "start force"]


def test_stalled_checkpoint_without_restart_times_out(run, monkeypatch):
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=0, live_crawl_deaf=True)
    clock = iter(range(0, 10 ** 6, 2))
    monkeypatch.setattr(gluster_georep.time, "time", lambda: next(clock))
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 300}, expect_fail=True)
    assert out["failure_kind"] == "checkpoint_timeout" and "stop" not in " ".join(fake.changes)


def test_waiting_on_a_completed_checkpoint_restarts_nothing(run):
    fake = FakeGeorep(exists=True, state="Started", checkpoint_polls=0)
    run(fake, {"checkpoint": True})
    before = list(fake.changes)
    out = run(fake, {"checkpoint_timeout": 300, "restart_stalled_after": 1})
    assert not out["changed"] and out["actions"] == [] and fake.changes == before


def test_negative_restart_stalled_after_refused(run):
    fake = FakeGeorep(exists=True, state="Started")
    out = run(fake, {"checkpoint": True, "checkpoint_timeout": 30, "restart_stalled_after": -1}, expect_fail=True)
    assert "restart_stalled_after must be 0" in out["msg"] and fake.changes == []


def test_session_unknown_to_a_replaced_peer_is_given_to_it_with_create_force(run):
    """Seen on the lab: gl-b2, replaced by the day-2 tests after drvol's session was created, did not
    know the session; every command of it failed ("Staging failed on 10.77.2.12. Error: Geo-replication
    session between drvol and 10.77.4.11::drvol does not exist.") and the module, reading that as no
    session, tried a plain create, refused because the DR copy holds the data."""
    fake = FakeGeorep(exists=True, state="Stopped", config={"use_meta_volume": "true", "checkpoint": "0"},
                      missing_on=["10.77.2.12"])
    planned = run(fake, {"config": {"use_meta_volume": True}}, check=True)
    assert planned["changed"] and planned["actions"][0] == \
        "volume geo-replication drvol 10.77.4.11::drvol create push-pem force"
    assert fake.changes == [] and fake.missing_on == ["10.77.2.12"]
    out = run(fake, {"config": {"use_meta_volume": True}})
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol create push-pem force",
                              "volume geo-replication drvol 10.77.4.11::drvol config use_meta_volume true",
                              "volume geo-replication drvol 10.77.4.11::drvol start"]
    assert fake.missing_on == [] and fake.state == "Started"
    assert run(fake, {"config": {"use_meta_volume": True}})["actions"] == []


def test_session_unknown_to_a_peer_then_deleted(run):
    fake = FakeGeorep(exists=True, state="Stopped", missing_on=["10.77.2.12"])
    out = run(fake, {"state": "absent"})
    assert out["actions"] == ["volume geo-replication drvol 10.77.4.11::drvol create push-pem force",
                              "volume geo-replication drvol 10.77.4.11::drvol delete"]
    assert not fake.exists

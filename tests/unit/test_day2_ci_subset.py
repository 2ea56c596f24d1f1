"""The CI stage of the day-2 operations (molecule/day2_ci) holds what the issue's done-when names: the
playbooks under load in the lab in CI.  Its tests are molecule/day2's, selected by the `day2_ci` mark
(each test is written once, there): three refusals, the brick disk replaced, the node replaced and the
scale-out (each under load, each playbook run twice), and the trimmed Heketi failover; no converge of
its own; a cleanup before and after that puts the lab back.  This collects the tests as molecule's verifier would, without the lab, and checks the trimmed switch."""
import os

import yaml

from tests.unit import molecule_subset

ROOT = molecule_subset.ROOT
SCENARIO = os.path.join(ROOT, "molecule", "day2_ci")
day2_operations = molecule_subset.lab_module("day2_operations")


def scenario():
    return molecule_subset.scenario("day2_ci")


def selected_by_file():
    return molecule_subset.tests_by_file("day2_ci", "-W", "error::pytest.PytestUnknownMarkWarning")


def test_the_stage_is_three_refusals_the_brick_disk_the_node_the_scale_out_and_the_trimmed_failover():
    by_file = selected_by_file()
    assert by_file == {
        "test_01_bad_input.py": {"test_replacing_a_healthy_node_is_refused",
                                 "test_a_scale_out_with_two_copies_in_one_site_is_refused",
                                 "test_failover_to_a_host_that_is_not_prepared_is_refused"},
        "test_02_replace_device.py": {"test_an_empty_slot_is_refused_before_any_change",
                                      "test_brick_disk_replaced_under_load_nothing_lost",
                                      "test_brick_disk_second_run_changes_nothing"},
        "test_03_replace_node.py": {"test_node_replaced_under_load_nothing_lost", "test_second_run_changes_nothing",
                                    "test_the_new_node_has_the_old_uuid_and_the_pool_is_whole",
                                    "test_heketi_node_same_zone_and_tags"},
        "test_04_scale_out.py": {"test_scaled_out_under_load_nothing_lost", "test_second_run_changes_nothing",
                                 "test_new_replica_set_keeps_one_copy_per_site"},
        "test_05_heketi_failover.py": {"test_prepared", "test_failover_under_load_nothing_lost",
                                       "test_no_db_entry_lost_and_volumes_work_on_the_standby",
                                       "test_service_name_moved_with_a_valid_certificate",
                                       "test_every_volume_heals_when_its_site_returns", "test_moved_home_with_force"},
    }, by_file


class FakeLab(object):
    """The lab seen by lab/day2_operations.py: every playbook run succeeds (the failover's first run with
    the cut site unreachable), the module calls answer; what was run is recorded."""

    def __init__(self, monkeypatch, heketi_home=True, disk_attached=True, probe_rc=0):
        self.runs, self.lab_calls, self.heketi_home = [], [], heketi_home
        self.disk_attached, self.probe_rc = disk_attached, probe_rc
        ops = day2_operations
        monkeypatch.setattr(ops, "playbook", self.playbook)
        monkeypatch.setattr(ops, "log_run", lambda tag, run: None)
        monkeypatch.setattr(ops, "lab", self.lab)
        monkeypatch.setattr(ops, "under_load", lambda vol, bricks, operation: dict(operation(), lost=0))
        monkeypatch.setattr(ops, "heketi_volume", lambda host, name, state: {"changed": True, "volume": {"id": "v1"}})
        monkeypatch.setattr(ops, "heketi_ids", lambda host: {"c1", "n1", "v1"})
        monkeypatch.setattr(ops, "service_name_check", lambda: {"address": "x", "answers_with_valid_certificate": True})
        monkeypatch.setattr(ops, "heal_every_volume", lambda: {})
        monkeypatch.setattr(ops, "offline_bricks", lambda: [])
        monkeypatch.setattr(ops, "heketi_home_serving", lambda home, standby: {"home": self.heketi_home})
        monkeypatch.setattr(ops.subprocess, "run", self.subprocess_run)
        import day2_load
        monkeypatch.setattr(day2_load, "delete_volume", lambda vol: None)
        monkeypatch.setattr(day2_load, "remove_brick_leftovers", lambda vol, bricks: None)

    def playbook(self, name, *args, inventories=()):
        self.runs.append(" ".join((name,) + args))
        if name == "heketi_failover.yml":
            self.heketi_home = "heketi_failover_to=gl-c1" in args
        cut = name == "heketi_failover.yml" and "heketi_failover_to=gl-a2" in args and ["cut", "c"] in self.lab_calls \
            and ["heal", "c"] not in self.lab_calls
        recap = {"gl-a2": {"changed": 0 if len(self.runs) > 1 and self.runs[-2] == self.runs[-1] else 2,
                           "unreachable": 0, "failed": 0},
                 "gl-c1": {"changed": 0, "unreachable": int(cut), "failed": 0}}
        return {"rc": 4 if cut else 0, "out": "", "recap": recap, "seconds": 1.0}

    def lab(self, *args, env=None):
        self.lab_calls.append(list(args))
        if args[0] == "attach-disk":
            if self.disk_attached:
                raise RuntimeError("lab attach-disk failed: lab: gl-a2 already has /dev/vdb (/dev/loop3)")
            self.disk_attached = True
        return ""

    def subprocess_run(self, argv, **_kw):
        class Done(object):
            returncode = self.probe_rc if "mountpoint -q /bricks/brick1" in " ".join(argv) else 0
            stdout = ""
        return Done()


def test_the_trimmed_failover_skips_the_standbys_second_run_the_fence_and_the_refusal(monkeypatch):
    fake = FakeLab(monkeypatch)
    outcome = day2_operations.heketi_failover("gl-a2", "gl-c1", "c", trimmed=True)
    assert fake.runs == ["heketi_standby.yml",
                         "heketi_failover.yml -e heketi_failover_to=gl-a2",
                         "heketi_failover.yml -e heketi_failover_to=gl-a2",
                         "heketi_failover.yml -e heketi_failover_to=gl-c1 -e force=true"], fake.runs
    assert ["cut", "c"] in fake.lab_calls and ["heal", "c"] in fake.lab_calls
    assert outcome["trimmed"] is True and outcome["prepare_second_changed"] is None, outcome
    assert outcome["ok"] and outcome["unreachable"] == ["gl-c1"] and outcome["second_changed"] == 0, outcome
    assert outcome["back_rc"] == 0 and outcome["home_read_write"] and "fence_rc" not in outcome, outcome
    assert set(outcome["phase_seconds"]) == {"prepare", "failover", "failover_second_run", "site_back_to_healed",
                                             "move_home"}, outcome


def test_the_full_failover_still_runs_every_playbook(monkeypatch):
    fake = FakeLab(monkeypatch)
    outcome = day2_operations.heketi_failover("gl-a2", "gl-c1", "c")
    assert fake.runs == ["heketi_standby.yml", "heketi_standby.yml",
                         "heketi_failover.yml -e heketi_failover_to=gl-a2",
                         "heketi_failover.yml -e heketi_failover_to=gl-a2",
                         "heketi_failover.yml -e heketi_failover_to=gl-a2",  # the fence, once the site is back
                         "heketi_failover.yml -e heketi_failover_to=gl-a2",  # after the fence
                         "heketi_failover.yml -e heketi_failover_to=gl-c1",  # refused while gl-a2 answers
                         "heketi_failover.yml -e heketi_failover_to=gl-c1 -e force=true"], fake.runs
    assert outcome["trimmed"] is False and outcome["prepare_second_changed"] == 0, outcome
    for key in ("fence_rc", "after_fence_changed", "refused_while_answering", "refused_changed", "back_rc"):
        assert key in outcome, key


def test_the_restore_changes_nothing_on_a_lab_as_the_stage_found_it(monkeypatch):
    fake = FakeLab(monkeypatch)
    result = day2_operations.restore()
    assert result == {"done": [], "wrong": []}, result
    assert fake.runs == [], fake.runs
    assert [c[:2] for c in fake.lab_calls] == [["heal", "a"], ["heal", "b"], ["heal", "c"], ["attach-disk", "gl-a2"]]


def test_the_restore_puts_back_the_disk_and_heketi_after_an_interrupted_run(monkeypatch):
    fake = FakeLab(monkeypatch, heketi_home=False, disk_attached=False, probe_rc=1)
    result = day2_operations.restore()
    assert fake.runs == ["replace_device.yml -e replace_device_host=gl-a2 -e replace_device_path=/dev/vdb -e force=true",
                         "heketi_failover.yml -e heketi_failover_to=gl-c1 -e force=true"], fake.runs
    assert len(result["done"]) == 3 and result["wrong"] == [], result


def test_the_restore_names_what_it_could_not_put_back(monkeypatch):
    FakeLab(monkeypatch)
    monkeypatch.setattr(day2_operations, "offline_bricks", lambda: ["10.77.1.12:/bricks/brick1/nfs"])
    monkeypatch.setattr(day2_operations, "heal_every_volume", lambda: {"drvol": 3})
    result = day2_operations.restore()
    assert result["wrong"] == ["pending heal: {'drvol': 3}", "not online: 10.77.1.12:/bricks/brick1/nfs"], result


def test_no_converge_a_cleanup_before_and_after_and_the_trimmed_switch_on():
    config = scenario()
    assert config["scenario"]["test_sequence"] == ["cleanup", "verify", "cleanup"], config
    assert "converge" not in config["provisioner"]["playbooks"], config
    assert config["verifier"]["directory"] == "../day2/tests"
    assert config["verifier"]["env"]["METROSTOR_DAY2_TRIMMED"] == "1"
    # its figures apart from the full scenario's (bench/day2_operations.py --last --outcomes ...)
    assert config["verifier"]["env"]["METROSTOR_DAY2_OUTCOMES"] == "outcomes-ci.json"
    with open(os.path.join(SCENARIO, config["provisioner"]["playbooks"]["cleanup"])) as handle:
        cleanup = yaml.safe_load(handle)
    commands = [t["ansible.builtin.command"] for p in cleanup for t in p.get("tasks", []) if "ansible.builtin.command" in t]
    assert len(commands) == 1 and commands[0].startswith("timeout "), commands
    assert cleanup[0]["vars"]["day2_ci_restore_command"].endswith("/lab/day2_operations.py restore"), cleanup


def test_where_ci_runs_it_it_runs_last_under_a_timeout():
    with open(os.path.join(ROOT, "tests", "lab.sh")) as handle:
        steps = [line.strip() for line in handle if "molecule test -s " in line and not line.lstrip().startswith("#")]
    runs = [s for s in steps if s.split("molecule test -s ")[1].split()[0] == "day2_ci"]
    if runs:  # after dr_ci and last, with a timeout
        assert steps[-1] == runs[0] and len(runs) == 1, steps
        assert any("molecule test -s dr_ci" in s for s in steps[:-1]), steps
        assert runs[0].startswith("timeout "), runs

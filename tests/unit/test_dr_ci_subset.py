"""The CI stage of disaster recovery (molecule/dr_ci) holds what the issue's done-when names: the
drill, run on the lab by CI.  Its tests are molecule/dr's, selected by the `dr_ci` mark (each test
is written once, there), with the drill's unplanned failover and its failback; its converge is
molecule/dr's; its cleanup puts the lab back for the next user.  This collects the tests as
molecule's verifier would, without the lab."""
import os

import yaml

from tests.unit import molecule_subset

ROOT = molecule_subset.ROOT
SCENARIO = os.path.join(ROOT, "molecule", "dr_ci")
dr_drill = molecule_subset.lab_module("dr_drill")


def scenario():
    return molecule_subset.scenario("dr_ci")


def test_the_stage_is_the_drill_with_the_unplanned_failover_and_its_failback():
    by_file = molecule_subset.tests_by_file("dr_ci", "-W", "error::pytest.PytestUnknownMarkWarning")
    assert set(by_file) == {"test_drill.py"}, by_file
    assert set(by_file["test_drill.py"]) == {
        "test_unplanned_rpo_and_rto_bounded", "test_failbacks_lose_nothing_and_copies_agree",
        "test_failover_twice_refused_and_changes_nothing", "test_session_running_again_after_failback"}, by_file
    modes = scenario()["verifier"]["env"]["METROSTOR_DR_DRILL_MODES"].split(",")
    assert modes == ["unplanned"], modes
    # a mode the drill knows (lab/dr_drill.py: a failover of each mode, then a failback)
    assert "unplanned: " in dr_drill.__doc__ and "--modes" in open(dr_drill.__file__).read()


def test_converge_idempotence_verify_and_a_cleanup_that_puts_the_lab_back():
    config = scenario()
    assert config["scenario"]["test_sequence"] == ["converge", "idempotence", "verify", "cleanup"], config
    assert config["provisioner"]["playbooks"]["converge"].endswith("/molecule/dr/converge.yml")
    assert config["verifier"]["options"]["s"] is True  # the figures in the CI log
    assert config["verifier"]["env"]["METROSTOR_DR_DRILL_REPORT"].endswith(".json")
    with open(os.path.join(SCENARIO, config["provisioner"]["playbooks"]["cleanup"])) as handle:
        cleanup = yaml.safe_load(handle)
    tasks = " ".join(str(task) for play in cleanup for task in play.get("tasks", []))
    assert "delay d 0" in tasks and "heal {{ item }}" in tasks and "umount" in tasks, tasks
    assert {"a", "b", "c", "d"} <= set(sum((t.get("loop") for p in cleanup for t in p.get("tasks", [])
                                            if isinstance(t.get("loop"), list)), [])), cleanup
    assert cleanup[-2]["ansible.builtin.import_playbook"] == "../../playbooks/dr_failback.yml", cleanup
    # then the metro pool fully redundant (the next stages' health gates refuse entries pending heal)
    waits = [t for t in cleanup[-1]["tasks"] if (t.get("ansible.builtin.include_role") or {}).get("tasks_from") == "wait_healed"]
    assert waits and waits[0]["ansible.builtin.include_role"]["name"] == "metrostor.gluster.cluster_health_gate", cleanup[-1]


def test_where_ci_runs_it_it_runs_last():
    with open(os.path.join(ROOT, "tests", "lab.sh")) as handle:
        steps = [line.strip() for line in handle if "molecule test -s " in line and not line.lstrip().startswith("#")]
    runs = [s for s in steps if s.split("molecule test -s ")[1].split()[0] == "dr_ci"]
    if runs:  # after stretch and last but the day-2 stage: a DR failure cannot hide the other scenarios' results
        after = steps[steps.index(runs[0]) + 1:]
        assert len(runs) == 1 and all(" molecule test -s day2_ci" in " " + s for s in after), steps
        assert any(s.endswith("molecule test -s stretch") for s in steps[:steps.index(runs[0])]), steps

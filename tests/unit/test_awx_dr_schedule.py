"""The DR schedules as AWX schedules (awx/config.yml), checked without an AWX server.

- the job template "metrostor: DR schedule run" runs playbooks/dr_schedule_run.yml and asks for
  the schedule (gluster_dr_schedule_name, required, no default: a launch without it is refused
  by AWX rather than running some schedule);
- every DR schedule declared in the inventory AWX syncs (inventories/three_site) has exactly the
  AWX schedule that the metrostor.gluster.dr_awx_schedules filter makes of it (what
  `dr_schedule.yml -e gluster_dr_schedule_show_awx=true` prints), and no AWX schedule names a DR
  schedule the inventory does not declare;
- a schedule passes in extra_data only what its template may be given at launch (AWX refuses other
  variables unless the template asks for variables on launch);
- run the way AWX runs it (ansible-runner, awx/awx_job.py) with a schedule name the inventory
  does not declare, the template is refused with the declared names before any host is contacted.
"""
import os

import yaml

from ansible_collections.metrostor.gluster.plugins.module_utils.dr_schedule import awx_schedules, check_schedules
from awx import awx_job

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = awx_job.load_config()
TEMPLATE = "metrostor: DR schedule run"
SYNCED_INVENTORY = os.path.join(ROOT, CONFIG["awx_inventory"]["source"]["source_path"])


def dr_site_vars():
    with open(os.path.join(os.path.dirname(SYNCED_INVENTORY), "group_vars", "dr_site.yml")) as f:
        return yaml.safe_load(f)


def survey_variables(template):
    return {q["variable"] for q in template.get("survey_spec", {}).get("spec", [])}


def test_template_runs_one_schedule_and_asks_which():
    template = awx_job.job_template(CONFIG, TEMPLATE)
    assert template["playbook"] == "playbooks/dr_schedule_run.yml"
    assert set(template["credentials"]) == {"metrostor nodes (SSH)", "metrostor vault"}
    question, = [q for q in template["survey_spec"]["spec"] if q["variable"] == "gluster_dr_schedule_name"]
    assert question["required"] is True and "default" not in question
    # a schedule name is at most 40 characters (plugins/module_utils/dr_schedule.py NAME_RE)
    assert question["type"] == "text" and question["min"] == 1 and question["max"] == 40


def test_awx_schedules_are_the_inventorys_dr_schedules():
    dr_vars = dr_site_vars()
    declared = dr_vars.get("metrostor_dr_schedules") or []
    assert declared, "the synced inventory declares no DR schedule: nothing shows the AWX path"
    expected = awx_schedules(check_schedules(declared, dr_vars["metrostor_dr_site"]["volumes"]), TEMPLATE)
    configured = [s for s in CONFIG["awx_schedules"] if s["job_template"] == TEMPLATE]
    assert sorted(configured, key=lambda s: s["name"]) == sorted(expected, key=lambda s: s["name"]), \
        "awx/config.yml's DR schedules differ from what dr_schedule.yml -e gluster_dr_schedule_show_awx=true prints"


def test_schedules_pass_only_variables_their_template_takes_at_launch():
    templates = {t["name"]: t for t in CONFIG["awx_job_templates"]}
    for schedule in CONFIG["awx_schedules"]:
        template = templates[schedule["job_template"]]
        given = set(schedule.get("extra_data", {}))
        if template.get("ask_variables_on_launch"):
            continue
        assert given <= survey_variables(template), \
            "%s: AWX refuses %s (not in the survey of %s, which does not ask for variables on launch)" % (
                schedule["name"], sorted(given - survey_variables(template)), template["name"])
        required = {q["variable"] for q in template.get("survey_spec", {}).get("spec", [])
                    if q.get("required") and "default" not in q}
        assert required <= given, "%s: the required answers %s are not in extra_data" % (
            schedule["name"], sorted(required - given))


def test_undeclared_schedule_refused_before_any_host(tmp_path):
    runner_args = awx_job.build_private_data_dir(str(tmp_path / "pdd"), CONFIG, TEMPLATE, SYNCED_INVENTORY,
                                                 survey_answers={"gluster_dr_schedule_name": "nightly"})
    runner, events = awx_job.run(runner_args, verbosity=1)
    stdout = runner.stdout.read()
    assert runner.status == "failed", stdout[-3000:]
    assert "There is no DR schedule nightly; declared: pg, files" in stdout, stdout[-3000:]
    assert "Nothing was changed" in stdout
    assert not [e for e in events if e.get("event") == "runner_on_unreachable"], "a host was contacted"
    assert not [e for e in events if e.get("event") == "runner_on_ok" and e["event_data"].get("changed")]

"""tests/lab_awx covers every job template of awx/config.yml, safely, without the lab.

The lab test (tests/lab_awx/test_awx_job_templates_on_lab.py, run by tests/lab-awx.sh under the lab lock)
says per template how it runs on the shared, deployed lab: for real (read-only or idempotent), as job type
"check", or with answers the playbook must refuse.  Here: every template is listed exactly once, none that
changes the cluster by design is run for real, the answers are the template's survey variables with values
the survey accepts (host choices name the job's inventory, here the lab's), and a refusal says what it expects.
"""
import importlib.util
import json
import os

import yaml

from awx import awx_job

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB_TEST = os.path.join(ROOT, "tests", "lab_awx", "test_awx_job_templates_on_lab.py")
LAB_INVENTORY = os.path.join(ROOT, "inventories", "lab", "hosts.yml")
THREE_SITE_INVENTORY = os.path.join(ROOT, "inventories", "three_site", "hosts.yml")

# What the issue names as state-changing (failover, failback, DR drill, add node/device, rotate, TLS) and the
# other templates whose playbook changes the cluster by design: never run for real on the shared lab.
STATE_CHANGING = {
    "metrostor: Gluster nodes (add a node or a device)", "metrostor: Gluster TLS",
    "metrostor: volume access (auth.allow)", "metrostor: rotate secrets",
    "metrostor: Heketi standby (prepare failover)", "metrostor: Heketi failover",
    "metrostor: scale out (add nodes)", "metrostor: replace a node", "metrostor: replace a device",
    "metrostor: DR site and geo-replication", "metrostor: DR failover", "metrostor: DR failback",
    "metrostor: DR drill (planned)", "metrostor: DR schedule run",
}


def lab_test():
    spec = importlib.util.spec_from_file_location("awx_lab_jobs", LAB_TEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hosts(inventory_path):
    found = set()

    def walk(group):
        found.update((group or {}).get("hosts", {}) or {})
        for child in ((group or {}).get("children", {}) or {}).values():
            walk(child)
    with open(inventory_path) as f:
        walk(yaml.safe_load(f)["all"])
    return found


def test_every_job_template_is_covered_once():
    names = [t["name"] for t in awx_job.load_config()["awx_job_templates"]]
    covered = [job.template for job in lab_test().JOBS]
    assert sorted(covered) == sorted(names), (set(names) - set(covered), set(covered) - set(names))
    assert len(covered) == len(set(covered))


def test_no_state_changing_template_runs_for_real():
    module = lab_test()
    jobs = {job.template: job for job in module.JOBS}
    assert STATE_CHANGING <= set(jobs)
    for name in STATE_CHANGING:
        job = jobs[name]
        assert job.how in (module.CHECK, module.REFUSE), name
        if job.how == module.CHECK:
            assert job.check, name
    for job in module.JOBS:
        assert job.how in (module.RUN, module.CHECK, module.REFUSE)
        assert (job.how == module.REFUSE) == bool(job.expect), job.template
        assert job.how != module.CHECK or job.check, job.template
    assert module.CHECK_MAY_REPORT_CHANGES <= {j.template for j in module.JOBS if j.how == module.CHECK}


def test_answers_are_what_the_survey_accepts():
    config = awx_job.load_config()
    lab_hosts, three_site_hosts = hosts(LAB_INVENTORY), hosts(THREE_SITE_INVENTORY)
    for job in lab_test().JOBS:
        template = awx_job.job_template(config, job.template)
        questions = {q["variable"]: q for q in template.get("survey_spec", {}).get("spec", [])}
        assert set(job.answers) <= set(questions), (job.template, set(job.answers) - set(questions))
        for variable, value in job.answers.items():
            question = questions[variable]
            values = value if question["type"] == "multiselect" else [value]
            if question["type"] in ("multiplechoice", "multiselect"):
                choices = [str(c) for c in question["choices"]]
                if set(choices) <= three_site_hosts:   # host choices come from the job's inventory: the lab's
                    choices = sorted(lab_hosts)
                assert all(str(v) in choices for v in values), (job.template, variable, value, choices)
            elif question["type"] == "text":
                assert question.get("min", 0) <= len(value) <= question.get("max", 1024), (job.template, variable)


def test_the_templates_extra_vars_reach_the_job(tmp_path):
    """AWX passes a template's extra_vars (the DR drill's dr_drill_modes: planned), under the survey's answers."""
    config = awx_job.load_config()
    inventory = THREE_SITE_INVENTORY
    awx_job.build_private_data_dir(str(tmp_path / "drill"), config, "metrostor: DR drill (planned)", inventory)
    with open(tmp_path / "drill" / "env" / "extravars") as f:
        assert json.load(f)["dr_drill_modes"] == "planned"
    awx_job.build_private_data_dir(str(tmp_path / "k8s"), config, "metrostor: Kubernetes storage", inventory,
                                   {"metrostor Heketi API": {"heketi_key": "k"}}, survey_answers={"kubernetes_storage_mode": "apply"})
    with open(tmp_path / "k8s" / "env" / "extravars") as f:
        assert json.load(f) == {"kubernetes_storage_mode": "apply"}

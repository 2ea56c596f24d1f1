"""Every job template of awx/config.yml, run the way AWX runs it, against the deployed lab.

Each job is what AWX would start: ansible-runner with a private data dir
(awx/awx_job.py): the lab inventory as the job's inventory but WITHOUT its
``ansible_ssh_private_key_file`` (the machine credential's key is handed over
in ``env/ssh_key``, which ansible-runner loads into an ssh-agent), the "Heketi
API" credential injected as extra vars from a file, the survey's answers in
``env/extravars``, and ``--check`` for a job launched with job type "check".
In every job no host may be unreachable, and neither the Heketi key nor a line
of the SSH key's body may appear in any job event or in the job's stdout.

The lab is shared and deployed: a job may not change it.  How each template
is run is decided by what its playbook does (JOBS below, ``how``):

run      read-only or idempotent on the deployed lab: run for real; it must end
         ``successful`` and change nothing (changed=0 in every event).
         validate the layout, health, security check, latency check (read-only);
         Kubernetes storage in ``render`` mode (writes files on the control node
         only, the same files site.yml wrote); Heketi, NFS path and the whole
         deploy (site.yml imports heketi.yml and nfs.yml: their second run
         changes nothing); DR restore of Kubernetes objects in ``render`` mode
         (localhost only, into the test's own directory: the one job allowed to
         change something, and only there).
check    state-changing by design, with no answer that makes it harmless: run
         as AWX runs job type "check" (``--check``); it must end ``successful``.
         Gluster nodes (adds nodes and devices, may wipe disks): the deployed
         lab's inventory adds nothing, so check mode must report changed=0 too.
         Gluster TLS and volume access (would switch encryption on or restrict
         auth.allow to the client networks, which the shared lab's scenarios
         mounting from the control machine are outside of), Heketi standby
         (moves Heketi's DB onto a volume on a lab where it was not prepared),
         DR site and geo-replication (creates the DR pool's sessions): check
         mode may report what it would change, nothing is applied.  DR failback
         (with nothing failed over it is a no-op: changed=0) and the DR drill
         (lab/lab delay and the drill are commands, skipped in check mode:
         changed=0, the drill task skipped; its report file is the test's own,
         empty).
refuse   state-changing, with an answer the playbook must refuse before it
         changes anything: the job must end ``failed``, every failed task must
         be one of the playbook's refusals (a task named "Refuse ...") whose
         message holds ``expect``, and nothing may be changed.
         Heketi failover (job type check, answer gl-a2, the prepared standby:
         refused while Heketi still answers on gl-c1); rotate secrets (job type
         check: the playbook refuses check mode first); scale out (gl-d1, a
         host of the inventory that is in no metro site: the DR site's node);
         replace a node (gl-a1, a healthy node); replace a device
         (/dev/vdb of gl-a1, a healthy brick disk); DR failover (``unplanned``
         while the primary site answers: the DR site's volumes must exist, as
         for the DR failback); DR schedule
         run (a schedule the lab does not declare).

tests/unit/test_awx_lab_coverage.py checks, without the lab, that JOBS names
every job template of awx/config.yml once, that the state-changing ones are
never run for real, and that the answers are the survey's variables.

Needs the lab up and deployed (``lab/lab up`` + ``playbooks/site.yml``); the
DR failback and DR failover cases expect dr_georep.yml applied (as the DR stage
of tests/lab.sh does).  Run it under the lab lock:
``flock /tmp/metrostor-lab.lock tests/lab-awx.sh``.
Not collected by the default test run (pytest.ini's testpaths).
"""
import collections
import copy
import os
import time

import pytest
import yaml

from awx import awx_job

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB_INVENTORY = os.path.join(ROOT, "inventories", "lab", "hosts.yml")
LAB_SSH_KEY = "/var/lib/metrostor-lab/ssh/id_ed25519"
HEKETI_KEY = "lab-admin-secret"   # inventories/lab/hosts.yml: heketi_admin_key (the deployed Heketi's)
HEKETI_INPUTS = {"metrostor Heketi API": {"heketi_url": "https://10.77.3.11:8080", "heketi_user": "admin",
                                          "heketi_key": HEKETI_KEY}}

Job = collections.namedtuple("Job", "template how answers expect check")
RUN, CHECK, REFUSE = "run", "check", "refuse"
# the templates whose check-mode run may report what it would change (nothing is applied)
CHECK_MAY_REPORT_CHANGES = {
    "metrostor: Gluster TLS", "metrostor: volume access (auth.allow)",
    "metrostor: Heketi standby (prepare failover)", "metrostor: DR site and geo-replication",
}

JOBS = [
    Job("metrostor: validate the layout", RUN, {}, None, False),
    Job("metrostor: health (read-only)", RUN, {}, None, False),
    Job("metrostor: security check (read-only)", RUN, {}, None, False),
    Job("metrostor: latency check", RUN, {}, None, False),
    Job("metrostor: Kubernetes storage", RUN, {"kubernetes_storage_mode": "render"}, None, False),
    Job("metrostor: Heketi (topology, executor, DB backup)", RUN, {}, None, False),
    Job("metrostor: NFS path (Ganesha, floating address, workers)", RUN, {}, None, False),
    Job("metrostor: deploy the stack", RUN, {"site_reachability_on_loss": "stop"}, None, False),
    Job("metrostor: DR restore of Kubernetes objects", RUN, {"dr_k8s_mode": "render"}, None, False),
    Job("metrostor: Gluster nodes (add a node or a device)", CHECK, {"gluster_force_wipe": "false"}, None, True),
    Job("metrostor: Gluster TLS", CHECK, {}, None, True),
    Job("metrostor: volume access (auth.allow)", CHECK, {}, None, True),
    Job("metrostor: Heketi standby (prepare failover)", CHECK, {}, None, True),
    Job("metrostor: DR site and geo-replication", CHECK, {}, None, True),
    Job("metrostor: DR failback", CHECK, {}, None, True),
    Job("metrostor: DR drill (planned)", CHECK, {}, None, True),
    Job("metrostor: Heketi failover", REFUSE, {"heketi_failover_to": "gl-a2"},
        "heketi_failover.yml refused, nothing was changed: Heketi still answers on gl-c1", True),
    Job("metrostor: rotate secrets", REFUSE, {}, "does not run in check mode. Nothing was changed.", True),
    Job("metrostor: scale out (add nodes)", REFUSE, {"scale_out_hosts": ["gl-d1"]},
        "scale_out.yml refused, nothing was changed", False),
    Job("metrostor: replace a node", REFUSE, {"replace_node_host": "gl-a1"},
        "replace_node.yml refused, nothing was changed", False),
    Job("metrostor: replace a device", REFUSE, {"replace_device_host": "gl-a1", "replace_device_path": "/dev/vdb"},
        "replace_device.yml refused, nothing was changed", False),
    Job("metrostor: DR failover", REFUSE, {"gluster_dr_mode": "unplanned"},
        "Unplanned failover refused: the primary node", False),
    Job("metrostor: DR schedule run", REFUSE, {"gluster_dr_schedule_name": "not-declared-on-the-lab"},
        "There is no DR schedule not-declared-on-the-lab", False),
]

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab_ready():
    if not os.path.exists(LAB_SSH_KEY):
        # tests/lab.sh runs this right after the lab's other stages: there a missing lab is a failure
        (pytest.fail if os.environ.get("CI") else pytest.skip)("the lab is not built here (%s missing)" % LAB_SSH_KEY)
    with open(LAB_SSH_KEY) as f:
        return f.read()


def awx_inventory(tmp_path):
    """The lab inventory as AWX holds it: the SSH key comes from the machine credential, not from a path."""
    with open(LAB_INVENTORY) as f:
        lines = [line for line in f if not line.strip().startswith("ansible_ssh_private_key_file:")]
    path = tmp_path / "hosts.yml"
    path.write_text("".join(lines))
    return str(path)


def key_body(ssh_key):
    return [line for line in ssh_key.splitlines() if line and not line.startswith("-----")]


def job_inputs(job, tmp_path):
    """The survey answers, plus what a job needs from the test: the DR restore's exported objects and its
    render directory (a PV of the lab's DR-copied volume drvol and what uses it), the drill's report file."""
    answers = dict(job.answers)
    if job.template == "metrostor: DR restore of Kubernetes objects":
        from tests.unit.test_k8s_dr_rewrite import CONFIGMAP, DEPLOYMENT, PV_GLUSTER, PVC_GLUSTER  # pylint: disable=import-outside-toplevel
        pv = copy.deepcopy(PV_GLUSTER)
        pv["spec"]["glusterfs"]["path"] = "drvol"
        export = tmp_path / "export"
        export.mkdir()
        (export / "shop.yml").write_text(yaml.safe_dump_all([pv, PVC_GLUSTER, DEPLOYMENT, CONFIGMAP]))
        answers.update(dr_k8s_export_dir=str(export), dr_k8s_render_dir=str(tmp_path / "render"))
    if job.template == "metrostor: DR drill (planned)":
        (tmp_path / "drill-report.json").write_text("[]")
        answers["dr_drill_report_file"] = str(tmp_path / "drill-report.json")
    return answers


def changed_tasks(events):
    return sorted({"%s on %s" % (e["event_data"].get("task"), e["event_data"].get("host")) for e in events
                   if e.get("event") == "runner_on_ok" and e["event_data"].get("res", {}).get("changed")})


@pytest.mark.parametrize("job", JOBS, ids=[j.template.split(": ", 1)[1] for j in JOBS])
def test_job_template_on_the_lab(job, lab_ready, tmp_path):
    ssh_key = lab_ready
    config = awx_job.load_config()
    runner_args = awx_job.build_private_data_dir(str(tmp_path / "pdd"), config, job.template, awx_inventory(tmp_path),
                                                 HEKETI_INPUTS, ssh_key, job_inputs(job, tmp_path))
    if job.check:   # job type "check": AWX adds --check
        runner_args["cmdline"] = " ".join(filter(None, [runner_args["cmdline"], "--check"]))
    assert "ansible_ssh_private_key_file" not in open(os.path.join(runner_args["inventory"], "hosts.yml")).read()
    started = time.monotonic()
    runner, events = awx_job.run(runner_args, verbosity=1)
    elapsed = time.monotonic() - started
    stdout = runner.stdout.read()
    print("%s (%s%s): %s rc=%s in %.1f s, %d events" % (job.template, job.how, ", check" if job.check else "",
                                                        runner.status, runner.rc, elapsed, len(events)))
    unreachable = [e["event_data"].get("host") for e in events if e.get("event") == "runner_on_unreachable"]
    assert unreachable == [], stdout[-3000:]
    failed = [e["event_data"] for e in events if e.get("event") == "runner_on_failed"
              and not e["event_data"].get("ignore_errors")]
    changed = changed_tasks(events)
    if job.how == REFUSE:
        assert runner.status == "failed" and runner.rc != 0, stdout[-4000:]
        assert failed, stdout[-4000:]
        for event in failed:
            res = event.get("res", {})
            # a looped refusal says "One or more items failed" and gives each item's message in its results
            msg = " ".join([str(res.get("msg", ""))] + [str(r.get("msg", "")) for r in res.get("results", [])])
            assert event.get("task", "").startswith("Refuse") and job.expect in msg, (event.get("task"), msg)
            print("refused by %r on %s: %s" % (event.get("task"), event.get("host"), " ".join(msg.split())[:300]))
        assert changed == [], "changed while refusing: %s" % changed
    else:
        assert runner.status == "successful" and runner.rc == 0, stdout[-4000:]
        assert failed == []
        stats = [e for e in events if e.get("event") == "playbook_on_stats"]
        assert stats, stdout[-4000:]
        summary = stats[-1]["event_data"]
        # the DR drill's tasks are commands (skipped in check mode) and a report loop over the test's empty
        # report: in check mode its host is only "skipped"; every other job has tasks that end ok
        if job.template == "metrostor: DR drill (planned)":
            assert summary.get("skipped") or summary.get("ok"), summary
        else:
            assert summary.get("ok"), summary
        if job.template == "metrostor: DR restore of Kubernetes objects":
            assert sorted(os.listdir(tmp_path / "render")), "nothing rendered"
        elif not (job.how == CHECK and job.template in CHECK_MAY_REPORT_CHANGES):
            assert changed == [], "changed on the deployed lab: %s" % changed
        if job.template == "metrostor: DR drill (planned)":
            skipped = {e["event_data"].get("task") for e in events if e.get("event") == "runner_on_skipped"}
            assert "Run the drill (write load, failover, verify, failback; several minutes)" in skipped
        if job.how == CHECK and changed:
            print("would change (check mode, nothing applied): %s" % changed)
    secrets = awx_job.secret_values(config, HEKETI_INPUTS) + key_body(ssh_key)
    assert HEKETI_KEY in secrets
    assert awx_job.leaks(events, secrets, stdout) == []

"""gluster_health just after a site is cut: glusterd's transient answers are retried within retry_seconds.

Found on the lab: with site a cut, the day-2 gate failed with gluster's raw "Request timed out" (rc 4)
from `volume status all` on gl-c1; a few seconds later glusterd answered normally.  The module runs
here in-process (AnsibleModule's exit/fail captured), the gluster CLI answering from the outputs
recorded on the lab (tests/unit/fixtures/gluster) or, for a scripted number of attempts, glusterd's
transient texts (gluster_transient.py cites where upstream prints them).  Time is a fake clock: an
answer that timed out costs its --timeout, a pause costs itself, so the window is checked in seconds.
"""
import importlib

import pytest
from ansible.module_utils import basic

from ansible_collections.metrostor.gluster.plugins.module_utils import gluster_cli, gluster_transient
from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_transient import transient_answer
from tests.unit.module_args import patch_module_args
from tests.unit.test_gluster_cli import recorded
from tests.unit.conftest import ModuleExit

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n'
STATUS = "--timeout=20 volume status all"


def refused(text):
    return HEAD + "  <opRet>-1</opRet>\n  <opErrno>30800</opErrno>\n  <opErrstr>%s</opErrstr>\n</cliOutput>\n" % text


# (rc, stdout, seconds the command took)
TIMED_OUT = (4, "Error : Request timed out\n", 20)  # the CLI's own --timeout (cli/src/cli-cmd.c)
BUSY = (1, refused("Another transaction is in progress for drvol. Please try again after some time."), 0.1)
LOCKING = (1, refused("Locking failed on gl-a1. Please check log file for details."), 0.1)
STAGING_LOST_PEER = (1, refused("Staging failed on 10.77.1.11. Please check log file for details."), 0.1)
STAGING_REFUSED = (1, refused("Staging failed on gl-a1. Error: Volume drvol does not exist"), 0.1)
NO_GLUSTERD = (1, "Connection failed. Please check if gluster daemon is operational.\n", 0.1)


class FakeTime(object):
    """Stands for the time module in gluster_transient: sleeping moves the clock, nothing waits."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class ScriptedGluster(object):
    """The gluster CLI: each subcommand answers its scripted answers in turn, then the recorded one."""

    def __init__(self, clock, scripted=None):
        self.clock = clock
        self.scripted = dict((k, list(v)) for k, v in (scripted or {}).items())
        self.recorded = {
            "--timeout=20 pool list": (0, recorded("pool_list.xml"), 0.1),
            "--timeout=20 volume get all cluster.server-quorum-ratio": (0, recorded("volume_get.xml"), 0.1),
            "--timeout=20 volume info all": (0, recorded("volume_info_all.xml"), 0.1),
            STATUS: (0, recorded("volume_status_all.xml"), 0.1),
            "--timeout=20 volume heal drvol info summary": (0, recorded("heal_info_summary.xml"), 0.1),
            "--timeout=20 volume heal gluster_shared_storage info summary": (0, recorded("heal_info_summary.xml"), 0.1),
        }
        self.commands = []

    def __call__(self, cmd, **kwargs):
        assert cmd[:2] == ["/usr/sbin/gluster", "--mode=script"] and cmd[-1] == "--xml", cmd
        key = " ".join(cmd[2:-1])
        self.commands.append(key)
        queue = self.scripted.get(key)
        rc, out, took = queue.pop(0) if queue else self.recorded[key]
        self.clock.now += took
        return rc, out, ""


@pytest.fixture
def clock(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(gluster_transient, "time", fake)
    monkeypatch.setattr(gluster_cli.socket, "gethostname", lambda: "gl-c1")

    def exit_json(self, **kwargs):
        raise ModuleExit(dict(kwargs, changed=kwargs.get("changed", False)), failed=False)

    def fail_json(self, msg, **kwargs):
        raise ModuleExit(dict(kwargs, msg=msg, failed=True), failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, name, required=False, opt_dirs=None: "/usr/sbin/" + name)
    return fake


def run(monkeypatch, gluster, check=False, **args):
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, cmd, **kw: gluster(cmd, **kw))
    mod = importlib.import_module("ansible_collections.metrostor.gluster.plugins.modules.gluster_health")
    params = dict(dict(georep=False, command_timeout=20, retry_seconds=60, retry_pause=5), **args)
    with patch_module_args(dict(params, _ansible_check_mode=check)):
        with pytest.raises(ModuleExit) as info:
            mod.main()
    return info.value


@pytest.mark.parametrize("answer", [TIMED_OUT, BUSY, LOCKING, STAGING_LOST_PEER],
                         ids=["request-timed-out", "another-transaction", "locking-failed", "staging-failed-lost-peer"])
def test_a_transient_answer_is_retried_and_the_read_succeeds(monkeypatch, clock, answer):
    gluster = ScriptedGluster(clock, {STATUS: [answer]})
    done = run(monkeypatch, gluster)
    assert not done.failed, done.result["msg"]
    result = done.result
    assert result["retries"] == 1 and gluster.commands.count(STATUS) == 2
    assert result["retried"] == ["volume status all: %s" % transient_answer(answer[1])]
    assert clock.slept == [5]
    assert result["healthy"] and all(all(v["bricks_online"].values()) for v in result["volumes"].values())


def test_a_healthy_read_reports_no_retry(monkeypatch, clock):
    gluster = ScriptedGluster(clock)
    result = run(monkeypatch, gluster).result
    assert result["retries"] == 0 and result["retried"] == [] and clock.slept == []
    # every command has the CLI's --timeout (its default is 120 s): no attempt outlasts command_timeout
    assert gluster.commands and all(c.startswith("--timeout=20 ") for c in gluster.commands), gluster.commands


def test_transient_until_the_window_closes_fails_with_a_plain_message(monkeypatch, clock):
    # glusterd never answers in time: 20 s per attempt, 5 s pause; the third attempt could end at 70 s > 60 s
    gluster = ScriptedGluster(clock, {STATUS: [TIMED_OUT] * 10})
    failed = run(monkeypatch, gluster)
    assert failed.failed
    result = failed.result
    assert result["msg"] == (
        "glusterd on gl-c1 did not answer `volume status all` for 45 s (it said: Request timed out): it is "
        "probably still waiting on peers that were just lost (a cut site). Run again in a minute; "
        "playbooks/health.yml shows the pool per site")
    assert gluster.commands.count(STATUS) == 2 and result["retries"] == 1
    assert clock.now - 1000.0 <= 60, "the read went on past retry_seconds"
    # the failure fields of every gluster_* module: what was run and what came back
    assert result["cmd"] == "/usr/sbin/gluster --mode=script --timeout=20 volume status all --xml"
    assert result["rc"] == 4 and result["stderr"] == "Error : Request timed out"


def test_a_quick_transient_answer_is_retried_until_the_window_closes(monkeypatch, clock):
    gluster = ScriptedGluster(clock, {STATUS: [BUSY] * 100})
    result = run(monkeypatch, gluster).result
    assert result["failed"] and "did not answer `volume status all`" in result["msg"]
    assert "Another transaction is in progress for drvol. Please try again after some time." in result["msg"]
    # each retry must still be able to end within 60 s: start + pause + a 20 s attempt
    assert 1000.0 + 60 - 20 - 5 <= clock.now <= 1000.0 + 60
    assert result["retries"] == gluster.commands.count(STATUS) - 1 == len(clock.slept) == 7


@pytest.mark.parametrize("answer", [STAGING_REFUSED, NO_GLUSTERD], ids=["peer-refused", "glusterd-down"])
def test_a_failure_that_is_not_transient_fails_at_once(monkeypatch, clock, answer):
    gluster = ScriptedGluster(clock, {STATUS: [answer] * 3})
    result = run(monkeypatch, gluster).result
    assert result["failed"] and gluster.commands.count(STATUS) == 1 and clock.slept == []
    assert result["retries"] == 0 and "did not answer" not in result["msg"]
    assert result["msg"].startswith("gluster --timeout=20 volume status all")
    assert result["cmd"].endswith("volume status all --xml") and result["rc"] == 1 and result["stderr"]


def test_retry_seconds_zero_retries_nothing_but_says_what_it_means(monkeypatch, clock):
    gluster = ScriptedGluster(clock, {STATUS: [LOCKING]})
    result = run(monkeypatch, gluster, retry_seconds=0).result
    assert result["failed"] and gluster.commands.count(STATUS) == 1 and clock.slept == []
    assert result["msg"].startswith("glusterd on gl-c1 did not answer `volume status all` for 0 s "
                                    "(it said: Locking failed on gl-a1. Please check log file for details.)")


def test_check_mode_reads_and_retries_the_same(monkeypatch, clock):
    gluster = ScriptedGluster(clock, {STATUS: [BUSY]})
    result = run(monkeypatch, gluster, check=True).result
    assert not result.get("failed") and not result["changed"] and result["retries"] == 1
    # read-only: nothing but reads, the same as without check mode
    assert all(c.split()[-1] in ("list", "all", "cluster.server-quorum-ratio", "summary") for c in gluster.commands)


def test_negative_seconds_are_refused_before_any_command(monkeypatch, clock):
    gluster = ScriptedGluster(clock)
    result = run(monkeypatch, gluster, retry_seconds=-1).result
    assert result["failed"] and "retry_seconds and retry_pause are seconds" in result["msg"]
    assert gluster.commands == []


def test_the_transient_wordings():
    assert transient_answer("Error : Request timed out\n") == "Request timed out"
    assert transient_answer("Another transaction is in progress. Please try again after some time.")
    assert transient_answer("Unlocking failed on gl-b1. Please check log file for details.")
    assert transient_answer("Commit failed on gl-b1. Please check the log file for more details.")
    assert transient_answer("Pre Validation failed on gl-b1. Please check log file for details.")
    for lasting in ("Staging failed on gl-a1. Error: Volume drvol does not exist",
                    "Volume drvol does not exist", "Connection failed. Please check if gluster daemon is operational.",
                    "", None):
        assert transient_answer(lasting) is None, lasting


def test_modules_that_change_the_pool_do_not_retry(clock):
    # GlusterCli without a RetryWindow (gluster_volume, gluster_peer, ...): the failure is raised as it came
    class Once(object):
        commands = []

        def get_bin_path(self, name, required=False):
            return "/usr/sbin/" + name

        def run_command(self, cmd):
            self.commands.append(cmd)
            return BUSY[0], BUSY[1], ""

    module = Once()
    with pytest.raises(gluster_cli.GlusterError) as err:
        gluster_cli.GlusterCli(module).run_xml(["volume", "start", "drvol"])
    assert not isinstance(err.value, gluster_cli.GlusterBusy) and len(module.commands) == 1
    assert str(err.value) == "gluster volume start drvol: Another transaction is in progress for drvol. " \
                             "Please try again after some time."

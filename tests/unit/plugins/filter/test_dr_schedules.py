"""The DR schedules filter: what a schedule becomes (systemd timer, AWX rrule, RPO bound), and every
kind of bad input refused with a message naming the schedule and the problem, all problems at once."""
import subprocess

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.dr_awx_schedules import dr_awx_schedules
from ansible_collections.metrostor.gluster.plugins.filter.dr_schedules import dr_schedules
from ansible_collections.metrostor.gluster.plugins.module_utils.dr_schedule import interval_seconds

PAIRS = [{"primary": "drvol", "standby": "drvol-dr"}, {"primary": "pgdata", "standby": "pgdata"}]
FLUSH = {"namespace": "shop", "pod": "db-0", "container": "db", "command": ["psql", "-c", "CHECKPOINT"]}


def test_interval_schedule():
    [s] = dr_schedules([{"name": "shop", "volumes": ["drvol", "pgdata"], "namespaces": ["shop"], "every": "15m",
                         "pre_hook": FLUSH}], PAIRS)
    assert s["pairs"] == [{"primary": "drvol", "standby": "drvol-dr"}, {"primary": "pgdata", "standby": "pgdata"}]
    assert s["interval_seconds"] == 900 and s["daily_at"] is None
    assert s["timer"] == {"OnActiveSec": "300s", "OnUnitActiveSec": "900s"}
    assert s["rrule"] == "DTSTART:20261201T000000Z RRULE:FREQ=MINUTELY;INTERVAL=15"
    assert s["rpo_bound_seconds"] == 900 + 600 and s["unit"] == "metrostor-dr-shop"
    assert s["pre_hook"]["timeout"] == 120 and s["post_hook"] is None and s["enabled"] is True


def test_daily_schedule_and_hourly_rrule():
    daily, hourly = dr_schedules([{"name": "nightly", "volumes": ["pgdata"], "daily_at": "2:30", "checkpoint_timeout": 60},
                                  {"name": "hourly", "volumes": ["drvol"], "every": "2h", "enabled": False}], PAIRS)
    assert daily["daily_at"] == "02:30" and daily["timer"] == {"OnCalendar": "*-*-* 02:30:00 UTC", "Persistent": "true"}
    assert daily["rrule"] == "DTSTART:20261201T023000Z RRULE:FREQ=DAILY;INTERVAL=1"
    assert daily["rpo_bound_seconds"] == 86400 + 60
    assert hourly["rrule"] == "DTSTART:20261201T000000Z RRULE:FREQ=HOURLY;INTERVAL=2" and hourly["enabled"] is False


def test_on_calendar_is_what_systemd_accepts():
    [s] = dr_schedules([{"name": "nightly", "volumes": ["pgdata"], "daily_at": "23:05"}], PAIRS)
    out = subprocess.run(["systemd-analyze", "calendar", s["timer"]["OnCalendar"]], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert out.returncode == 0 and "Normalized form: *-*-* 23:05:00 UTC" in out.stdout, out.stdout


@pytest.mark.parametrize("text,seconds", [("15m", 900), ("90s", 90), ("2h", 7200), ("30", 1800), ("5 min", 300),
                                          ("soon", None), ("-5m", None)])
def test_interval_parsing(text, seconds):
    assert interval_seconds(text) == seconds


@pytest.mark.parametrize("schedule,message", [
    ({"name": "shop", "volumes": ["nosuch"], "every": "15m"},
     "schedule 'shop' names volumes that are not copied to the DR site: nosuch (metrostor_dr_site.volumes has drvol, "
     "pgdata)"),
    ({"name": "shop", "volumes": ["drvol"], "namespaces": ["Shop_NS"], "every": "15m"},
     "schedule 'shop' names invalid namespaces Shop_NS"),
    ({"name": "shop", "volumes": ["drvol"], "every": "15m", "daily_at": "02:00"},
     "schedule 'shop' needs exactly one of every (e.g. 15m) and daily_at (HH:MM UTC)"),
    ({"name": "shop", "volumes": ["drvol"]}, "needs exactly one of every"),
    ({"name": "shop", "volumes": ["drvol"], "every": "30s"}, "every='30s' is shorter than 60 s"),
    ({"name": "shop", "volumes": ["drvol"], "daily_at": "25:00"}, "daily_at='25:00' is not HH:MM (UTC)"),
    ({"name": "Shop!", "volumes": ["drvol"], "every": "15m"}, "name must be lower-case letters"),
    ({"name": "shop", "volumes": [], "every": "15m"}, "needs volumes"),
    ({"name": "shop", "volumes": ["drvol"], "every": "15m", "intervall": 3}, "has unknown keys intervall"),
    ({"name": "shop", "volumes": ["drvol"], "every": "15m",
      "pre_hook": {"namespace": "shop", "pod": "db-0", "command": "psql -c CHECKPOINT"}},
     "pre_hook needs command as a list of strings (argv, no shell)"),
    ({"name": "shop", "volumes": ["drvol"], "namespaces": ["shop"], "every": "15m",
      "post_hook": dict(FLUSH, namespace="other")},
     "post_hook runs in namespace 'other', which is not one of the group's namespaces shop"),
    ({"name": "shop", "volumes": ["drvol"], "every": "15m", "checkpoint_timeout": 0},
     "checkpoint_timeout must be a positive number of seconds"),
])
def test_bad_schedules_refused_naming_the_problem(schedule, message):
    with pytest.raises(AnsibleFilterError) as err:
        dr_schedules([schedule], PAIRS)
    assert message in str(err.value) and "nothing was changed" in str(err.value), str(err.value)


def test_unknown_namespace_refused_when_the_cluster_is_known():
    schedules = [{"name": "shop", "volumes": ["drvol"], "namespaces": ["shop", "billing"], "every": "15m"}]
    assert dr_schedules(schedules, PAIRS, ["shop", "billing", "default"])[0]["namespaces"] == ["shop", "billing"]
    with pytest.raises(AnsibleFilterError) as err:
        dr_schedules(schedules, PAIRS, ["shop", "default"])
    assert "schedule 'shop' names namespaces the cluster does not have: billing (it has default, shop)" in str(err.value)


def test_every_problem_reported_at_once_and_duplicates():
    with pytest.raises(AnsibleFilterError) as err:
        dr_schedules([{"name": "a", "volumes": ["nosuch"], "every": "15m"},
                      {"name": "a", "volumes": ["drvol"], "every": "1s"}], PAIRS)
    text = str(err.value)
    assert "nosuch" in text and "declared twice" in text and "shorter than 60 s" in text


def test_not_a_list_refused():
    with pytest.raises(AnsibleFilterError, match="must be a list"):
        dr_schedules({"name": "a"}, PAIRS)


def test_awx_schedules():
    checked = dr_schedules([{"name": "shop", "volumes": ["drvol"], "namespaces": ["shop"], "every": "15m"},
                            {"name": "nightly", "volumes": ["pgdata"], "daily_at": "02:30", "enabled": False}], PAIRS)
    shop, nightly = dr_awx_schedules(checked)
    assert shop == {"name": "metrostor: DR schedule shop", "job_template": "metrostor: DR schedule run",
                    "rrule": "DTSTART:20261201T000000Z RRULE:FREQ=MINUTELY;INTERVAL=15",
                    "description": "DR schedule shop: checkpoint of drvol, export of namespaces shop; RPO at most 1500 s",
                    "extra_data": {"gluster_dr_schedule_name": "shop"}, "enabled": True}
    assert nightly["enabled"] is False and nightly["extra_data"] == {"gluster_dr_schedule_name": "nightly"}

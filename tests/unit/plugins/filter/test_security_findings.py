"""The security check's findings: what each property means and when it fails."""
import calendar
import time

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.security_findings import (
    security_findings, security_table, security_violations)

NOW = calendar.timegm(time.strptime("2026-11-26 08:00:00", "%Y-%m-%d %H:%M:%S"))
VOLUMES = """<cliOutput><volInfo><volumes>
<volume><name>secure</name><id>1</id><statusStr>Started</statusStr><options>
<option><name>client.ssl</name><value>on</value></option>
<option><name>server.ssl</name><value>on</value></option>
<option><name>auth.allow</name><value>10.77.1.11,10.77.1.16/28</value></option></options></volume>
<volume><name>open</name><id>2</id><statusStr>Started</statusStr><options>
<option><name>auth.allow</name><value>*</value></option></options></volume>
</volumes></volInfo></cliOutput>"""
GOOD_KEY = ('from="10.77.3.11",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty '
            'ssh-ed25519 AAAA heketi@gl-c1')


def by(rows, prop, subject=None):
    return [r for r in rows if r["property"] == prop and (subject is None or r["subject"] == subject)]


def test_unreachable_host_reported_not_skipped():
    rows = security_findings({"gl-a1": None, "gl-b1": {"secure_access": True}}, now=NOW)
    assert by(rows, "reachable", "gl-a1")[0]["ok"] is False
    assert by(rows, "reachable", "gl-b1")[0]["ok"] is True
    assert security_violations(rows, ["gluster_management_tls"]) == []
    assert [r["subject"] for r in security_violations(rows, ["reachable"])] == ["gl-a1"]


def test_file_modes():
    rows = security_findings({"gl-c1": {"files": [
        {"path": "/etc/heketi/heketi.json", "mode": "0600", "exists": True},
        {"path": "/var/backups/heketi/x.db", "mode": "0644", "exists": True}]}}, now=NOW)
    bad = security_violations(rows, ["file_private"])
    assert [r["subject"] for r in bad] == ["gl-c1:/var/backups/heketi/x.db"]


def test_certificate_days_left():
    facts = {"gl-a1": {"certificates": [{"path": "/etc/ssl/glusterfs.pem", "enddate": "notAfter=Dec 10 08:00:00 2026 GMT"}]}}
    rows = security_findings(facts, now=NOW, min_days=30)
    assert by(rows, "certificate_valid")[0]["ok"] is False and "(14 days)" in by(rows, "certificate_valid")[0]["value"]
    assert by(security_findings(facts, now=NOW, min_days=7), "certificate_valid")[0]["ok"] is True


def test_executor_key_options():
    loose = "ssh-ed25519 AAAA heketi@gl-c1"
    no_pty_missing = 'from="10.77.3.11",no-port-forwarding,no-agent-forwarding,no-X11-forwarding ssh-ed25519 AAAA heketi@gl-c1'
    rows = security_findings({"gl-a1": {"executor_keys": [GOOD_KEY]}, "gl-b1": {"executor_keys": [loose]},
                              "gl-b2": {"executor_keys": [no_pty_missing]}}, now=NOW)
    result = {r["subject"].split(":")[0]: r for r in by(rows, "executor_key_restricted")}
    assert result["gl-a1"]["ok"] and not result["gl-b1"]["ok"] and not result["gl-b2"]["ok"]
    assert "from=" in result["gl-b1"]["value"] and result["gl-b2"]["value"] == "missing: no-pty"


def test_from_list_with_commas_inside_quotes():
    key = ('from="10.77.3.11,10.77.3.12",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty '
           'ssh-ed25519 AAAA heketi@gl-c1')
    assert by(security_findings({"gl-a1": {"executor_keys": [key]}}, now=NOW), "executor_key_restricted")[0]["ok"]


def test_volumes_tls_and_auth_allow():
    probes = {"secure": [{"online": True, "tls": True}, {"online": True, "tls": True}],
              "open": [{"online": True, "tls": False}]}
    rows = security_findings({}, volumes_xml=VOLUMES, brick_probes=probes, now=NOW)
    assert by(rows, "volume_io_tls", "volume secure")[0]["ok"]
    assert not by(rows, "volume_io_tls", "volume open")[0]["ok"]
    assert by(rows, "volume_auth_allow", "volume secure")[0]["ok"]
    assert not by(rows, "volume_auth_allow", "volume open")[0]["ok"]


def test_options_on_but_bricks_still_plain_is_not_tls():
    probes = {"secure": [{"online": True, "tls": True}, {"online": True, "tls": False}]}
    rows = security_findings({}, volumes_xml=VOLUMES, brick_probes=probes, now=NOW)
    row = by(rows, "volume_io_tls", "volume secure")[0]
    assert not row["ok"] and "1/2" in row["value"]


def test_unknown_required_property_refused():
    with pytest.raises(AnsibleFilterError, match="unknown properties heketi_tsl"):
        security_violations([], ["heketi_tsl"])


def test_table_marks_required_failures():
    rows = security_findings({"gl-a1": None}, now=NOW)
    table = security_table(rows, ["reachable"])
    assert table[0].startswith("subject") and "FAIL" in table[2]
    assert "warn" in security_table(rows, [])[2]


def test_every_property_has_a_fix_and_violations_carry_it():
    from ansible_collections.metrostor.gluster.plugins.filter.security_findings import PROPERTIES, REMEDIES
    assert set(PROPERTIES) == set(REMEDIES) and all(REMEDIES[p] for p in PROPERTIES)
    probes = {"secure": [{"online": True, "tls": False}]}
    rows = security_findings({"gl-a1": {"secure_access": False}}, volumes_xml=VOLUMES, brick_probes=probes, now=NOW)
    bad = security_violations(rows, ["gluster_management_tls", "volume_io_tls", "volume_auth_allow"])
    named = {(r["subject"], r["property"]): r["fix"] for r in bad}
    assert set(named) == {("gl-a1", "gluster_management_tls"), ("volume secure", "volume_io_tls"),
                          ("volume open", "volume_io_tls"), ("volume open", "volume_auth_allow")}, named
    assert "gluster_tls_restart=force" in named[("volume secure", "volume_io_tls")]
    assert "gluster_volume_access_volumes" in named[("volume open", "volume_auth_allow")]


def test_properties_are_exactly_the_checks_the_findings_make():
    """PROPERTIES is the list a strict inventory requires (tests/integration/test_lab_hardened_inventory.py):
    facts exercising every kind of finding give rows of exactly these properties, no other."""
    from ansible_collections.metrostor.gluster.plugins.filter.security_findings import PROPERTIES
    facts = {"gl-c1": {"files": [{"path": "/etc/heketi/heketi.json", "mode": "0600", "exists": True}],
                       "heketi_tls": True, "secure_access": True, "executor_keys": [GOOD_KEY],
                       "certificates": [{"path": "/etc/ssl/glusterfs.pem", "enddate": "notAfter=Nov 26 08:00:00 2027 GMT"}]},
             "gl-a1": None}
    rows = security_findings(facts, volumes_xml=VOLUMES, brick_probes={}, now=NOW)
    assert sorted({r["property"] for r in rows}) == sorted(PROPERTIES)

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: security_findings
short_description: The security check's findings, from what playbooks/security_check.yml read
version_added: "0.3.0"
author: metrostor.gluster developers
description:
  - Turns the facts read on each host (C(security_facts)) and the pool's volume information into one row
    per finding C({subject, property, value, ok}). Hosts without facts are reported as unreachable.
  - Also provides C(security_violations) (the rows of required properties that do not hold, each with a
    C(fix), what makes the property hold) and
    C(security_table) (the rows as a text table).
  - "Properties: C(reachable), C(file_private) (no group or other access), C(heketi_tls), C(gluster_management_tls),
    C(volume_io_tls) (client.ssl and server.ssl on and every online brick completing a TLS handshake),
    C(volume_auth_allow) (set, and not C(*)), C(certificate_valid) (valid for at least I(min_days) more days),
    C(executor_key_restricted) (every executor key line has C(from=) and the four C(no-) options)."
options:
  _input:
    description: Host name to its C(security_facts) (missing or null for a host that did not answer).
    type: dict
    required: true
  volumes_xml:
    description: The output of C(gluster volume info --xml) (empty when no server answered).
    type: str
    default: ""
  brick_probes:
    description: Volume name to the C(bricks) list printed by the gluster_tls role's probe.
    type: dict
    default: {}
  min_days:
    description: Certificates must stay valid this many more days.
    type: int
    default: 30
  now:
    description: The time to measure against (seconds since the epoch; default the current time).
    type: float
"""

EXAMPLES = r"""
- name: Findings
  ansible.builtin.set_fact:
    rows: "{{ facts_by_host | metrostor.gluster.security_findings(volumes_xml=xml, min_days=30) }}"
- name: Fail on what must hold
  ansible.builtin.fail:
    msg: "{{ rows | metrostor.gluster.security_violations(['heketi_tls']) }}"
  when: rows | metrostor.gluster.security_violations(['heketi_tls']) | length > 0
"""

RETURN = r"""
_value:
  description: One row per finding.
  type: list
  elements: dict
"""

import calendar
import time
import xml.etree.ElementTree as ET

from ansible.errors import AnsibleFilterError

# Every property the check knows, and what makes it hold (shown with each violation).
REMEDIES = {
    "reachable": "bring the host back; while a site is down, do not require reachable",
    "file_private": "chmod go-rwx the file (the heketi and gluster_tls roles write them owner-only)",
    "heketi_tls": "heketi_tls_enabled: true, then playbooks/heketi.yml",
    "gluster_management_tls": "gluster_tls_management: true, then playbooks/gluster_tls.yml",
    "volume_io_tls": "list the volume in gluster_tls_volumes, then playbooks/gluster_tls.yml -e gluster_tls_restart=force",
    "volume_auth_allow": "list the volume in gluster_volume_access_volumes, then playbooks/gluster_volume_access.yml",
    "certificate_valid": "renew it: playbooks/rotate_secrets.yml (Gluster's), a new heketi_tls_cert_src or the role's CA (Heketi's)",
    "executor_key_restricted": "playbooks/heketi.yml installs the key with from= and the no- options",
}
PROPERTIES = tuple(REMEDIES)
KEY_OPTIONS = ("no-port-forwarding", "no-agent-forwarding", "no-X11-forwarding", "no-pty")


def _row(subject, prop, value, ok):
    return {"subject": subject, "property": prop, "value": value, "ok": bool(ok)}


def _enddate_seconds(text):
    """openssl's 'notAfter=Nov 26 07:00:00 2027 GMT' (or the part after '=') as epoch seconds."""
    text = text.split("=", 1)[-1].strip()
    return calendar.timegm(time.strptime(text.replace("  ", " "), "%b %d %H:%M:%S %Y GMT"))


def _key_options(line):
    """The options field of an authorized_keys line (before the key type), split on commas outside quotes."""
    opts, cur, quoted = [], "", False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        if ch == " " and not quoted:
            break
        if ch == "," and not quoted:
            opts.append(cur)
            cur = ""
        else:
            cur += ch
    opts.append(cur)
    return [o for o in opts if o]


def _host_rows(host, facts, min_days, now):
    if not facts:
        return [_row(host, "reachable", "did not answer", False)]
    rows = [_row(host, "reachable", "yes", True)]
    for f in facts.get("files", []):
        if not f.get("exists"):
            continue
        mode = int(str(f["mode"]), 8)
        rows.append(_row("%s:%s" % (host, f["path"]), "file_private", "%04o %s" % (mode, f.get("owner", "")),
                         mode & 0o077 == 0))
    if "heketi_tls" in facts:
        rows.append(_row(host, "heketi_tls", "on" if facts["heketi_tls"] else "off", facts["heketi_tls"]))
    if "secure_access" in facts:
        rows.append(_row(host, "gluster_management_tls", "on" if facts["secure_access"] else "off",
                         facts["secure_access"]))
    for cert in facts.get("certificates", []):
        subject = "%s:%s" % (host, cert["path"])
        if not cert.get("enddate"):
            continue
        left = (_enddate_seconds(cert["enddate"]) - now) / 86400.0
        shown = "%s (%d days)" % (cert["enddate"].split("=", 1)[-1], int(left))
        rows.append(_row(subject, "certificate_valid", shown, left >= min_days))
    if "executor_keys" in facts:
        lines = facts["executor_keys"]
        if not lines:
            rows.append(_row(host, "executor_key_restricted", "no executor key", True))
        for line in lines:
            opts = _key_options(line)
            missing = [o for o in KEY_OPTIONS if o not in opts]
            has_from = any(o.startswith("from=") for o in opts)
            value = ",".join(opts) if not missing and has_from else "missing: %s" % ", ".join(
                (["from="] if not has_from else []) + missing)
            rows.append(_row("%s:%s" % (host, line.rsplit(" ", 1)[-1]), "executor_key_restricted", value,
                             has_from and not missing))
    return rows


def _volume_rows(volumes_xml, brick_probes):
    rows = []
    if not volumes_xml:
        return rows
    try:
        root = ET.fromstring(volumes_xml)
    except ET.ParseError as err:
        raise AnsibleFilterError("security_findings: gluster volume info --xml is not XML: %s" % err)
    for vol in root.iter("volume"):
        name = vol.findtext("name")
        if not name:
            continue
        opts = {o.findtext("name"): o.findtext("value") for o in vol.iter("option")}
        started = vol.findtext("statusStr") == "Started"
        client_ssl = opts.get("client.ssl", "off") in ("on", "true", "yes", "enable", "1")
        server_ssl = opts.get("server.ssl", "off") in ("on", "true", "yes", "enable", "1")
        probes = [b for b in brick_probes.get(name, []) if b.get("online")]
        speaking = sum(1 for b in probes if b.get("tls"))
        value = "client.ssl %s, server.ssl %s" % ("on" if client_ssl else "off", "on" if server_ssl else "off")
        if started:
            value += ", bricks speaking TLS %d/%d" % (speaking, len(probes))
        ok = client_ssl and server_ssl and (not started or (probes and speaking == len(probes)))
        rows.append(_row("volume " + name, "volume_io_tls", value, ok))
        allow = opts.get("auth.allow", "")
        rows.append(_row("volume " + name, "volume_auth_allow", allow or "not set (every address)",
                         bool(allow) and allow.strip() != "*"))
    return rows


def security_findings(facts_by_host, volumes_xml="", brick_probes=None, min_days=30, now=None):
    if not isinstance(facts_by_host, dict):
        raise AnsibleFilterError("security_findings: expected host name -> security_facts")
    now = time.time() if now is None else float(now)
    rows = []
    for host in sorted(facts_by_host):
        rows.extend(_host_rows(host, facts_by_host[host], int(min_days), now))
    rows.extend(_volume_rows(volumes_xml, brick_probes or {}))
    return rows


def security_violations(rows, required):
    unknown = [p for p in required if p not in PROPERTIES]
    if unknown:
        raise AnsibleFilterError("security_violations: unknown properties %s (known: %s)"
                                 % (", ".join(unknown), ", ".join(PROPERTIES)))
    return [dict(r, fix=REMEDIES[r["property"]]) for r in rows if r["property"] in required and not r["ok"]]


def security_table(rows, required=()):
    header = ("subject", "property", "value", "result")
    body = [(r["subject"], r["property"], str(r["value"]),
             "ok" if r["ok"] else ("FAIL" if r["property"] in required else "warn")) for r in rows]
    widths = [max(len(x[i]) for x in [header] + body) for i in range(4)]
    fmt = " | ".join("%%-%ds" % w for w in widths)
    return [fmt % header, "-+-".join("-" * w for w in widths)] + [fmt % line for line in body]


class FilterModule(object):
    def filters(self):
        return {"security_findings": security_findings, "security_violations": security_violations,
                "security_table": security_table}

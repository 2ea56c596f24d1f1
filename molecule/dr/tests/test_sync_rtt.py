"""Sync or async from measured RTT: validate_latency.yml passes on the lab, refuses a metro link
delayed by 30 ms naming the link and the figure, and accepts it with the override."""
import os
import re
import subprocess

testinfra_hosts = ["gl-b1"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# the repository's ansible.cfg (the lab inventory), not molecule's (which has none)
ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
LAB = os.path.join(ROOT, "lab", "lab")


def validate(*extra):
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/validate_latency.yml"]
                          + list(extra), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=ENV, check=False)
    return proc.returncode, proc.stdout


def test_fast_metro_links_pass():
    rc, out = validate()
    assert rc == 0, out[-2000:]
    assert re.search(r"'a-b': [\d.]+, 'a-c': [\d.]+, 'b-c': [\d.]+", out), out[-2000:]


def test_delayed_site_refused_then_overridden():
    subprocess.run([LAB, "delay", "b", "30"], check=True)
    try:
        rc, out = validate()
        rc_override, out_override = validate("-e", "metrostor_allow_slow_sync_link=true")
        rc_limit, _out = validate("-e", "metrostor_max_sync_rtt_ms=50")
    finally:
        subprocess.run([LAB, "delay", "b", "0"], check=True)
    assert rc != 0
    match = re.search(r"the link between sites a-b has a round-trip time of ([\d.]+) ms \(gl-a1 -> 10.77.2.11\)", out)
    assert match and 28 <= float(match.group(1)) <= 80, out[-3000:]
    assert "b-c has a round-trip time" in out and "a-c has" not in out
    assert "geo-replication" in out and "metrostor_allow_slow_sync_link=true" in out
    assert rc_override == 0 and "ACCEPTED ABOVE THE LIMIT" in out_override, out_override[-2000:]
    assert rc_limit == 0


def test_dr_site_delay_does_not_count():
    subprocess.run([LAB, "delay", "d", "30"], check=True)
    try:
        rc, out = validate()
    finally:
        subprocess.run([LAB, "delay", "d", "0"], check=True)
    assert rc == 0, out[-2000:]

"""Playbooks while a site is cut: the unreachable hosts are reported within 60 s, also over SSH
master connections kept open (ControlPersist) from an earlier run, and site.yml stops before
changing anything with a message that names the site."""
import os
import subprocess
import time

import pytest

testinfra_hosts = ["gl-b1"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
           # molecule's verifier exports ANSIBLE_FORCE_COLOR: colour codes begin every line of the output
           ANSIBLE_FORCE_COLOR="0")
ENV.pop("ANSIBLE_INVENTORY", None)


def lab(*args):
    subprocess.run([os.path.join(ROOT, "lab", "lab")] + list(args), check=True, cwd=ROOT)


def timed(cmd, limit=180):
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=limit, check=False)
    return time.monotonic() - start, proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def site_a_cut():
    # open SSH master connections to every host first: they must not hang once the site is gone
    _elapsed, rc, out = timed([os.path.join(ROOT, ".venv", "bin", "ansible"), "all", "-m", "ansible.builtin.ping"])
    assert rc == 0, out[-2000:]
    lab("cut", "a")
    try:
        yield
    finally:
        lab("heal", "a")
        # the next scenario test needs the whole pool back: glusterd reconnects on its own schedule
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            pool = subprocess.run([os.path.join(ROOT, "lab", "lab"), "ssh", "gl-b1", "gluster --mode=script pool list"],
                                  cwd=ROOT, capture_output=True, text=True, check=False).stdout
            if "Connected" in pool and "Disconnected" not in pool:
                break
            time.sleep(3)


def test_adhoc_ping_reports_site_a_within_60s(site_a_cut):
    seconds, rc, out = timed([os.path.join(ROOT, ".venv", "bin", "ansible"), "gluster_nodes", "-m",
                              "ansible.builtin.ping"])
    assert seconds < 60, (seconds, out[-2000:])
    assert "gl-a1 | UNREACHABLE" in out and "gl-a2 | UNREACHABLE" in out
    assert "gl-b1 | SUCCESS" in out and "gl-c1 | SUCCESS" in out


def test_site_yml_stops_naming_the_site_before_changing_anything(site_a_cut):
    seconds, rc, out = timed([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/site.yml"])
    assert rc != 0
    assert seconds < 60, (seconds, out[-3000:])
    assert "site a (gl-a1, gl-a2) did not answer: site.yml stops here, before changing anything" in out, out[-3000:]
    assert "changed=0" in out and "changed=1" not in out
    # it stopped before the Gluster nodes' play
    assert "GlusterFS storage nodes" not in out


def test_health_goes_on_without_site_a_and_shows_it_down(site_a_cut):
    seconds, rc, out = timed([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/health.yml"])
    assert rc == 4, out[-3000:]  # ansible-playbook's exit code for "some hosts were unreachable"; no failure
    assert seconds < 90, (seconds, out[-3000:])
    assert "site a (gl-a1, gl-a2) did not answer; health.yml goes on with" in out
    assert "degraded: peer" in out and "3/5 peers connected" in out, out[-3000:]
    # the per-site table: site a's two peers are not connected, sites b and c are whole
    table = [line for line in out.splitlines() if line.strip().startswith('"a ') or line.strip().startswith('"b ')]
    assert any("0/2" in line for line in table if '"a ' in line), table
    assert any("2/2" in line for line in table if '"b ' in line), table


def test_health_fails_only_when_asked(site_a_cut):
    _elapsed, rc, out = timed([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/health.yml",
                               "-e", '{"metrostor_health_fail_on": ["peers"]}'])
    assert rc != 0 and "Unhealthy (peers)" in out, out[-3000:]
    # server and client quorum hold with one site lost: asking to fail on quorum does not fail
    _elapsed, rc, out = timed([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/health.yml",
                               "-e", '{"metrostor_health_fail_on": ["quorum", "split_brain"]}'])
    assert rc == 4 and "Unhealthy" not in out, out[-3000:]

"""playbooks/validate_latency.yml end to end on this machine (three 'sites' on loopback addresses,
a TCP listener standing in for SSH): fast links pass, a limit below the measured figure is refused
naming each link, its figure and hosts, the override accepts it, an unreachable site is refused even
with the override, and the DR site is not measured.  The lab test (molecule/dr) does the same with
`lab delay`."""
import os
import re
import socket
import subprocess
import sys
import threading

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def listener():
    servers = []
    for address in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((address, 0 if not servers else servers[0].getsockname()[1]))
        server.listen(64)
        servers.append(server)

    def accept(server):
        while True:
            try:
                conn, _unused = server.accept()
                conn.close()
            except OSError:
                return

    for server in servers:
        threading.Thread(target=accept, args=(server,), daemon=True).start()
    yield servers[0].getsockname()[1]
    for server in servers:
        server.close()


def run(port, *extra):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                           "tests/integration/inventories/latency_local.yml", "playbooks/validate_latency.yml",
                           "-e", "metrostor_rtt_port=%d" % port] + list(extra),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_fast_links_pass_and_dr_site_not_measured(listener):
    rc, out = run(listener)
    assert rc == 0, out[-3000:]
    assert re.search(r"'a-b': [\d.]+, 'a-c': [\d.]+, 'b-c': [\d.]+\}", out), out[-2000:]
    assert "ld1" not in out


def test_limit_below_the_figure_refused_then_overridden(listener):
    rc, out = run(listener, "-e", "metrostor_max_sync_rtt_ms=0.000001")
    assert rc != 0
    for link, src, dst in (("a-b", "la1", "127.0.0.2"), ("a-c", "la1", "127.0.0.3"), ("b-c", "lb1", "127.0.0.3")):
        assert re.search(r"the link between sites %s has a round-trip time of [\d.]+ ms \(%s -> %s\)" % (
            link, src, re.escape(dst)), out), out[-3000:]
    assert "geo-replication" in out and "metrostor_allow_slow_sync_link=true" in out
    rc, out = run(listener, "-e", "metrostor_max_sync_rtt_ms=0.000001", "-e", "metrostor_allow_slow_sync_link=true")
    assert rc == 0 and "ACCEPTED ABOVE THE LIMIT" in out, out[-3000:]


def test_unreachable_site_refused_even_with_override():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    rc, out = run(port, "-e", "metrostor_allow_slow_sync_link=true")
    assert rc != 0 and "could not be measured" in out, out[-3000:]


def test_skip_switch(listener):
    rc, out = run(1, "-e", "metrostor_check_sync_latency=false")
    assert rc == 0, out[-2000:]

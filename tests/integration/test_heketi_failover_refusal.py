"""playbooks/heketi_failover.yml decides, before it changes anything, whether the target already runs
THE Heketi: only when Heketi answers there AND the DB's heketi_db_dir/active-host names it.  A Heketi
that answers on the old host after its site came back, while the DB names the standby, is a stale one:
moving back to it is refused while the standby answers (unless force).  Before this rule (seen by
reading after the lab run of molecule/day2 test_05) the stale Heketi's answer counted as "already
active", the run fenced the standby without force and kept the stale process serving an old view of
the DB without its lock.

Two Heketi hosts on this machine (connection local): each "Heketi" is an HTTP server answering /hello,
each heketi_db_dir a directory holding active-host.  The run stops at the refusal, or, when the target
is the active one, goes on to the cluster health gate, which fails here (no gluster): only the
decision is tested."""
import http.server
import json
import os
import re
import threading

import pytest

from tests.integration.ansible_playbook import run_playbook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "heketi_failover.yml")
REFUSED = "heketi_failover.yml refused, nothing was changed: Heketi still answers on gl-a2"


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200 if self.path == "/hello" else 404)
        self.end_headers()
        self.wfile.write(b"Hello from Heketi")

    def log_message(self, *args):
        pass


@pytest.fixture
def heketi_hosts(tmp_path):
    """gl-c1 (group heketi, site c) and gl-a2 (group heketi_standby, site a), both answering."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    dirs = {}
    for host in ("gl-a2", "gl-c1"):
        dirs[host] = tmp_path / host
        dirs[host].mkdir()

    def host_vars(name, server):
        return {"ansible_connection": "local", "ansible_host": "127.0.0.1", "heketi_port": server.server_address[1],
                "heketi_db_dir": str(dirs[name])}
    inventory = {"all": {
        "vars": {"metrostor_sites": {"a": {"group": "site_a", "zone": 1}, "b": {"group": "site_b", "zone": 2},
                                     "c": {"group": "site_tiebreaker", "zone": 3, "tiebreaker": True}}},
        "children": {
            "gluster_nodes": {"children": {"site_a": {"hosts": {"gl-a2": host_vars("gl-a2", servers[0])}},
                                           "site_tiebreaker": {"hosts": {"gl-c1": host_vars("gl-c1", servers[1])}}}},
            "heketi": {"hosts": {"gl-c1": {}}},
            "heketi_standby": {"hosts": {"gl-a2": {}}}}}}
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(inventory))
    yield path, dirs
    for server in servers:
        server.shutdown()
        server.server_close()


def failover_to(inventory, target, *extra):
    return run_playbook(["-i", str(inventory), PLAYBOOK, "-e", "heketi_failover_to=" + target] + list(extra))


def test_moving_back_to_a_stale_heketi_is_refused_while_the_active_one_answers(heketi_hosts):
    inventory, dirs = heketi_hosts
    # the DB (one volume, mounted on both) names the standby: gl-c1's Heketi answers, but it is stale
    for host in dirs:
        (dirs[host] / "active-host").write_text("gl-a2\n")
    run = failover_to(inventory, "gl-c1")
    assert run["rc"] != 0 and REFUSED in run["out"], run["out"][-3000:]
    assert not re.search(r"changed=[1-9]", run["out"]), run["out"][-3000:]


def test_a_target_that_the_db_names_active_is_not_refused(heketi_hosts):
    inventory, dirs = heketi_hosts
    # the DB names gl-c1 (Heketi moved home already): gl-a2's Heketi that answers is the stale one,
    # stopped without force; the run goes past the refusal (to the health gate, which fails here)
    for host in dirs:
        (dirs[host] / "active-host").write_text("gl-c1\n")
    run = failover_to(inventory, "gl-c1")
    assert REFUSED not in run["out"], run["out"][-3000:]
    assert "Refuse to act on a cluster degraded in another way than the lost sites" in run["out"], run["out"][-3000:]


def test_a_standby_without_the_db_mounted_is_refused_while_the_old_one_answers(heketi_hosts):
    inventory, dirs = heketi_hosts
    # the first failover, the old site still answering: gl-a2 has no active-host (DB not mounted there)
    (dirs["gl-c1"] / "active-host").write_text("gl-c1\n")
    run = failover_to(inventory, "gl-a2")
    assert run["rc"] != 0 and "Heketi still answers on gl-c1" in run["out"], run["out"][-3000:]

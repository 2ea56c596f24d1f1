"""Heketi on the tie-breaker host: the real Heketi (upstream v10, built from source), installed
from the release archive that `lab up` packs, configured, reachable, SSH executor key working,
topology applied with zones per site and arbiter tags, DB backed up (also before every topology
change).  The lab runs Heketi's mock executor (this kernel cannot activate LVM); the role refuses
it anywhere else."""
import datetime
import json
import os

import yaml

testinfra_hosts = ["gl-c1"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

HEKETI = {"heketi_url": "https://127.0.0.1:8080", "heketi_key": "lab-admin-secret",
          "ca_path": "/etc/heketi/tls/ca.crt"}
NODES = {"10.77.1.11": (1, "disabled"), "10.77.1.12": (1, "disabled"), "10.77.2.11": (2, "disabled"),
         "10.77.2.12": (2, "disabled"), "10.77.3.11": (3, "required")}


def test_service_and_files(host):
    assert host.service("heketi").is_running and host.service("heketi").is_enabled
    conf = host.file("/etc/heketi/heketi.json")
    assert conf.mode == 0o600 and conf.user == "heketi"
    key = host.file("/etc/heketi/heketi_key")
    assert key.mode == 0o600 and key.user == "heketi"
    assert host.file("/usr/local/bin/heketi").linked_to == "/opt/heketi/10.4.1/heketi/heketi"
    # the real server, not a stand-in
    assert host.check_output("heketi --version").startswith("Heketi v10.4.1-1-ge08cc22d")


def test_config_has_mock_executor_in_lab_only_and_strict_zones(host):
    conf = json.loads(host.file("/etc/heketi/heketi.json").content_string)
    ssh = conf["glusterfs"]["sshexec"]
    assert conf["glusterfs"]["executor"] == "mock"  # inventories/lab only (no device-mapper here)
    assert ssh == {"keyfile": "/etc/heketi/heketi_key", "user": "heketi-exec", "port": "22", "sudo": True,
                   "fstab": "/etc/fstab"}
    assert conf["enable_tls"] is True and conf["cert_file"] == "/etc/heketi/tls/heketi.crt"
    assert conf["use_auth"] is True and conf["jwt"]["admin"]["key"]
    assert conf["glusterfs"]["zone_checking"] == "strict"
    with open(os.path.join(ROOT, "roles", "heketi", "defaults", "main.yml")) as handle:
        wanted = yaml.safe_load(handle)["heketi_volume_options"]
    assert conf["glusterfs"]["pre_request_volume_options"] == ",".join(wanted)
    assert "user.heketi.arbiter true" not in wanted, "a plain replica-3 volume must stay plain"


def test_mock_executor_refused_outside_the_lab(playbook):
    rc, out, recap = playbook("--limit", "gl-c1", "-e", "heketi_lab_allow_mock_executor=false",
                              playbook="playbooks/heketi.yml")
    assert rc != 0 and "heketi_executor=mock is Heketi's test executor" in out, out[-3000:]
    assert recap["gl-c1"]["changed"] == 0


SSH = "ssh -i %s -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=5 heketi-exec@%s %s"


def test_heketi_key_runs_gluster_on_every_node(host):
    for address in NODES:
        out = host.check_output(SSH % ("/etc/heketi/heketi_key", address, "sudo gluster --version"))
        assert out.startswith("glusterfs 10.")


def test_executor_may_sudo_only_what_heketi_runs(host):
    run = host.run(SSH % ("/etc/heketi/heketi_key", "10.77.1.11", "sudo -n id"))
    # refused: sudo -n says so, or (sudo 1.9, a command outside the list) asks for a password it cannot get
    assert run.rc != 0 and ("not allowed to execute" in run.stderr or "a password is required" in run.stderr), \
        run.stderr
    sudoers = host.check_output(SSH % ("/etc/heketi/heketi_key", "10.77.1.11", "sudo -n -l"))
    assert "/usr/sbin/lvm" in sudoers and "/usr/sbin/gluster" in sudoers and "(root) NOPASSWD: ALL" not in sudoers


def test_executor_key_refused_from_a_host_that_is_not_heketi(host, ansible_host_for):
    other = ansible_host_for("gl-a1")
    key = host.file("/etc/heketi/heketi_key").content_string
    other.run_test("install -m 0600 /dev/null /root/stolen_key && cat > /root/stolen_key <<'EOF'\n%sEOF" % key)
    try:
        # (testinfra takes ssh's own exit code 255 for a failure of its connection: report it in stdout)
        run = other.run(SSH % ("/root/stolen_key", "10.77.2.11", "true") + "; echo rc=$?")
        assert "rc=255" in run.stdout and "Permission denied" in run.stderr, (run.stdout, run.stderr)
    finally:
        other.run("rm -f /root/stolen_key")
    # the same key from the Heketi host works, but gets no terminal
    assert host.run(SSH % ("/etc/heketi/heketi_key", "10.77.2.11", "true")).rc == 0
    tty = host.run(SSH.replace("ssh ", "ssh -tt ") % ("/etc/heketi/heketi_key", "10.77.2.11", "tty") + "; echo rc=$?")
    assert "PTY allocation request failed" in tty.stderr, tty.stderr


def test_a_from_list_that_locks_heketi_out_is_refused(playbook):
    rc, out, recap = playbook("--limit", "gl-c1", "-e", '{"heketi_ssh_allowed_from": ["10.99.0.0/16"]}',
                              playbook="playbooks/heketi.yml")
    assert rc != 0 and "lets in none of gl-c1's addresses" in out and "locked out" in out, out[-3000:]
    assert recap["gl-c1"]["changed"] == 0


def test_heketi_answers_only_over_https(host):
    plain = host.run("python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/hello')\"")
    assert plain.rc != 0
    tls = host.check_output("python3 -c \"import ssl, urllib.request; print(urllib.request.urlopen("
                            "'https://127.0.0.1:8080/hello', context=ssl.create_default_context("
                            "cafile='/etc/heketi/tls/ca.crt')).read().decode())\"")
    assert tls == "Hello from Heketi"
    # the modules verify the certificate by default: without the CA, they refuse
    # (testinfra's ansible backend hands the failed module's result back without raising)
    without_ca = dict((k, v) for k, v in HEKETI.items() if k != "ca_path")
    refused = host.ansible("metrostor.gluster.heketi_info", json.dumps(without_ca), check=False)
    assert "CERTIFICATE_VERIFY_FAILED" in refused.get("msg", ""), refused
    assert not refused.get("clusters"), refused
    # ...unless told not to verify it (validate_certs: false)
    told = host.ansible("metrostor.gluster.heketi_info",
                        json.dumps(dict(without_ca, validate_certs=False, gather=["clusters"])), check=False)
    assert len(told.get("clusters", [])) == 1, told


def test_topology_applied_with_zones_and_tags(host):
    info = host.ansible("metrostor.gluster.heketi_info", json.dumps(dict(HEKETI, gather=["clusters"])), check=False)
    clusters = info["clusters"]
    assert len(clusters) == 1
    seen = {}
    for node in clusters[0]["node_infos"]:
        seen[node["hostnames"]["manage"][0]] = (node["zone"], node["tags"]["arbiter"])
        assert [d["name"] for d in node["devices"]] == ["/dev/vdc"]
    assert seen == NODES


def backups(host):
    return sorted(host.check_output("ls /var/backups/heketi").split())


def not_by_the_timer(host, names):
    """The backups among `names` that the backup timer did not take.  The lab's timer fires every
    5 minutes (inventories/lab: heketi_backup_schedule), so a tick may fall inside a playbook run
    (CI saw one).  A tick starts one run of the backup service at once, so the timer's backup is the
    first one saved within 30 s after its last trigger; a playbook's backup may follow it inside the
    same 30 s (CI saw that too: 7 s after the tick), so only that first one is the timer's."""
    last = host.check_output('date -u -d "$(systemctl show heketi-db-backup.timer -p LastTriggerUSec --value)" '
                             '+%Y%m%dT%H%M%S')
    tick = datetime.datetime.strptime(last, "%Y%m%dT%H%M%S")
    saved = {name: datetime.datetime.strptime(name[len("heketi-"):][:15], "%Y%m%dT%H%M%S") for name in names}
    after_tick = sorted(name for name, when in saved.items() if 0 <= (when - tick).total_seconds() <= 30)
    timers = set(after_tick[:1])
    return sorted(name for name in names if name not in timers)


def test_db_backup(host):
    host.run_test("systemctl start heketi-db-backup.service")
    newest = backups(host)[-1]
    # a BoltDB file: the real server's own exporter reads it back
    host.run_test("rm -f /tmp/backup.json && heketi db export --dbfile=/var/backups/heketi/%s "
                  "--jsonfile=/tmp/backup.json" % newest)
    dump = json.loads(host.file("/tmp/backup.json").content_string)
    assert len(dump["nodeentries"]) == 5
    assert host.file("/var/backups/heketi/" + newest).mode == 0o600
    assert host.service("heketi-db-backup.timer").is_enabled


def test_topology_change_is_preceded_by_a_backup(host, playbook):
    heketi = HEKETI
    # drift: someone retagged gl-a1's node by hand
    host.ansible("metrostor.gluster.heketi_node", json.dumps(dict(heketi, manage="10.77.1.11", tags={
        "arbiter": "supported"})), check=False)
    before = backups(host)
    rc, out, recap = playbook("--limit", "gl-c1", playbook="playbooks/heketi.yml")
    assert rc == 0, out[-3000:]
    after = backups(host)
    assert len(not_by_the_timer(host, set(after) - set(before))) == 1, (before[-3:], after[-3:])
    assert out.index("Back up Heketi's DB before the topology changes") < out.index("Make Heketi match the topology")
    # the topology is back, and a run with nothing to change takes no backup
    rc, out, recap = playbook("--limit", "gl-c1", playbook="playbooks/heketi.yml")
    assert rc == 0 and recap["gl-c1"]["changed"] == 0, out[-3000:]
    assert not_by_the_timer(host, set(backups(host)) - set(after)) == [], (after[-3:], backups(host)[-3:])


def test_db_backup_retention(host):
    # 60 older backups: the next run keeps the newest 48 (heketi_backup_retention), this one included
    # (counted without assuming how many real backups exist: the lab's timer may add one meanwhile)
    host.run_test("rm -f /var/backups/heketi/heketi-2020*")
    # at most the newest 20 real ones (a long-lived lab holds up to 48)
    host.run_test("cd /var/backups/heketi && ls | sort | head -n -20 | xargs -r rm -f")
    real = backups(host)
    # made as the backup program makes its files (owner-only: the security check would flag others)
    host.run_test("for i in $(seq -w 1 60); do install -m 0600 -o heketi -g heketi /dev/null "
                  "/var/backups/heketi/heketi-20200101T0000${i}Z.db; done")
    try:
        host.run_test("systemctl start heketi-db-backup.service")
        kept = backups(host)
        assert len(kept) == 48
        assert set(real) < set(kept) and not kept[-1].startswith("heketi-2020"), kept[-3:]
        # the oldest went: the fake ones kept are the newest of them
        fakes = [name for name in kept if name.startswith("heketi-2020")]
        assert fakes == ["heketi-20200101T0000%02dZ.db" % i for i in range(61 - len(fakes), 61)], fakes[:3]
    finally:
        # later scenarios (security_ci's security check) see only real backups
        host.run_test("rm -f /var/backups/heketi/heketi-2020*")


def test_without_a_binary_the_role_says_so_and_skips_the_start(host, playbook):
    host.run_test("mv /usr/local/bin/heketi /usr/local/bin/heketi.aside")
    try:
        rc, out, recap = playbook("--limit", "gl-c1", "-e", "heketi_install_from=none", playbook="playbooks/heketi.yml")
        assert rc == 0, out[-3000:]
        assert "No Heketi binary was supplied (heketi_install_from=none)" in out
        start = out.split("TASK [metrostor.gluster.heketi : Heketi service]")[1].split("TASK [")[0]
        assert "skipping: [gl-c1]" in start
        assert recap["gl-c1"]["changed"] == 0
    finally:
        host.run_test("mv /usr/local/bin/heketi.aside /usr/local/bin/heketi")

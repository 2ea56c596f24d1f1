"""Ganesha runs on both NFS heads; exactly one holds the floating address, and the lab router
sends it there; the exported volume has the options Ganesha needs."""
import subprocess

import pytest

testinfra_hosts = ["gl-a1", "gl-b1"]
FLOATING = "10.77.10.50"


def test_services_run(host):
    for unit in ("nfs-ganesha", "keepalived", "bird", "rpcbind"):
        assert host.service(unit).is_running and host.service(unit).is_enabled, unit


def test_ganesha_config(host):
    conf = host.file("/etc/ganesha/ganesha.conf").content_string
    for line in ("Lease_Lifetime = 10;", "Grace_Period = 20;", "Minor_Versions = 0, 1, 2;", 'Path = "/nfs";',
                 'Pseudo = "/nfs";', "Name = GLUSTER;", 'Volume = "nfs";', "Export_Id = 1;"):
        assert line in conf, line


def test_ganesha_serves_nfs3_and_mount(host):
    out = host.check_output("rpcinfo -p 127.0.0.1")
    assert " 100003 " in out and " 100005 " in out, out  # NFS and MOUNT registered with rpcbind


def test_volume_options_for_ganesha(host):
    out = host.check_output("gluster --mode=script volume get nfs features.cache-invalidation")
    assert "on" in out.split("features.cache-invalidation", 1)[1]
    # the bricks drop a lost head's connection (and the locks it held) within seconds
    out = host.check_output("gluster --mode=script volume get nfs server.tcp-user-timeout")
    assert out.split("server.tcp-user-timeout", 1)[1].split()[0] == "5", out


def test_exactly_one_head_holds_the_address_and_is_routed(ansible_host_for):
    holders = [h for h in ("gl-a1", "gl-b1")
               if ansible_host_for(h).run("ip -o -4 addr show to %s/32" % FLOATING).stdout.strip()]
    assert len(holders) == 1, holders
    route = subprocess.run(["ip", "route", "show", FLOATING + "/32"], stdout=subprocess.PIPE, text=True, check=False).stdout
    expected = {"gl-a1": "10.77.1.11", "gl-b1": "10.77.2.11"}[holders[0]]
    assert "via %s" % expected in route and "proto bird" in route, route


def test_head_check_passes_with_every_site(host):
    assert host.run("/usr/local/libexec/metrostor/nfs-head-check 10.77.1.11 10.77.1.12 10.77.2.11 "
                    "10.77.2.12 10.77.3.11").rc == 0


@pytest.mark.parametrize("reachable", [2])
def test_head_check_fails_on_the_minority_side(host, reachable):
    # 2 of 5 pool nodes answering (addresses nobody has stand for the cut-off ones): below 51%
    out = host.run("/usr/local/libexec/metrostor/nfs-head-check --timeout 0.3 10.77.1.11 10.77.2.11 "
                   "10.77.9.1 10.77.9.2 10.77.9.3")
    assert out.rc == 1 and "reaches glusterd on %d of 5" % reachable in out.stdout, out.stdout

#!/usr/bin/python3
"""Runs INSIDE the OpenStack host (setup.sh), with Debian's openstacksdk: one process for what
would otherwise be dozens of `openstack` CLI calls on a busy 2-core machine.

    catalog.py identity   services, endpoints, service users, project and user metrostor
    catalog.py cloud      availability zones (aggregates), flavors, the lab image
    catalog.py wait       until 3 compute hosts, 3 cinder backends and 3 network agents are up

Idempotent.  Settings come from the environment (/etc/metrostor-openstack.env).
"""
import os
import sys
import time

import openstack

IP = os.environ["OS_IP"]
KS = "http://%s:5000/v3" % IP
SITES = ("a", "b", "c")
SERVICES = [  # name, type, URL
    ("glance", "image", "http://%s:9292" % IP),
    ("placement", "placement", "http://%s:8778" % IP),
    ("nova", "compute", "http://%s:8774/v2.1" % IP),
    ("neutron", "network", "http://%s:9696" % IP),
    ("cinderv3", "volumev3", "http://%s:8776/v3/%%(project_id)s" % IP),
]
SERVICE_USERS = ("glance", "placement", "nova", "neutron", "cinder")


def admin():
    return openstack.connect(auth_url=KS, username="admin", password=os.environ["MOS_ADMIN_PASSWORD"],
                             project_name="admin", user_domain_name="Default", project_domain_name="Default",
                             region_name="RegionOne", identity_api_version="3")


def say(msg):
    print("setup: " + msg, flush=True)


def identity(conn):
    idm = conn.identity
    service_project = idm.find_project("service") or idm.create_project(name="service", domain_id="default")
    roles = dict((name, idm.find_role(name) or idm.create_role(name=name))
                 for name in ("admin", "member", "reader", "service"))
    for name, kind, url in SERVICES:
        service = idm.find_service(name) or idm.create_service(name=name, type=kind)
        have = set(e.interface for e in idm.endpoints(service_id=service.id))
        for interface in ("public", "internal", "admin"):
            if interface not in have:
                idm.create_endpoint(service_id=service.id, interface=interface, url=url, region_id="RegionOne")
    for name in SERVICE_USERS:
        user = idm.find_user(name, domain_id="default") or idm.create_user(
            name=name, domain_id="default", password=os.environ["MOS_SERVICE_PASSWORD"])
        for role in ("admin", "service"):
            idm.assign_project_role_to_user(service_project, user, roles[role])
    project = idm.find_project("metrostor") or idm.create_project(name="metrostor", domain_id="default")
    user = idm.find_user("metrostor", domain_id="default") or idm.create_user(
        name="metrostor", domain_id="default", password=os.environ["MOS_USER_PASSWORD"])
    idm.assign_project_role_to_user(project, user, roles["member"])
    say("keystone catalog ready (project metrostor, user metrostor: member)")


def wait(conn, what, count, probe, deadline):
    while time.time() < deadline:
        try:
            if probe() >= count:
                return
        except openstack.exceptions.SDKException:
            pass
        time.sleep(3)
    raise SystemExit("setup: fewer than %d %s came up" % (count, what))


def wait_all(conn):
    deadline = time.time() + 600
    wait(conn, "nova-compute hosts", 3,
         lambda: len([s for s in conn.compute.services(binary="nova-compute") if s.state == "up"]), deadline)
    wait(conn, "cinder-volume backends", 3,
         lambda: len([s for s in conn.block_storage.get("/os-services?binary=cinder-volume").json()["services"]
                     if s["state"] == "up"]), deadline)
    wait(conn, "neutron linuxbridge agents", 3,
         lambda: len([a for a in conn.network.agents() if a.is_alive]), deadline)


def cloud(conn):
    for site in SITES:
        name = "site-%s" % site
        aggregate = next((a for a in conn.compute.aggregates() if a.name == name), None)
        if aggregate is None:
            aggregate = conn.compute.create_aggregate(name=name, availability_zone="az-%s" % site)
        if "compute-%s" % site not in (aggregate.hosts or []):
            conn.compute.add_host_to_aggregate(aggregate, "compute-%s" % site)
    for name, vcpus, ram, disk in (("m1.gluster", 2, 4096, 20), ("m1.tiebreaker", 1, 1024, 10)):
        if not conn.compute.find_flavor(name):
            conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk)
    # Cinder's default of 10 volumes is less than the example deployment (9) beside the tests' own
    # small deployment and the benchmark's; nova's 10 instances likewise
    project = conn.identity.find_project("metrostor")
    conn.set_volume_quotas(project.id, volumes=40)
    conn.set_compute_quotas(project.id, instances=20, cores=40)
    if not conn.image.find_image("debian-12-lab"):
        conn.create_image("debian-12-lab", data=b"\0" * 1048576, disk_format="raw", container_format="bare",
                          visibility="public", wait=True)
    zones = sorted(z.name for z in conn.compute.availability_zones() if z.name != "internal")
    volume_zones = sorted(z["zoneName"] for z in conn.block_storage.get("/os-availability-zone").json()["availabilityZoneInfo"])
    say("ready: compute availability zones %s, volume availability zones %s; project metrostor may hold 40 volumes, 20 servers"
        % (", ".join(zones), ", ".join(volume_zones)))


def main(argv):
    conn = admin()
    for step in argv:
        {"identity": identity, "cloud": cloud, "wait": wait_all}[step](conn)


if __name__ == "__main__":
    main(sys.argv[1:])

"""playbooks/openstack_provision.yml against the lab OpenStack (lab/lab openstack up).

In order (the tests share the cloud): a neighbour's server made by hand; check mode on an empty
project creates nothing; the first run creates what the plan lists; the second changes nothing;
check mode then changes nothing; the dynamic inventory gives the groups validate_layout.yml needs;
a planned server name that a server of someone else has is refused before anything is created;
bad input stops with the cloud's own message and what exists, and a re-run resumes; teardown
removes everything the deployment made and nothing else.  Skipped, with the reason, when the lab
OpenStack is not up.  Run by tests/lab-openstack.sh.
"""
import json
import os
import re
import time

import pytest

from .conftest import ROOT, run

PLAN = os.path.join("inventories", "openstack", "plan.yml")
DYNAMIC = os.path.join("inventories", "openstack", "openstack.yml")
DEPLOYMENT = "metrostor-lab"
BAD = "metrostor-bad"
SERVERS = {"gl-a1": ("az-a", "10.81.1.11", 2), "gl-a2": ("az-a", "10.81.1.12", 2),
           "gl-b1": ("az-b", "10.81.2.11", 2), "gl-b2": ("az-b", "10.81.2.12", 2),
           "gl-c1": ("az-c", "10.81.3.11", 1)}
NEIGHBOUR = "neighbour-1"
SITES = {"a": {"group": "site_a", "zone": 1, "availability_zone": "az-a"},
         "b": {"group": "site_b", "zone": 2, "availability_zone": "az-b"},
         "c": {"group": "site_tiebreaker", "zone": 3, "tiebreaker": True, "availability_zone": "az-c"}}


def provision(env, *extra, deployment=DEPLOYMENT, plan=PLAN, **extra_vars):
    cmd = ["ansible-playbook", "-i", plan, "playbooks/openstack_provision.yml",
           "-e", "openstack_nodes_deployment=%s" % deployment] + list(extra)
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    started = time.time()
    rc, out = run(cmd, env)
    recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", out)
    assert recap, out[-3000:]
    return {"rc": rc, "out": out, "changed": int(recap.group(2)), "failed": int(recap.group(3)),
            "seconds": time.time() - started}


def ours(conn, deployment=DEPLOYMENT):
    servers = [s for s in conn.compute.servers(details=True)
               if (s.metadata or {}).get("metrostor_deployment") == deployment]
    volumes = [v for v in conn.block_storage.volumes(details=True)
               if (v.metadata or {}).get("metrostor_deployment") == deployment]
    networks = [n for n in conn.network.networks() if n.name.startswith(deployment + "-")]
    ports = [p for p in conn.network.ports() if p.name.startswith(deployment + "-")]
    groups = [g for g in conn.network.security_groups() if g.name.startswith(deployment + "-")]
    server_groups = [g for g in conn.compute.server_groups() if g.name.startswith(deployment + "-")]
    return {"servers": servers, "volumes": volumes, "networks": networks, "ports": ports,
            "security_groups": groups, "server_groups": server_groups}


def nothing_of(conn, deployment):
    return dict((kind, sorted(o.name for o in objs)) for kind, objs in ours(conn, deployment).items() if objs)


def plain(value):
    """ansible-inventory --list marks values from the cloud as unsafe: {"__ansible_unsafe": VALUE}."""
    return value.get("__ansible_unsafe") if isinstance(value, dict) else value


def failure_message(result):
    found = re.search(r'"msg": "(Provisioning of deployment .*?)"\}', result["out"], re.S)
    assert found, result["out"][-4000:]
    return found.group(1)


def what_failed(message):
    """The part of the rescue's message before the list of what exists: the task and the cloud's words."""
    return message.split("Already created")[0]


# -- the neighbour: a server made by hand in the same project -----------------------------------------
@pytest.fixture(scope="module")
def neighbour(conn):
    net = conn.network.find_network("neighbour-net") or conn.network.create_network(name="neighbour-net")
    if not conn.network.find_subnet("neighbour-subnet"):
        conn.network.create_subnet(name="neighbour-subnet", network_id=net.id, ip_version=4, cidr="10.99.0.0/24")
    server = conn.compute.find_server(NEIGHBOUR)
    if not server:
        image = conn.image.find_image("debian-12-lab")
        flavor = conn.compute.find_flavor("m1.tiebreaker")
        server = conn.compute.create_server(name=NEIGHBOUR, image_id=image.id, flavor_id=flavor.id,
                                            networks=[{"uuid": net.id}], availability_zone="az-a")
        server = conn.compute.wait_for_server(server, wait=300)
    yield server
    conn.compute.delete_server(server.id)
    conn.compute.wait_for_delete(server, wait=300)
    conn.network.delete_network(net.id)


@pytest.fixture(scope="module")
def clean(cloud_env, conn, neighbour, small_plan):
    """Start from nothing of this deployment (an earlier interrupted run may have left some)."""
    for deployment, plan in ((DEPLOYMENT, PLAN), (BAD, small_plan)):
        if nothing_of(conn, deployment):
            result = provision(cloud_env, "-e", "openstack_nodes_state=absent", deployment=deployment, plan=plan)
            assert result["rc"] == 0, result["out"][-3000:]
    return True


def test_check_mode_on_an_empty_project_creates_nothing(cloud_env, conn, clean):
    result = provision(cloud_env, "--check")
    assert result["rc"] == 0, result["out"][-3000:]
    assert result["changed"] > 0  # it would create the networks, groups, volumes
    assert "check mode: would also create ports" in result["out"]
    assert nothing_of(conn, DEPLOYMENT) == {}


def test_first_run_creates_what_the_plan_lists(cloud_env, conn, clean):
    result = provision(cloud_env)
    assert result["rc"] == 0, result["out"][-3000:]
    print("first provision: %.1f s" % result["seconds"])
    found = ours(conn)
    by_name = dict((s.name, s) for s in found["servers"])
    assert sorted(by_name) == sorted(SERVERS)
    for name, (zone, address, bricks) in SERVERS.items():
        server = by_name[name]
        assert server.status == "ACTIVE", (name, server.status, server.fault)
        assert server.availability_zone == zone
        fixed = [a["addr"] for addrs in server.addresses.values() for a in addrs]
        assert fixed == [address]
        attached = [v for v in found["volumes"] if any(a["server_id"] == server.id for a in v.attachments)]
        assert len(attached) == bricks and all(v.availability_zone == zone for v in attached)
        assert "metrostor-deployment=%s" % DEPLOYMENT in (server.tags or [])
    assert len(found["volumes"]) == 9 and all(v.status == "in-use" for v in found["volumes"])
    assert sorted(v.size for v in found["volumes"]) == [1] + [10] * 8
    groups = dict((g.name, g) for g in found["server_groups"])
    assert sorted(groups) == ["%s-site-%s" % (DEPLOYMENT, s) for s in "abc"]
    assert all(g.policy == "soft-anti-affinity" for g in groups.values())
    assert sorted(conn.compute.get_server(i).name for i in groups[DEPLOYMENT + "-site-a"].member_ids) == ["gl-a1", "gl-a2"]
    rules = dict((g.name, g.security_group_rules) for g in found["security_groups"])
    ingress = sorted((r["protocol"], r["port_range_min"], r["port_range_max"])
                     for r in rules[DEPLOYMENT + "-heketi"] if r["direction"] == "ingress")
    assert ingress == [("tcp", 8080, 8080)] * 3
    assert conn.compute.find_keypair(DEPLOYMENT) is not None


def test_second_run_changes_nothing(cloud_env, conn):
    result = provision(cloud_env)
    assert result["rc"] == 0, result["out"][-3000:]
    assert result["changed"] == 0, re.findall(r"changed: \[.*", result["out"])


def test_check_mode_after_changes_nothing(cloud_env, conn):
    result = provision(cloud_env, "--check")
    assert result["rc"] == 0, result["out"][-3000:]
    assert result["changed"] == 0, re.findall(r"changed: \[.*", result["out"])


def test_dynamic_inventory_groups_feed_validate_layout(cloud_env, conn, neighbour):
    rc, out = run(["ansible-inventory", "-i", DYNAMIC, "--list"], cloud_env)
    assert rc == 0, out
    inv = json.loads(out[out.index("{"):])
    assert sorted(inv["site_a"]["hosts"]) == ["gl-a1", "gl-a2"]
    assert sorted(inv["site_b"]["hosts"]) == ["gl-b1", "gl-b2"]
    assert inv["site_tiebreaker"]["hosts"] == ["gl-c1"]
    assert sorted(inv["gluster_nodes"]["children"]) == ["site_a", "site_b", "site_tiebreaker"]
    assert inv["heketi"]["hosts"] == ["gl-c1"]
    assert sorted(inv["nfs_heads"]["hosts"]) == ["gl-a1", "gl-b1"]
    assert NEIGHBOUR not in json.dumps(inv)
    hostvars = inv["_meta"]["hostvars"]
    assert plain(hostvars["gl-b2"]["ansible_host"]) == "10.81.2.12"
    assert plain(hostvars["gl-c1"]["openstack_availability_zone"]) == "az-c"
    rc, out = run(["ansible-playbook", "-i", DYNAMIC, "playbooks/validate_layout.yml"], cloud_env)
    assert rc == 0, out[-3000:]
    assert "5 nodes per site {'a': 2, 'b': 2, 'c': 1}" in out


def test_openstack_site_provisions_then_stops_at_ssh_with_the_fake_driver(cloud_env, conn):
    """The fake virt driver boots nothing: no server answers on SSH, so openstack_site.yml must stop
    there, naming them, after a provisioning step that changed nothing (site.yml is not reached)."""
    rc, out = run(["ansible-playbook", "-i", PLAN, "-i", DYNAMIC, "playbooks/openstack_site.yml",
                   "-e", "openstack_site_ssh_timeout=3"], cloud_env)
    assert rc != 0
    assert "gl-a1, gl-a2, gl-b1, gl-b2, gl-c1 did not answer on SSH (port 22) within 3 s; site.yml was not run" in out
    recap = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", out)
    assert recap and recap.group(1) == "0", out[-3000:]
    assert "Validate the three-site quorum layout" not in out


def test_two_sites_in_one_zone_refused_before_anything_is_created(cloud_env, conn):
    sites = json.loads(json.dumps(SITES))
    sites["b"]["availability_zone"] = "az-a"
    result = provision(cloud_env, deployment=BAD, metrostor_sites=sites)
    assert result["rc"] != 0
    assert "sites a, b share availability zone az-a" in result["out"]
    assert nothing_of(conn, BAD) == {}


# -- bad input, on a small deployment of its own (1+1+1 nodes, one volume each) ------------------------
def write_small_plan(tree, a="small-a1", b="small-b1", c="small-c1"):
    os.symlink(os.path.join(ROOT, "inventories", "openstack", "group_vars"), str(tree / "group_vars"))
    (tree / "plan.yml").write_text(
        "all:\n  children:\n    gluster_nodes:\n      children:\n"
        "        site_a: {hosts: {%s: {ansible_host: 10.81.1.11}}}\n"
        "        site_b: {hosts: {%s: {ansible_host: 10.81.2.11}}}\n"
        "        site_tiebreaker: {hosts: {%s: {ansible_host: 10.81.3.11}}}\n"
        "    heketi: {hosts: {%s: }}\n" % (a, b, c, c))
    return str(tree / "plan.yml")


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory):
    return write_small_plan(tmp_path_factory.mktemp("small-plan"))


def test_a_planned_name_held_by_a_neighbours_server_is_refused_before_anything_is_created(
        cloud_env, conn, neighbour, clean, tmp_path):
    """openstack.cloud.server would adopt a server of that name (its metadata and security groups
    rewritten, then deleted by this deployment's teardown): seen on the lab when two deployments both
    had gl-a1."""
    plan = write_small_plan(tmp_path, a=NEIGHBOUR)
    result = provision(cloud_env, deployment=BAD, plan=plan, openstack_nodes_volume_count=1)
    assert result["rc"] != 0
    assert ("the project already has servers named %s that are not of this deployment" % NEIGHBOUR) in result["out"]
    assert nothing_of(conn, BAD) == {}
    untouched = conn.compute.get_server(neighbour.id)
    assert "metrostor_deployment" not in (untouched.metadata or {})
    assert [g["name"] for g in untouched.security_groups] == ["default"]


def bad_run(env, plan, **extra):
    result = provision(env, deployment=BAD, plan=plan, openstack_nodes_volume_count=1, **extra)
    assert result["rc"] != 0, result["out"][-3000:]
    message = failure_message(result)
    assert "Already created (a re-run keeps these and creates the rest)" in message
    return message


def test_bad_image_stops_with_the_clouds_message(cloud_env, conn, small_plan):
    message = bad_run(cloud_env, small_plan, openstack_nodes_image="debian-nope")
    print("image: " + message)
    assert "Create the servers" in what_failed(message)
    assert "debian-nope" in what_failed(message) and "small-a1" in what_failed(message)
    assert "servers []" in message
    assert "ports ['metrostor-bad-small-a1', 'metrostor-bad-small-b1', 'metrostor-bad-small-c1']" in message
    assert nothing_of(conn, BAD).get("servers") is None


def test_bad_flavor_stops_after_the_servers_it_could_create(cloud_env, conn, small_plan):
    message = bad_run(cloud_env, small_plan, openstack_nodes_tiebreaker_flavor="m1.nope")
    print("flavor: " + message)
    assert "Create the servers" in what_failed(message) and "m1.nope" in what_failed(message)
    assert "small-c1" in what_failed(message) and "servers ['small-a1', 'small-b1']" in message
    assert nothing_of(conn, BAD)["servers"] == ["small-a1", "small-b1"]


def test_missing_availability_zone_stops_with_novas_message_and_a_rerun_resumes(cloud_env, conn, small_plan):
    sites = json.loads(json.dumps(SITES))
    sites["c"]["availability_zone"] = "az-nope"
    message = bad_run(cloud_env, small_plan, metrostor_sites=sites)
    print("availability zone: " + message)
    assert "Create the servers" in what_failed(message) and "small-c1" in what_failed(message)
    assert "availability zone" in what_failed(message).split("Create the servers")[1].lower()
    assert "servers ['small-a1', 'small-b1']" in message
    resumed = provision(cloud_env, deployment=BAD, plan=small_plan, openstack_nodes_volume_count=1)
    assert resumed["rc"] == 0, resumed["out"][-3000:]
    made = ours(conn, BAD)
    assert sorted(s.name for s in made["servers"]) == ["small-a1", "small-b1", "small-c1"]
    assert sorted(v.name for v in made["volumes"] if v.attachments) == [
        "metrostor-bad-small-a1-brick1", "metrostor-bad-small-b1-brick1", "metrostor-bad-small-c1-brick1"]


def test_volume_that_cannot_attach_stops_with_novas_message(cloud_env, conn, small_plan):
    """Site b's Cinder zone set to az-a: nova (cross_az_attach = false) refuses the attachment."""
    sites = json.loads(json.dumps(SITES))
    sites["b"]["volume_availability_zone"] = "az-a"
    message = bad_run(cloud_env, small_plan, metrostor_sites=sites, openstack_nodes_host_volume_count=2)
    print("attach: " + message)
    failed = what_failed(message)
    assert "Attach each brick volume" in failed and "metrostor-bad-small-b1-brick2" in failed
    assert "availability" in failed.split("metrostor-bad-small-b1-brick2")[1].lower()
    assert "metrostor-bad-small-b1-brick2" not in message.split("attached:")[1]


def test_quota_exceeded_stops_with_cinders_message(cloud_env, conn, admin, small_plan):
    project = admin.identity.find_project("metrostor")
    before = admin.get_volume_quotas(project.id)["volumes"]
    in_use = len(list(conn.block_storage.volumes()))
    admin.set_volume_quotas(project.id, volumes=in_use + 1)
    try:
        message = bad_run(cloud_env, small_plan, openstack_nodes_host_volume_count=4)
    finally:
        admin.set_volume_quotas(project.id, volumes=before)
    print("quota: " + message)
    failed = what_failed(message)
    assert "Create the brick volumes" in failed and "VolumeLimitExceeded" in failed


def test_teardown_removes_everything_it_made_and_nothing_else(cloud_env, conn, neighbour, small_plan):
    # ports, networks and groups are removed by the names of the plan they were made from
    for deployment, plan in ((BAD, small_plan), (DEPLOYMENT, PLAN)):
        result = provision(cloud_env, "-e", "openstack_nodes_state=absent", deployment=deployment, plan=plan)
        assert result["rc"] == 0, result["out"][-3000:]
        assert nothing_of(conn, deployment) == {}
    assert conn.compute.find_keypair(DEPLOYMENT) is None
    survivor = conn.compute.get_server(neighbour.id)
    assert survivor.status == "ACTIVE" and survivor.name == NEIGHBOUR
    again = provision(cloud_env, "-e", "openstack_nodes_state=absent")
    assert again["rc"] == 0 and again["changed"] == 0, re.findall(r"changed: \[.*", again["out"])

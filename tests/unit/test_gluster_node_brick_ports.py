"""The firewalls the roles open (gluster_node: firewalld; openstack_nodes: security groups) cover every port glusterd may give a brick: glusterd.vol's
base-port (49152 when commented out, glusterd's compiled-in default) to max-port.  GlusterFS 10 picks a
brick's port at random in that range, so a narrower opening leaves some bricks unreachable.
tests/data/glusterfs/glusterd.vol-debian-10.3-5 is the file Debian's glusterfs-server 10.3-5 installs
(copied from the package of the lab's offline repository)."""
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGED = os.path.join(ROOT, "tests", "data", "glusterfs", "glusterd.vol-debian-10.3-5")


def packaged_range():
    text = open(PACKAGED).read()
    base = re.search(r"^\s*option\s+base-port\s+(\d+)", text, re.M)
    top = re.search(r"^\s*option\s+max-port\s+(\d+)", text, re.M)
    return int(base.group(1)) if base else 49152, int(top.group(1))


def test_the_firewall_opens_every_port_glusterd_may_give_a_brick():
    with open(os.path.join(ROOT, "roles", "gluster_node", "defaults", "main.yml")) as handle:
        low, high = (int(p) for p in yaml.safe_load(handle)["gluster_brick_ports"].split("-"))
    base, top = packaged_range()
    assert (base, top) == (49152, 60999)
    assert low <= base and high >= top, "gluster_brick_ports %d-%d misses %d-%d" % (low, high, base, top)
    task = open(os.path.join(ROOT, "roles", "gluster_node", "tasks", "firewall.yml")).read()
    assert "{{ gluster_brick_ports }}/tcp" in task


def test_the_openstack_security_groups_open_every_port_glusterd_may_give_a_brick():
    with open(os.path.join(ROOT, "roles", "openstack_nodes", "defaults", "main.yml")) as handle:
        count = int(yaml.safe_load(handle)["openstack_nodes_brick_ports"])
    base, top = packaged_range()
    assert 49152 + count - 1 >= top, "security groups open 49152-%d, bricks may listen up to %d" % (49152 + count - 1, top)

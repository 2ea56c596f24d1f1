"""Bad input is refused with a clear message before anything changes (nothing changed in the recap).
The CI stage (molecule/day2_ci) runs the three marked day2_ci: one for each playbook family it does not
run under load there (replace_node, scale_out) and the failover's target check."""
import os

import pytest
from conftest import ROOT

SCALE_OUT = os.path.join(ROOT, "inventories", "lab", "scale_out.yml")
TWO_IN_A = os.path.join(os.path.dirname(__file__), "two_new_nodes_in_site_a.yml")


def refused(run, text):
    assert run["rc"] != 0, run["out"][-2000:]
    assert text in run["out"], run["out"][-2000:]
    assert all(h["changed"] == 0 for h in run["recap"].values()), run["recap"]


@pytest.mark.day2_ci
def test_replacing_a_healthy_node_is_refused(ops):
    # gl-a1: a node no operation of this scenario replaces (a replaced node keeps a record, and a second
    # run on it is a no-op rather than a refusal)
    run = ops.playbook("replace_node.yml", "-e", "replace_node_host=gl-a1")
    refused(run, "10.77.1.11 (gl-a1) is healthy: its peer is connected")


def test_a_new_node_in_the_wrong_site_is_refused(ops):
    run = ops.playbook("replace_node.yml", "-e", "replace_node_host=gl-b3", "-e", "replace_node_old=10.77.1.12",
                       inventories=(SCALE_OUT,))
    refused(run, "gl-b3 stands in site b, but the node it replaces (10.77.1.12) stood in site a")


@pytest.mark.day2_ci
def test_a_scale_out_with_two_copies_in_one_site_is_refused(ops):
    run = ops.playbook("scale_out.yml", "-e", '{"scale_out_hosts": ["gl-a3", "gl-a4"]}', inventories=(TWO_IN_A,))
    refused(run, "puts 2 bricks in site a")


def test_a_device_the_host_does_not_have_is_refused(ops):
    run = ops.playbook("replace_device.yml", "-e", "replace_device_host=gl-a2", "-e", "replace_device_path=/dev/vdz")
    refused(run, "/dev/vdz is neither a brick disk (gluster_bricks: /dev/vdb) nor a Heketi disk")


def test_replacing_a_healthy_disk_is_refused(ops):
    run = ops.playbook("replace_device.yml", "-e", "replace_device_host=gl-b1", "-e", "replace_device_path=/dev/vdb")
    refused(run, "/dev/vdb on gl-b1 is healthy: the brick filesystem /bricks/brick1 is mounted from it")


@pytest.mark.day2_ci
def test_failover_to_a_host_that_is_not_prepared_is_refused(ops):
    run = ops.playbook("heketi_failover.yml", "-e", "heketi_failover_to=gl-b1")
    refused(run, "heketi_failover_to=gl-b1 is not a Heketi host prepared")

"""Host-to-site mapping: the one place that reads metrostor_sites' groups."""
from ansible_collections.metrostor.gluster.plugins.module_utils.site_membership import (
    describe_sites,
    hosts_by_site,
    node_sites,
)

SITES = {"a": {"group": "site_a", "zone": 1}, "b": {"group": "site_b", "zone": 2},
         "c": {"group": "site_tiebreaker", "zone": 3, "tiebreaker": True}}
GROUPS = {"site_a": ["gl-a1", "gl-a2"], "site_b": ["gl-b1"], "site_tiebreaker": ["gl-c1"],
          "gluster_nodes": ["gl-a1", "gl-a2", "gl-b1", "gl-c1", "stray"]}


def test_node_sites_maps_each_group_and_marks_strays():
    assert node_sites(SITES, GROUPS) == {"gl-a1": "a", "gl-a2": "a", "gl-b1": "b", "gl-c1": "c"}
    assert node_sites(SITES, GROUPS, members=GROUPS["gluster_nodes"])["stray"] == "unassigned"


def test_site_without_group_in_inventory_maps_nothing():
    assert node_sites({"d": {"group": "site_d"}}, GROUPS) == {}


def test_hosts_by_site_and_message():
    by_site = hosts_by_site(["gl-a2", "gl-a1", "gl-c1"], SITES, GROUPS)
    assert by_site == {"a": ["gl-a1", "gl-a2"], "c": ["gl-c1"]}
    assert describe_sites(by_site) == "site a (gl-a1, gl-a2), site c (gl-c1)"
    assert hosts_by_site([], SITES, GROUPS) == {}


WORKERS = {"k8s-a1": {"kubernetes_node_site": "a"}, "k8s-b1": {"kubernetes_node_site": "b"},
           "k8s-x1": {"kubernetes_node_site": "x"}, "k8s-n1": {}}


def test_worker_outside_site_groups_stands_in_the_site_its_variable_names():
    by_site = hosts_by_site(["gl-a1", "k8s-a1", "k8s-b1"], SITES, GROUPS, hostvars=WORKERS)
    assert by_site == {"a": ["gl-a1", "k8s-a1"], "b": ["k8s-b1"]}
    assert describe_sites(by_site) == "site a (gl-a1, k8s-a1), site b (k8s-b1)"


def test_unknown_or_missing_worker_site_stays_unassigned_and_groups_win():
    hostvars = dict(WORKERS, **{"gl-a1": {"kubernetes_node_site": "b"}})
    assert hosts_by_site(["k8s-x1", "k8s-n1", "nowhere", "gl-a1"], SITES, GROUPS, hostvars=hostvars) == \
        {"unassigned": ["k8s-n1", "k8s-x1", "nowhere"], "a": ["gl-a1"]}
    assert hosts_by_site(["k8s-a1"], SITES, GROUPS) == {"unassigned": ["k8s-a1"]}


def test_node_sites_keeps_workers_out_of_the_layout():
    assert "k8s-a1" not in node_sites(SITES, dict(GROUPS, kubernetes_workers=["k8s-a1"]))


def test_filter_reads_the_workers_site_from_the_lab_inventory(tmp_path):
    """Through ansible-playbook: the filter gets the host variables from the template (lab inventory)."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    play = tmp_path / "sites.yml"
    play.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug:\n"
                    "        msg: \"SITES {{ ['k8s-a1', 'gl-a1', 'k8s-b1'] | metrostor.gluster.hosts_by_site("
                    "metrostor_sites, groups) | metrostor.gluster.describe_sites }}\"\n")
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                           "inventories/lab/hosts.yml", str(play)], cwd=root, capture_output=True, text=True,
                          env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(root, "ansible.cfg"), ANSIBLE_NOCOLOR="1"),
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "SITES site a (gl-a1, k8s-a1), site b (k8s-b1)" in proc.stdout, proc.stdout[-2000:]

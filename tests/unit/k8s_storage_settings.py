"""The kubernetes_storage role's settings as the role builds them, for unit tests.

Reads the role's defaults/main.yml and vars/main.yml and renders the settings
mapping of vars/main.yml with Jinja's native types, so the tests use the
role's own defaults and mapping (not a copy of them).
"""
import copy
import os

import yaml
from jinja2.nativetypes import NativeEnvironment

from tests.unit.k8s_schema import ROOT

ROLE = os.path.join(ROOT, "roles", "kubernetes_storage")
CSI_RELEASE_DIR = os.path.join(ROLE, "files", "csi-driver-nfs", "v4.13.4")
HEKETI_KEY = "never-in-files-or-logs-4f1c"

INVENTORY = {
    "kubernetes_storage_data_sites": {"a": {"zone": "site-a", "networks": ["10.77.1.0/24", "10.77.10.0/24"]},
                                      "b": {"zone": "site-b", "networks": ["10.77.2.0/24", "10.77.10.0/24"]}},
    "kubernetes_storage_heketi_resturl": "http://heketi.storage.example:8080",
    "kubernetes_storage_heketi_key": HEKETI_KEY,
    "kubernetes_storage_heketi_cluster_ids": ["c0ffee00c0ffee00c0ffee00c0ffee00"],
    "kubernetes_storage_nfs_server": "10.77.10.50",
    "kubernetes_storage_nfs_static_volumes": [{"name": "legacy-shared", "size": "10Gi", "path": "legacy"},
                                              {"name": "legacy-site-a", "size": "5Gi", "path": "legacy-a",
                                               "site": "a"}],
}


def _render(value, variables, env):
    if isinstance(value, dict):
        return dict((k, _render(v, variables, env)) for k, v in value.items())
    if isinstance(value, list):
        return [_render(v, variables, env) for v in value]
    if isinstance(value, str) and "{{" in value:
        return env.from_string(value).render(**variables)
    return value


def role_settings(**overrides):
    """The settings dict of vars/main.yml for the role defaults + INVENTORY + overrides."""
    with open(os.path.join(ROLE, "defaults", "main.yml")) as handle:
        variables = yaml.safe_load(handle)
    variables.update(copy.deepcopy(INVENTORY))
    variables.update(overrides)
    with open(os.path.join(ROLE, "vars", "main.yml")) as handle:
        role_vars = yaml.safe_load(handle)
    return _render(role_vars["kubernetes_storage_settings"], variables, NativeEnvironment())


def load_csi_release():
    from ansible_collections.metrostor.gluster.plugins.filter.kubernetes_storage import load_csi_release as load
    return load(CSI_RELEASE_DIR)

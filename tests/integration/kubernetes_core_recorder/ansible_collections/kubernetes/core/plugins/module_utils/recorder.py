# -*- coding: utf-8 -*-
# TEST DOUBLE: what the recording kubernetes.core stand-ins share (see the README.md at the top of this tree).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.basic import AnsibleModule


def record(name):
    """Validate the arguments with the real argument spec of kubernetes.core.NAME, record the call, answer."""
    record_dir = os.environ["K8S_RECORDER_DIR"]
    with open(os.path.join(record_dir, "argspec-%s.json" % name)) as handle:
        spec = json.load(handle)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    with open(os.path.join(record_dir, "calls.jsonl"), "a") as handle:
        handle.write(json.dumps({"module": name, "params": module.params, "check_mode": module.check_mode,
                                 "diff": module._diff}, sort_keys=True) + "\n")
    with open(os.path.join(record_dir, "responses.json")) as handle:
        responses = json.load(handle)
    kubeconfig = module.params.get("kubeconfig")
    if name == "k8s_cluster_info":
        module.exit_json(changed=False, **responses["cluster_info"][kubeconfig])
    if name == "k8s_info":
        module.exit_json(changed=False, resources=responses["storage_classes"].get(kubeconfig, []))
    module.exit_json(changed=True, result=module.params.get("definition") or {})

#!/usr/bin/python
# -*- coding: utf-8 -*-
# TEST DOUBLE: records the call of kubernetes.core.k8s_cluster_info (see ../../../../../README.md).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.basic import AnsibleModule

NAME = "k8s_cluster_info"


def main():
    record_dir = os.environ["K8S_RECORDER_DIR"]
    with open(os.path.join(record_dir, "argspec-%s.json" % NAME)) as handle:
        spec = json.load(handle)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    with open(os.path.join(record_dir, "calls.jsonl"), "a") as handle:
        handle.write(json.dumps({"module": NAME, "params": module.params, "check_mode": module.check_mode,
                                 "diff": module._diff}, sort_keys=True) + "\n")
    with open(os.path.join(record_dir, "responses.json")) as handle:
        responses = json.load(handle)
    kubeconfig = module.params.get("kubeconfig")
    if NAME == "k8s_cluster_info":
        module.exit_json(changed=False, **responses["cluster_info"][kubeconfig])
    if NAME == "k8s_info":
        module.exit_json(changed=False, resources=responses["storage_classes"].get(kubeconfig, []))
    module.exit_json(changed=True, result=module.params.get("definition") or {})


if __name__ == "__main__":
    main()

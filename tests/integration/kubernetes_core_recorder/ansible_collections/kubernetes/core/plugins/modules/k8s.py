#!/usr/bin/python
# -*- coding: utf-8 -*-
# TEST DOUBLE: records a call of kubernetes.core.k8s (see the README.md at the top of this tree).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kubernetes.core.plugins.module_utils.recorder import record

if __name__ == "__main__":
    record("k8s")

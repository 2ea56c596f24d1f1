#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: link_rtt
short_description: Measure the round-trip time from this host to other hosts (TCP connect)
description:
  - Opens O(count) TCP connections from the managed host to each target and reports the time each
    handshake took (one round trip, SYN out and SYN-ACK back), in milliseconds. No ICMP is needed, so a
    firewall that drops ping does not hide the figure; the default port is SSH's, which every managed
    host answers on.
  - Changes nothing. Used by C(playbooks/validate_latency.yml) to choose between a synchronous
    stretched replica and asynchronous geo-replication.
version_added: "0.2.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.attributes
options:
  targets:
    description: Host names or addresses, optionally as C(host:port).
    type: list
    elements: str
    required: true
  port:
    description: TCP port of targets given without one.
    type: int
    default: 22
  count:
    description: Handshakes per target; the median is reported as C(ms).
    type: int
    default: 5
  timeout:
    description: Seconds to wait for one handshake.
    type: float
    default: 2.0
attributes:
  check_mode:
    support: full
    description: Measures in check mode too (it changes nothing).
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Round trip from a node of site a to a node of site b
  metrostor.gluster.link_rtt:
    targets: [10.77.2.11]
  register: rtt
"""

RETURN = r"""
rtt:
  description: Per target, C(ms) (median), C(min_ms), C(max_ms), C(samples), and C(error) when no handshake completed (C(ms) is then null).
  returned: always
  type: dict
"""

import socket
import time

from ansible.module_utils.basic import AnsibleModule

ARGUMENT_SPEC = dict(
    targets=dict(type="list", elements="str", required=True),
    port=dict(type="int", default=22),
    count=dict(type="int", default=5),
    timeout=dict(type="float", default=2.0),
)


def split_target(target, default_port):
    host, sep, port = target.rpartition(":")
    if sep and port.isdigit() and host and "]" not in port:
        return host.strip("[]"), int(port)
    return target, default_port


def handshake_ms(host, port, timeout):
    start = time.monotonic()
    conn = socket.create_connection((host, port), timeout=timeout)
    elapsed = (time.monotonic() - start) * 1000.0
    conn.close()
    return elapsed


def measure(host, port, count, timeout):
    samples, error = [], None
    for _attempt in range(count):
        try:
            samples.append(round(handshake_ms(host, port, timeout), 3))
        except (socket.error, socket.timeout) as err:
            error = "%s:%d: %s" % (host, port, err)
    if not samples:
        return {"ms": None, "samples": [], "error": error}
    ordered = sorted(samples)
    return {"ms": ordered[len(ordered) // 2], "min_ms": ordered[0], "max_ms": ordered[-1], "samples": samples}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    if p["count"] < 1 or p["timeout"] <= 0:
        module.fail_json(msg="count must be at least 1 and timeout above 0")
    rtt = {}
    for target in p["targets"]:
        host, port = split_target(target, p["port"])
        rtt[target] = measure(host, port, p["count"], p["timeout"])
    module.exit_json(changed=False, rtt=rtt)


if __name__ == "__main__":
    main()

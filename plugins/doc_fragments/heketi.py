# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  heketi_url:
    description:
      - URL of the Heketi server, for example C(http://heketi.example.com:8080).
      - Falls back to the E(HEKETI_CLI_SERVER) environment variable, as heketi-cli does.
    type: str
    required: true
    aliases: [url]
  heketi_user:
    description:
      - JWT issuer, C(admin) or C(user). Heketi only lets C(user) call C(/volumes).
      - Falls back to E(HEKETI_CLI_USER).
    type: str
    default: admin
    choices: [admin, user]
  heketi_key:
    description:
      - Shared secret of O(heketi_user), used to sign a fresh HS256 JWT for every request
        (claims iss, iat, exp and qsh). Omit when Heketi runs without authentication.
      - Falls back to E(HEKETI_CLI_KEY). Never logged.
    type: str
    aliases: [secret]
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: PEM file of the CA that signed Heketi's TLS certificate.
    type: path
  timeout:
    description: Seconds to wait for one HTTP answer.
    type: int
    default: 30
  poll_interval:
    description: Seconds between polls of Heketi's C(/queue) for asynchronous operations.
    type: float
    default: 1.0
  poll_timeout:
    description:
      - Seconds after which an asynchronous operation still pending is an error.
      - Also how long a module that is about to change Heketi waits for other clients' operations
        still in flight (see the notes).
    type: int
    default: 1800
  retries:
    description:
      - How many times a request is retried, with exponential backoff, after HTTP 429
        (Heketi's operation throttle, full while C(max_inflight_operations) operations are still
        running), 502/503/504 or a connection error.
    type: int
    default: 5
notes:
  - Runs on the host it is delegated to (usually C(localhost)); needs only Python's standard library.
  - "Pending operations guard: a module that is about to change Heketi first reads Heketi's pending
    operations (one C(GET /operations), just before its first change, and in check mode when it
    predicts a change; a run that changes nothing costs no extra request). While any is C(stale) or
    C(failed) (left by an interrupted or failed operation, when Heketi's database may not match
    Gluster), or still in flight after O(poll_timeout), the module fails naming them in
    C(pending_operations) and changes nothing. The way out is M(metrostor.gluster.heketi_operations)
    with O(metrostor.gluster.heketi_operations#module:state=absent). M(metrostor.gluster.heketi_info)
    and M(metrostor.gluster.heketi_operations) only read, and are never refused."
"""

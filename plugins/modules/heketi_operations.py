#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: heketi_operations
short_description: List Heketi's pending operations and clean up stale or failed ones
description:
  - Heketi records each long operation (volume create, delete and expand, block volume create and
    delete, device remove, brick evict) as a pending operation in its database before it touches
    Gluster, and drops the record when the operation has finished or been rolled back.
  - A pending operation is C(stale) when Heketi stopped while it ran (marked when Heketi starts
    again) and C(failed) when its rollback failed. Until they are cleaned up, Heketi's database may
    not match Gluster, and every changing module of this collection refuses to change anything
    (see the notes of M(metrostor.gluster.heketi_volume) and the others).
  - With O(state=query) (the default) this module only reads them (C(GET /operations),
    C(GET /operations/pending) and, with O(details=true), C(GET /operations/pending/<id>)).
  - With O(state=absent) it asks Heketi to clean up the stale and failed ones
    (C(POST /operations/pending/cleanup)), which undoes on the Gluster nodes what they had done
    (removes half-made bricks, finishes deletes), waits for the cleanup and reads the list again.
    Operations still in flight are left alone (Heketi only cleans stale or failed ones); asking for
    one of them by id is an error. An operation Heketi could not clean up makes the module fail,
    naming it; Heketi's log says why.
  - This module does not refuse to run while operations are pending, it is the way out.
version_added: "0.2.0"
author: metrostor.gluster developers (!UNKNOWN)
extends_documentation_fragment:
  - metrostor.gluster.heketi
  - metrostor.gluster.attributes
  - metrostor.gluster.attributes.heketi_action_group
options:
  state:
    description:
      - C(query) lists the pending operations and changes nothing.
      - C(absent) cleans up the stale and failed pending operations (all of them, or those in O(ids)).
    type: str
    default: query
    choices: [query, absent]
  ids:
    description:
      - Only these pending operations (ids as listed in RV(operations)). Without it, all of them.
      - An id that is not pending (any more) is not an error, it is already absent.
    type: list
    elements: str
  details:
    description: Also read each operation's changes (one C(GET /operations/pending/<id>) each).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  action_group:
    support: full
    membership: [metrostor.gluster.heketi]
"""

EXAMPLES = r"""
- name: What is pending in Heketi
  metrostor.gluster.heketi_operations:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
  register: pending

- name: Clean up what interrupted operations left (idempotent)
  metrostor.gluster.heketi_operations:
    heketi_url: http://heketi.example.com:8080
    heketi_key: "{{ vault_heketi_admin_key }}"
    state: absent
  when: pending.counts.stale + pending.counts.failed > 0
"""

RETURN = r"""
operations:
  description:
    - The pending operations before any cleanup, C(id), C(type_name) (for example C(create-volume)),
      C(status) (C(stale), C(failed) or empty for a running one), C(sub_status) (C(in-flight) while it runs)
      and, with O(details=true), C(changes) (C(id), C(description) such as C(Add brick)).
  returned: always
  type: list
  elements: dict
counts:
  description: Heketi's counts before any cleanup (C(GET /operations)), C(total), C(in_flight), C(new), C(stale), C(failed).
  returned: always
  type: dict
cleaned:
  description: Ids of the operations cleaned up (in check mode, those that would be).
  returned: always
  type: list
  elements: str
remaining:
  description: The pending operations left afterwards (in check mode, those that would be left).
  returned: always
  type: list
  elements: dict
api_calls:
  description: Number of HTTP requests made to Heketi.
  returned: always
  type: int
"""

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import HeketiModule
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_pending import describe

CLEANABLE = ("stale", "failed")
IDS_PER_REQUEST = 32  # Heketi's limit (api.PendingOperationsCleanRequest)


class HeketiOperationsModule(HeketiModule):
    argument_spec = dict(
        state=dict(type="str", default="query", choices=["query", "absent"]),
        ids=dict(type="list", elements="str"),
        details=dict(type="bool", default=True),
    )
    guard_pending_operations = False  # this module is the way out

    def run(self):
        p = self.params
        c = self.client
        self.result["counts"] = c.operations()
        ops = c.operations_pending()
        if p["details"]:
            ops = [dict(op, changes=(c.operation_details(op["id"]) or {}).get("changes") or []) for op in ops]
        self.result["operations"] = ops
        wanted = [op for op in ops if p["ids"] is None or op["id"] in p["ids"]]
        running = [op for op in wanted if op.get("status") not in CLEANABLE]
        todo = [op for op in wanted if op.get("status") in CLEANABLE]
        self.result["cleaned"] = []
        self.result["remaining"] = [op for op in ops if op not in todo]
        self.result["actions"] = []
        if p["state"] == "query":
            self.result["remaining"] = ops
            return
        if running and p["ids"] is not None:
            self.fail("Heketi cleans up only stale or failed operations; still running: %s. Wait for them to "
                      "finish (or, if Heketi stopped while they ran, restart it: they become stale)"
                      % ", ".join(describe(op) for op in running), operations=ops, changed=False)
        if running:
            self.module.warn("Left alone, still running: %s" % ", ".join(describe(op) for op in running))
        if not todo:
            return
        ids = [op["id"] for op in todo]
        self.result["actions"].append("clean up pending operations %s" % ", ".join(describe(op) for op in todo))
        self.changed({"pending_operations": [describe(op) for op in ops]},
                     {"pending_operations": [describe(op) for op in self.result["remaining"]]})
        self.result["cleaned"] = ids
        if self.check:
            return
        for start in range(0, len(ids), IDS_PER_REQUEST):
            c.operations_cleanup(ids[start:start + IDS_PER_REQUEST])
        self.result["remaining"] = after = c.operations_pending()
        left = [op for op in after if op["id"] in ids]
        if left:
            self.result["cleaned"] = [i for i in ids if i not in [op["id"] for op in left]]
            partial = dict(self.result)
            partial["changed"] = bool(self.result["cleaned"])
            self.fail("Heketi could not clean up %s (see Heketi's log for why; the cleanup can be retried)"
                      % ", ".join(describe(op) for op in left), **partial)


def main():
    HeketiOperationsModule().main()


if __name__ == "__main__":
    main()

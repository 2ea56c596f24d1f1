# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Heketi's pending operations, and the rule that nothing is changed while any is left.

Heketi records every long operation (volume create/delete/expand, block
volume create/delete, device remove, brick evict, ...) as a *pending
operation* in its DB before it touches Gluster, and deletes the record when
the operation has finished or been rolled back.  ``GET /operations`` counts
them: ``new`` (running now, ``in_flight``), ``stale`` (the server stopped
while they ran: marked at start-up) and ``failed`` (the rollback failed).
A stale or failed one means Heketi's DB and Gluster may disagree (bricks or
LVs that Heketi does not know about, or the other way round); Heketi's
cleanup (``POST /operations/pending/cleanup``, the background cleaner a
minute after start and then hourly) undoes what it had done.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiError

# Answers meaning "this key/server does not let us read the operations".
NOT_READABLE = (401, 403, 404, 405, 501)

WAY_OUT = ("See them with metrostor.gluster.heketi_operations (or heketi-cli server operations list) and clean "
           "them up with metrostor.gluster.heketi_operations state=absent (POST /operations/pending/cleanup; "
           "heketi-cli server operations cleanup), then run this again.")


class OperationsPending(HeketiError):
    """Heketi has pending operations; nothing was changed. ``operations`` lists them."""

    def __init__(self, message, operations):
        super(OperationsPending, self).__init__(message)
        self.operations = operations


def describe(op):
    """``<id> (<type>, <status>)``, e.g. ``0a1b (create-volume, stale)``."""
    status = op.get("status") or ("in flight" if op.get("sub_status") == "in-flight" else "new")
    return "%s (%s, %s)" % (op.get("id"), op.get("type_name") or "unknown", status)


def blocking(counts):
    """True when Heketi's operation counts (GET /operations) show stale or failed operations."""
    return bool(counts.get("stale") or counts.get("failed"))


def check_no_pending_operations(client, wait, interval, sleep=time.sleep):
    """Return None when Heketi has no pending operation; raise OperationsPending otherwise.

    Operations that are still running (another client's volume create, say)
    are waited for up to ``wait`` seconds; stale or failed ones refuse at
    once.  Costs one ``GET /operations`` when nothing is pending.  Returns a
    warning text instead when the key or server does not let us read them.
    """
    deadline = time.time() + wait
    while True:
        try:
            counts = client.operations()
        except HeketiError as err:
            if err.status in NOT_READABLE:
                return "Could not check Heketi's pending operations (%s); changing anyway" % err
            raise
        if not counts.get("total") and not counts.get("in_flight"):
            return None
        if blocking(counts) or time.time() >= deadline:
            break
        sleep(interval)
    ops = client.operations_pending()
    if blocking(counts):
        why = ("Heketi has %d pending operation(s) left by interrupted or failed operations: %s. Nothing was "
               "changed: while they exist, Heketi's database may not match Gluster."
               % (len(ops) or counts.get("total"), ", ".join(describe(op) for op in ops) or "(list empty)"))
        raise OperationsPending("%s %s" % (why, WAY_OUT), ops)
    raise OperationsPending(
        "Heketi still has %d operation(s) in flight after %ss: %s. Nothing was changed; run this again when they "
        "have finished. If they never finish (Heketi stopped while they ran), they become stale: %s"
        % (counts.get("in_flight") or len(ops), wait, ", ".join(describe(op) for op in ops) or "(list empty)",
           WAY_OUT), ops)

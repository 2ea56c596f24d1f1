"""Heketi's pending-operation routes in the emulation (TEST DOUBLE).

The emulation keeps no pending-operation records in a DB: an operation is
"pending" only while its queue entry still answers X-Pending (``pending_polls``).
So ``GET /operations`` counts those as new and in flight, never stale or failed,
``GET /operations/pending`` lists them without a type, ``GET
/operations/pending/<id>`` answers Heketi's 404, and the cleanup is accepted
and does nothing (as the real server does when nothing is stale or failed).
Stale and failed operations can only be seen on the real server
(tests/unit/plugins/modules/test_heketi_pending_guard.py makes them there).
"""

from .state import ApiError


def _running(emu):
    return sorted(qid for qid, entry in emu.queue.items() if entry.polls_left > 0)


def operations_counts(emu):
    running = len(_running(emu))
    return {"total": running, "in_flight": running, "stale": 0, "failed": 0, "new": running}


def pending_list(emu):
    return {"pendingoperations": [{"id": qid, "type_name": "unknown", "status": "", "sub_status": "in-flight"}
                                  for qid in _running(emu)]}


def pending_details(emu, operation_id):
    raise ApiError(404, "Id not found: %s" % operation_id)

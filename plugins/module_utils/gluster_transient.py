# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""glusterd's transient answers, and how long a read may go on retrying them.

Just after peers are lost (a cut site), glusterd still waits on them for its
transaction: the CLI gives up after its ``--timeout``, or glusterd answers
that its lock is held, or that a peer failed a phase; a few seconds later it
answers normally, with those peers Disconnected.  A read-only command that
got one of these answers may simply be run again.  The wordings, from
gluster/glusterfs (devel, commit 595745f8, the same texts in 9.x-11.x):

* ``Error : Request timed out``: cli/src/cli-cmd.c, cli_cmd_await_response()
  (the CLI's own ``--timeout`` ran out before glusterd answered);
* ``Another transaction is in progress for <volume>. Please try again after
  some time.``: xlators/mgmt/glusterd/src/glusterd-syncop.c,
  gd_sync_task_begin() (``volume status`` and the other syncop commands) and
  glusterd-handler.c, glusterd_op_txn_begin();
  ``Another transaction is in progress. Please try again after some time.``:
  glusterd-mgmt.c, glusterd_mgmt_v3_initiate_lockdown() (mgmt_v3 commands);
* ``Locking failed on <peer>. <reason>`` and ``Unlocking failed on <peer>.
  <reason>``: glusterd-syncop.c gd_collate_errors() and glusterd-mgmt.c
  gd_mgmt_v3_collate_errors() (any reason: a lock is never a lasting state);
* ``Staging failed on <peer>. Please check log file for details.`` (and
  ``Commit failed on``, ``Pre Validation failed on``, ``Post Validation failed
  on``): the same two functions, whose reason stays the default ``Please
  check log file for details.`` when the peer sent no error text, which is
  the case of a peer whose connection dropped (the RPC callbacks set ENOTCONN,
  glusterd-syncop.c ``if (-1 == req->rpc_status)``); and
  ``Staging failed on <peer>. Please check the log file for more details.``
  (OPERRSTR_STAGE_FAIL / OPERRSTR_COMMIT_FAIL, glusterd.h, the op-sm path).
  A peer that refused with its own reason (``Staging failed on <peer>.
  Error: Volume x does not exist``) is not transient.

(glusterd-locks.c's ``Lock for <name> held by <uuid>`` and glusterd-handler.c's
``Lock not released for <volume>`` are log lines, not CLI answers.)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

TRANSIENT_ANSWERS = (
    re.compile(r"Request timed out"),
    re.compile(r"Another transaction is in progress[^\n<]*"),
    re.compile(r"(?:Un)?[Ll]ocking failed on [^\n<]*"),
    re.compile(r"(?:Staging|Commit|Pre Validation|Post Validation) failed on \S+\. "
               r"Please check (?:the )?log file for (?:more )?details\.?"),
)


def transient_answer(text):
    """The part of glusterd's answer ``text`` that says it is only busy or waiting on a lost peer, or None."""
    for pattern in TRANSIENT_ANSWERS:
        match = pattern.search(text or "")
        if match:
            return match.group(0).strip()
    return None


class RetryWindow(object):
    """One window of ``seconds`` for a whole read, started when the read starts.

    A command that got a transient answer is run again after ``pause``
    seconds, only if that attempt can still end within the window (an attempt
    may take ``attempt_seconds``, the CLI's ``--timeout``): so the read never
    goes on retrying for longer than ``seconds``.  ``retried`` lists what was
    retried and why (``command: answer``)."""

    def __init__(self, seconds, pause, attempt_seconds):
        self.seconds = seconds
        self.pause = pause
        self.attempt_seconds = attempt_seconds
        self.started = time.monotonic()
        self.retried = []

    def elapsed(self):
        return time.monotonic() - self.started

    def another_try(self, command, answer):
        """Pause and say True when one more attempt fits in the window; False when the window is closed."""
        if self.elapsed() + self.pause + self.attempt_seconds > self.seconds:
            return False
        time.sleep(self.pause)
        self.retried.append("%s: %s" % (command, answer))
        return True

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HeketiModule, the base class of the heketi_* modules: their connection and tags/state options,
the pending-operations guard, the run loop and how a failure is reported."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import (
    HeketiClient,
    HeketiError,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_pending import (
    OperationsPending,
    check_no_pending_operations,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_tags import wanted_tags
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_transitions import (
    STATES,
    TransitionRefused,
    state_steps,
)

CONNECTION_ARGS = dict(
    heketi_url=dict(type="str", required=True, aliases=["url"], fallback=(env_fallback, ["HEKETI_CLI_SERVER"])),
    heketi_user=dict(type="str", default="admin", choices=["admin", "user"],
                     fallback=(env_fallback, ["HEKETI_CLI_USER"])),
    heketi_key=dict(type="str", no_log=True, aliases=["secret"], fallback=(env_fallback, ["HEKETI_CLI_KEY"])),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=30),
    poll_interval=dict(type="float", default=1.0),
    poll_timeout=dict(type="int", default=1800),
    retries=dict(type="int", default=5),
)

# Options of the modules that converge a node's or device's tags and state
# (see HeketiModule.converge_tags_and_state).
TAGS_AND_STATE_ARGS = dict(
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
    state=dict(type="str", default="present", choices=["present", "online", "offline", "failed", "absent"]),
)


class HeketiModule(object):
    """Base for the heketi_* modules.

    A subclass sets ``argument_spec`` (its own options) and implements
    ``run()``, which fills ``self.result`` and uses ``self.changed(before,
    after)`` to record a change with its diff.  In check mode ``self.check``
    is true and ``run`` must not call mutating API methods.

    The pending-operations guard: before the first request that would change
    Heketi (any method but GET), and in check mode when a change is
    predicted, Heketi's pending operations are read (``GET /operations``);
    while any is stale or failed, or still in flight after ``poll_timeout``,
    the module fails naming them and nothing is changed.  A run that changes
    nothing sends no extra request.  ``guard_pending_operations = False``
    turns it off (heketi_operations, whose cleanup is the way out).
    """

    argument_spec = {}
    module_kwargs = {}
    guard_pending_operations = True

    def __init__(self):
        spec = dict(CONNECTION_ARGS)
        spec.update(self.argument_spec)
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self.check = self.module.check_mode
        self.result = {"changed": False}
        self._before = {}
        self._after = {}
        p = self.params
        try:
            self.client = HeketiClient(
                p["heketi_url"], user=p["heketi_user"], key=p["heketi_key"],
                validate_certs=p["validate_certs"], ca_path=p["ca_path"], timeout=p["timeout"],
                poll_interval=p["poll_interval"], poll_timeout=p["poll_timeout"], retries=p["retries"])
        except HeketiError as err:
            self.module.fail_json(msg=str(err))
        self._guarded = False
        if self.guard_pending_operations:
            self._guard_changes()

    def _guard_changes(self):
        """Run the pending-operations check once, before the first request that changes Heketi."""
        request = self.client.request

        def guarded_request(method, path, data=None):
            if method != "GET":
                self.refuse_if_operations_pending()
            return request(method, path, data)

        self.client.request = guarded_request

    def refuse_if_operations_pending(self):
        """Raise OperationsPending (nothing changed yet) while Heketi has pending operations."""
        if self._guarded:
            return
        self._guarded = True
        p = self.params
        unchecked = check_no_pending_operations(self.client, p["poll_timeout"], p["poll_interval"], time.sleep)
        if unchecked:
            self.module.warn(unchecked)

    def changed(self, before=None, after=None):
        """Mark a change; ``before``/``after`` are merged into the diff."""
        self.result["changed"] = True
        if before:
            self._before.update(before)
        if after:
            self._after.update(after)

    def converge_tags_and_state(self, obj, kind, label, set_tags, set_state):
        """Bring a node or device's tags and state to the module's ``tags``,
        ``purge_tags`` and ``state``; returns the object as it now is.

        The steps follow Heketi's state rules (heketi_transitions); a change Heketi
        refuses (a failed node back online) fails before anything is sent.
        """
        p = self.params
        actions = self.result["actions"]
        steps = []
        if p["state"] in STATES:
            try:
                steps = state_steps(kind, label, obj["state"], p["state"])
            except TransitionRefused as err:
                self.fail(str(err), **{kind: obj})
        if p["tags"] is not None:
            tags = wanted_tags(obj.get("tags") or {}, p["tags"], p["purge_tags"])
            if tags != (obj.get("tags") or {}):
                actions.append("set tags of %s %s" % (kind, label))
                if not self.check:
                    set_tags(obj["id"], tags)
                obj = dict(obj, tags=tags)
        for step in steps:
            actions.append("set %s %s %s" % (kind, label, step))
            if not self.check:
                set_state(obj["id"], step)
        if steps:
            obj = dict(obj, state=p["state"])
        return obj

    def delete_if_present(self, kind, name, current, view, delete):
        """The state=absent branch of the (block) volume modules."""
        if current is not None:
            self.result["actions"].append("delete %s %s" % (kind, name))
            self.changed({name: view(current)}, {name: None})
            if not self.check:
                delete(current["id"])

    def fail(self, msg, **kwargs):
        self.module.fail_json(msg=msg, **kwargs)

    def run(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def main(self):
        try:
            self.run()
            if self.check and self.result["changed"] and self.guard_pending_operations:
                self.refuse_if_operations_pending()  # a real run would be refused: say so now
        except OperationsPending as err:
            self.module.fail_json(msg=str(err), pending_operations=err.operations, changed=False,
                                  planned=self.result.get("actions", []), api_calls=self.client.calls)
        except HeketiError as err:
            self.module.fail_json(msg="Heketi: %s" % err, status=err.status, method=err.method, path=err.path,
                                  body=answer_text(err.body), exception=traceback.format_exc(), **self.partial())
        if self.module._diff:
            self.result["diff"] = {"before": self._before, "after": self._after}
        self.result["api_calls"] = self.client.calls
        self.module.exit_json(**self.result)

    def partial(self):
        """What a failing run had already done (so that nothing is hidden)."""
        return {"changed": self.result.get("changed", False),
                "done": self.result.get("actions", [])}


def answer_text(body, limit=4000):
    """Heketi's answer to a failed request, as text a failure can carry (None when there was none)."""
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return body[:limit]

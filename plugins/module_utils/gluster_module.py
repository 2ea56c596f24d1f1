# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GlusterModule: the base of the gluster_* modules that change the pool (as HeketiModule is for heketi_*)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.metrostor.gluster.plugins.module_utils.gluster_cli import GlusterCli, GlusterError


class GlusterModule(object):
    """Base for the gluster_* modules.

    A subclass sets ``argument_spec`` (and ``module_kwargs``) and implements
    ``run()``: it reads the pool through ``self.cli``, plans, and calls
    ``self.act(description, command)`` for each change, which records the step
    in ``actions`` and runs the gluster command unless in check mode (one branch
    for check mode, here).  ``self.changed(before, after)`` adds to the diff.
    Every failure (a refused input, or a gluster command that failed) goes
    through ``fail``/``main`` and carries the steps already ``done``; a failed
    command also its ``cmd``, ``rc`` and ``stderr``.
    """

    argument_spec = {}
    module_kwargs = {}

    def __init__(self):
        self.module = AnsibleModule(argument_spec=self.argument_spec, supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self.check = self.module.check_mode
        self.result = {"changed": False, "actions": []}
        self.done = []
        self._before = {}
        self._after = {}
        self.cli = None

    def act(self, description, command):
        """One change: recorded, and run with the gluster CLI (XML mode) unless in check mode."""
        self.result["changed"] = True
        self.result["actions"].append(description)
        if not self.check:
            self.cli.run_xml(command)
            self.done.append(description)

    def changed(self, before=None, after=None):
        """Add ``before``/``after`` to the diff."""
        if before:
            self._before.update(before)
        if after:
            self._after.update(after)

    def fail(self, msg, **kwargs):
        """Refuse, with what was already done."""
        kwargs.setdefault("changed", bool(self.done))
        self.module.fail_json(msg=msg, done=list(self.done), **kwargs)

    def run(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def main(self):
        try:
            self.cli = GlusterCli(self.module)
            self.run()
        except GlusterError as err:
            self.fail(str(err), **err.details())
        if self.module._diff:
            self.result["diff"] = {"before": self._before, "after": self._after}
        self.module.exit_json(**self.result)

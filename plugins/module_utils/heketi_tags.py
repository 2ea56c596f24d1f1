# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tag handling shared by nodes and devices (Heketi tags are str -> str)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def wanted_tags(current, requested, purge):
    """The full tag set to send with change_type=set."""
    requested = dict((str(k), str(v)) for k, v in (requested or {}).items())
    if purge:
        return requested
    merged = dict(current or {})
    merged.update(requested)
    return merged

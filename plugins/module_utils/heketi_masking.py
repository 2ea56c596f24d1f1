# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hiding secrets that Heketi puts in its answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MASK = "********"


def mask_blockvolume(info):
    """A copy of a block volume info with its CHAP password masked."""
    out = dict(info)
    if isinstance(out.get("blockvolume"), dict) and out["blockvolume"].get("password"):
        out["blockvolume"] = dict(out["blockvolume"], password=MASK)
    return out

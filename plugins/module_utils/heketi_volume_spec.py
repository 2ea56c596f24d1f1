# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Translating between module options and Heketi volume requests/infos."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ARBITER_OPTION = "user.heketi.arbiter true"
ZONE_STRICT_OPTION = "user.heketi.zone-checking strict"


def _norm(option):
    return " ".join(str(option).split())


def build_request(p):
    """The POST /volumes body for module params ``p``."""
    req = {"size": p["size"], "name": p["name"]}
    if p["durability"] == "replicate":
        req["durability"] = {"type": "replicate", "replicate": {"replica": p["replica"]}}
    elif p["durability"] == "disperse":
        req["durability"] = {"type": "disperse",
                             "disperse": {"data": p["disperse_data"], "redundancy": p["disperse_redundancy"]}}
    else:
        req["durability"] = {"type": "none"}
    options = [_norm(o) for o in p.get("options") or []]
    if p.get("arbiter"):
        options.append(ARBITER_OPTION)
    if p.get("zone_checking") == "strict":
        options.append(ZONE_STRICT_OPTION)
    if options:
        req["glustervolumeoptions"] = options
    if p.get("gid"):
        req["gid"] = p["gid"]
    if p.get("clusters"):
        req["clusters"] = list(p["clusters"])
    if p.get("snapshot"):
        req["snapshot"] = {"enable": True, "factor": p.get("snapshot_factor") or 1.0}
    return req


def view(info):
    """Id-free view of a volume info (or a request) for diffs and comparison."""
    dur = info.get("durability") or {}
    options = [_norm(o) for o in info.get("glustervolumeoptions") or []]
    out = {"size": info.get("size"), "durability": dur.get("type"), "gid": info.get("gid") or 0,
           "arbiter": ARBITER_OPTION in options,
           "zone_checking": "strict" if ZONE_STRICT_OPTION in options else "none",
           "options": sorted(o for o in options if o not in (ARBITER_OPTION, ZONE_STRICT_OPTION))}
    if dur.get("type") == "replicate":
        out["replica"] = (dur.get("replicate") or {}).get("replica")
    if dur.get("type") == "disperse":
        d = dur.get("disperse") or {}
        out["disperse"] = "%s+%s" % (d.get("data"), d.get("redundancy"))
    return out


def immutable_differences(current, wanted):
    """Properties Heketi cannot change on an existing volume that differ."""
    keys = ("durability", "replica", "disperse", "arbiter", "zone_checking", "gid", "options")
    return ["%s is %r, wanted %r" % (k, current.get(k), wanted.get(k))
            for k in keys if current.get(k) != wanted.get(k)]

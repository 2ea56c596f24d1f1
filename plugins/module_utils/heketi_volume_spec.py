# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Translating between module options and Heketi volume requests/infos.

How the real Heketi 10 server treats volume options (apps/glusterfs/
volume_entry.go; shown against the server in tests/unit/plugins/modules/test_heketi_volumes.py):

* a volume keeps, in ``glustervolumeoptions``, the server's
  ``pre_request_volume_options`` split at "," (spaces kept), then (block
  hosting volumes) ``block_hosting_volume_options``, then the request's own
  options, then ``post_request_volume_options`` ("" when unset).  So a
  volume always lists more options than were asked for, and whether it
  matches a task is "are the asked-for options there", not equality.
* Heketi reads its own ``user.heketi.*`` options as a map: each entry is
  split at its first space, and a later entry wins.  An entry with a leading
  space (", " between options in heketi.json) has the key "" and is ignored
  for that purpose.  So ``user.heketi.arbiter false`` in the request
  overrides a server-wide ``user.heketi.arbiter true``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ARBITER_KEY = "user.heketi.arbiter"
ZONE_CHECKING_KEY = "user.heketi.zone-checking"
HEKETI_KEYS = (ARBITER_KEY, ZONE_CHECKING_KEY)
TRUE_WORDS = ("1", "t", "T", "TRUE", "true", "True")  # Go's strconv.ParseBool
FALSE_WORDS = ("0", "f", "F", "FALSE", "false", "False")


def _norm(option):
    return " ".join(str(option).split())


def heketi_options(options):
    """Heketi's own reading of a volume's option list (volOptsMap): key -> value, later wins."""
    found = {}
    for option in options or []:
        parts = option.split(" ", 1)
        found[parts[0]] = parts[1] if len(parts) == 2 else ""
    return found


def is_arbiter(options):
    """Whether Heketi makes (made) a volume with these options an arbiter volume."""
    return heketi_options(options).get(ARBITER_KEY) in TRUE_WORDS


def plain_options(options):
    """The Gluster options of a list, normalised, without blanks and Heketi's own user.heketi.* ones."""
    out = []
    for option in options or []:
        norm = _norm(option)
        if norm and norm.split(" ", 1)[0] not in HEKETI_KEYS:
            out.append(norm)
    return out


def wanted_arbiter(p):
    """The arbiter choice of module params ``p``: O(arbiter), or C(user.heketi.arbiter) in O(options)
    (as a StorageClass sends it); None when they disagree."""
    from_options = heketi_options([_norm(o) for o in p.get("options") or []]).get(ARBITER_KEY)
    if from_options is None:
        return bool(p.get("arbiter"))
    in_options = from_options in TRUE_WORDS
    if p.get("arbiter") is not None and p["arbiter"] != in_options:
        return None
    return in_options


def build_request(p):
    """The POST /volumes body for module params ``p``.

    The arbiter choice is always sent (``user.heketi.arbiter true`` or
    ``false``), so a volume is what the task says whatever the server-wide
    pre_request_volume_options hold.
    """
    req = {"size": p["size"], "name": p["name"]}
    if p["durability"] == "replicate":
        req["durability"] = {"type": "replicate", "replicate": {"replica": p["replica"]}}
    elif p["durability"] == "disperse":
        req["durability"] = {"type": "disperse",
                             "disperse": {"data": p["disperse_data"], "redundancy": p["disperse_redundancy"]}}
    else:
        req["durability"] = {"type": "none"}
    options = plain_options(p.get("options"))
    options.append("%s %s" % (ARBITER_KEY, "true" if wanted_arbiter(p) else "false"))
    if p.get("zone_checking"):
        options.append("%s %s" % (ZONE_CHECKING_KEY, p["zone_checking"]))
    req["glustervolumeoptions"] = options
    if p.get("gid"):
        req["gid"] = p["gid"]
    if p.get("clusters"):
        req["clusters"] = list(p["clusters"])
    if p.get("snapshot"):
        req["snapshot"] = {"enable": True, "factor": p.get("snapshot_factor") or 1.0}
    if p.get("block"):
        req["block"] = True
    return req


def view(info):
    """Id-free view of a volume info (or a request) for diffs and comparison."""
    dur = info.get("durability") or {}
    options = info.get("glustervolumeoptions") or []
    zone_checking = heketi_options(options).get(ZONE_CHECKING_KEY)
    out = {"size": info.get("size"), "durability": dur.get("type") or "none", "gid": info.get("gid") or 0,
           "arbiter": is_arbiter(options), "zone_checking": zone_checking or "server default",
           "block": bool(info.get("block")), "options": sorted(plain_options(options))}
    if dur.get("type") == "replicate":
        out["replica"] = (dur.get("replicate") or {}).get("replica")
    if dur.get("type") == "disperse":
        d = dur.get("disperse") or {}
        out["disperse"] = "%s+%s" % (d.get("data"), d.get("redundancy"))
    if out["block"]:
        out["block_restriction"] = ((info.get("blockinfo") or {}).get("restriction")) or "unrestricted"
    return out


def immutable_differences(current, wanted):
    """What Heketi cannot change on an existing volume and differs from the task.

    ``current``: view of the volume; ``wanted``: view of the request the task would send.
    The volume's options must include the task's (the server adds its own);
    zone checking is compared only where both say it explicitly.
    """
    keys = ("durability", "replica", "disperse", "arbiter", "gid", "block")
    wrong = ["%s is %r, wanted %r" % (k, current.get(k), wanted.get(k))
             for k in keys if current.get(k) != wanted.get(k)]
    if "server default" not in (current["zone_checking"], wanted["zone_checking"]) and \
            current["zone_checking"] != wanted["zone_checking"]:
        wrong.append("zone_checking is %r, wanted %r" % (current["zone_checking"], wanted["zone_checking"]))
    missing = [o for o in wanted["options"] if o not in current["options"]]
    if missing:
        wrong.append("options %s are not set on it (it has %s)" % (missing, current["options"]))
    return wrong

# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rule that decides between a synchronous stretched replica and asynchronous geo-replication.

A stretched ``replica 3 arbiter 1`` volume acknowledges a write only when
the bricks of two sites have it, so every write pays the round trip between
the sites.  Above about 10 ms (the threshold metro-DR products use) that
cost is too high for the applications on it, and the far site belongs on
the other side of an asynchronous copy: geo-replication to a DR site.

Input: the measured round-trip time of each link between the metro sites,
``{"a-b": {"ms": 1.2, "from": "gl-a1", "to": "10.77.2.11"}, ...}``, with
``ms`` None when nothing answered.  The rule refuses every link above the
threshold, naming the link and the figure, unless the operator overrides.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DEFAULT_MAX_SYNC_RTT_MS = 10.0
OVERRIDE_VARIABLE = "metrostor_allow_slow_sync_link"
THRESHOLD_VARIABLE = "metrostor_max_sync_rtt_ms"


class LatencyError(ValueError):
    def __init__(self, problems):
        super(LatencyError, self).__init__(
            "Synchronous replication refused: " + "; ".join(problems) + ". A stretched synchronous replica "
            "waits for every write on this link: keep such a site out of the metro pool and copy to it "
            "asynchronously with geo-replication (playbooks/dr_georep.yml, docs/dr.md), or set %s=true to "
            "stretch the replica anyway." % OVERRIDE_VARIABLE)
        self.problems = problems


def check_sync_links(links, max_rtt_ms=DEFAULT_MAX_SYNC_RTT_MS, allow_slow=False):
    """Return {"links": {...}, "slow": [...], "max_rtt_ms": N}; raise LatencyError when a link is too slow.

    A link that could not be measured is refused too (its RTT is unknown), also with the override:
    the override accepts a slow link, not a missing one.
    """
    try:
        limit = float(max_rtt_ms)
    except (TypeError, ValueError):
        raise LatencyError(["%s must be a number of milliseconds, not %r" % (THRESHOLD_VARIABLE, max_rtt_ms)])
    if limit <= 0:
        raise LatencyError(["%s must be above 0, not %s" % (THRESHOLD_VARIABLE, max_rtt_ms)])
    if not links:
        raise LatencyError(["no link between the metro sites was measured (fewer than two sites with nodes)"])
    slow, unreachable = [], []
    for name, link in sorted(links.items()):
        where = "%s -> %s" % (link.get("from", "?"), link.get("to", "?"))
        if link.get("ms") is None:
            unreachable.append("the link between sites %s could not be measured (%s did not answer: %s)"
                               % (name, where, link.get("error") or "no reply"))
        elif float(link["ms"]) > limit:
            slow.append("the link between sites %s has a round-trip time of %.1f ms (%s), above %s=%g ms"
                        % (name, float(link["ms"]), where, THRESHOLD_VARIABLE, limit))
    if unreachable or (slow and not allow_slow):
        raise LatencyError(unreachable + ([] if allow_slow else slow))
    return {"links": dict((n, round(float(l["ms"]), 2)) for n, l in links.items()), "slow": slow,
            "max_rtt_ms": limit, "overridden": bool(slow)}

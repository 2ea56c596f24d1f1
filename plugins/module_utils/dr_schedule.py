# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR schedules: what the inventory declares, checked and turned into timers.

A DR schedule belongs to one application group: a set of Gluster volumes that
are copied to the DR site (their pairs in ``metrostor_dr_site.volumes``) and
the Kubernetes namespaces of the application.  Each run sets a geo-replication
checkpoint per volume and waits for it (the time just before the checkpoint
is then the group's last consistent point), exports the namespaces' objects,
and runs optional hooks in a pod before (e.g. a database flush) and after.

It runs every ``every`` (``90s``, ``15m``, ``2h``) or daily at ``daily_at``
(``HH:MM`` UTC), as a systemd timer on a controller host and as an AWX
schedule; both are derived here, in one place.  Everything is checked at once
and all the problems are reported together, before anything is written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")
# Kubernetes namespace names are RFC 1123 labels.
NAMESPACE_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
EVERY_RE = re.compile(r"^\s*(\d+)\s*(s|sec|m|min|h|hour)?\s*$")
DAILY_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
UNIT_SECONDS = {None: 60, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}
# Below this a run (checkpoint, wait, export) would not end before the next one starts.
MIN_INTERVAL_SECONDS = 60
DEFAULT_CHECKPOINT_TIMEOUT = 600
KNOWN_KEYS = {"name", "volumes", "namespaces", "every", "daily_at", "pre_hook", "post_hook", "checkpoint_timeout",
              "enabled"}
HOOK_KEYS = {"namespace", "pod", "container", "command", "timeout"}
# AWX schedules need a start; schedules declared here start on this day (UTC).
DEFAULT_DTSTART_DAY = "20261201"


class ScheduleError(Exception):
    """One or more schedules are invalid; the message lists every problem."""


def interval_seconds(text):
    """Seconds of an ``every`` value (``15m``, ``2h``, ``90s``; a bare number is minutes), or None."""
    match = EVERY_RE.match(str(text))
    if not match:
        return None
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def _check_hook(where, hook, problems):
    if not isinstance(hook, dict):
        problems.append("%s must be a mapping with namespace, pod and command" % where)
        return None
    unknown = sorted(set(hook) - HOOK_KEYS)
    if unknown:
        problems.append("%s has unknown keys %s (known: %s)" % (where, ", ".join(unknown), ", ".join(sorted(HOOK_KEYS))))
    namespace, pod, command = hook.get("namespace"), hook.get("pod"), hook.get("command")
    if not namespace or not NAMESPACE_RE.match(str(namespace)):
        problems.append("%s needs a namespace (a Kubernetes namespace name), got %r" % (where, namespace))
    if not pod:
        problems.append("%s needs the pod the command runs in" % where)
    if not isinstance(command, list) or not command or not all(isinstance(c, str) and c for c in command):
        problems.append("%s needs command as a list of strings (argv, no shell), got %r" % (where, command))
    timeout = hook.get("timeout", 120)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        problems.append("%s timeout must be a positive number of seconds, got %r" % (where, timeout))
    return {"namespace": namespace, "pod": pod, "container": hook.get("container"), "command": command,
            "timeout": timeout}


def check_schedules(schedules, volume_pairs, known_namespaces=None):
    """The schedules, checked and normalised; raises ScheduleError naming every problem.

    ``volume_pairs`` are ``metrostor_dr_site.volumes`` (``{primary, standby}``); a schedule names
    primary volumes.  ``known_namespaces``, when given, is the list of namespaces that exist.
    """
    problems = []
    if schedules is None:
        schedules = []
    if not isinstance(schedules, list):
        raise ScheduleError("metrostor_dr_schedules must be a list of schedules, got %s" % type(schedules).__name__)
    pairs = dict((p.get("primary"), p.get("standby") or p.get("primary")) for p in volume_pairs or []
                 if isinstance(p, dict))
    out = []
    seen = set()
    for index, sched in enumerate(schedules):
        if not isinstance(sched, dict):
            problems.append("schedule %d is not a mapping" % (index + 1))
            continue
        problems_before = len(problems)
        name = sched.get("name")
        where = "schedule %r" % (name if name else index + 1)
        if not name or not NAME_RE.match(str(name)):
            problems.append("%s: name must be lower-case letters, digits and dashes (at most 40), got %r"
                            % (where, name))
        elif name in seen:
            problems.append("%s is declared twice" % where)
        seen.add(name)
        unknown = sorted(set(sched) - KNOWN_KEYS)
        if unknown:
            problems.append("%s has unknown keys %s (known: %s)"
                            % (where, ", ".join(unknown), ", ".join(sorted(KNOWN_KEYS))))
        volumes = sched.get("volumes")
        if not isinstance(volumes, list) or not volumes:
            problems.append("%s needs volumes: the primary volumes of the application group" % where)
            volumes = []
        missing = [v for v in volumes if v not in pairs]
        if missing:
            problems.append("%s names volumes that are not copied to the DR site: %s (metrostor_dr_site.volumes "
                            "has %s)" % (where, ", ".join(map(str, missing)), ", ".join(sorted(map(str, pairs)))
                                         or "none"))
        namespaces = sched.get("namespaces") or []
        if not isinstance(namespaces, list):
            problems.append("%s: namespaces must be a list" % where)
            namespaces = []
        bad_ns = [n for n in namespaces if not NAMESPACE_RE.match(str(n))]
        if bad_ns:
            problems.append("%s names invalid namespaces %s (RFC 1123 labels)" % (where, ", ".join(map(str, bad_ns))))
        if known_namespaces is not None:
            unknown_ns = [n for n in namespaces if n not in known_namespaces and n not in bad_ns]
            if unknown_ns:
                problems.append("%s names namespaces the cluster does not have: %s (it has %s)"
                                % (where, ", ".join(unknown_ns), ", ".join(sorted(known_namespaces)) or "none"))
        every, daily_at = sched.get("every"), sched.get("daily_at")
        seconds = None
        if (every is None) == (daily_at is None):
            problems.append("%s needs exactly one of every (e.g. 15m) and daily_at (HH:MM UTC)" % where)
        elif every is not None:
            seconds = interval_seconds(every)
            if seconds is None:
                problems.append("%s: every=%r is not an interval (90s, 15m, 2h)" % (where, every))
            elif seconds < MIN_INTERVAL_SECONDS:
                problems.append("%s: every=%r is shorter than %d s (a run checkpoints, waits and exports)"
                                % (where, every, MIN_INTERVAL_SECONDS))
        elif not DAILY_RE.match(str(daily_at)):
            problems.append("%s: daily_at=%r is not HH:MM (UTC)" % (where, daily_at))
        timeout = sched.get("checkpoint_timeout", DEFAULT_CHECKPOINT_TIMEOUT)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
            problems.append("%s: checkpoint_timeout must be a positive number of seconds, got %r" % (where, timeout))
            timeout = DEFAULT_CHECKPOINT_TIMEOUT
        hooks = {}
        for key in ("pre_hook", "post_hook"):
            if sched.get(key) is not None:
                hooks[key] = _check_hook("%s %s" % (where, key), sched[key], problems)
                if hooks[key] and namespaces and hooks[key]["namespace"] not in namespaces:
                    problems.append("%s %s runs in namespace %r, which is not one of the group's namespaces %s"
                                    % (where, key, hooks[key]["namespace"], ", ".join(namespaces)))
        enabled = sched.get("enabled", True)
        if not isinstance(enabled, bool):
            problems.append("%s: enabled must be true or false" % where)
        if len(problems) == problems_before:
            out.append(normalise(name, volumes, pairs, namespaces, seconds, daily_at, timeout, hooks, enabled))
    if problems:
        raise ScheduleError("DR schedules refused, nothing was changed: " + "; ".join(problems))
    return out


def normalise(name, volumes, pairs, namespaces, seconds, daily_at, timeout, hooks, enabled):
    sched = {"name": name, "volumes": list(volumes),
             "pairs": [{"primary": v, "standby": pairs.get(v)} for v in volumes],
             "namespaces": list(namespaces), "checkpoint_timeout": timeout,
             "pre_hook": hooks.get("pre_hook"), "post_hook": hooks.get("post_hook"), "enabled": enabled,
             "unit": "metrostor-dr-%s" % name}
    if seconds is not None:
        sched.update(interval_seconds=seconds, daily_at=None, timer=timer_every(seconds),
                     rrule=rrule_every(seconds), rpo_bound_seconds=seconds + timeout)
    else:
        hour, minute = (int(x) for x in str(daily_at).split(":"))
        sched.update(interval_seconds=None, daily_at="%02d:%02d" % (hour, minute),
                     timer={"OnCalendar": "*-*-* %02d:%02d:00 UTC" % (hour, minute), "Persistent": "true"},
                     rrule="DTSTART:%sT%02d%02d00Z RRULE:FREQ=DAILY;INTERVAL=1" % (DEFAULT_DTSTART_DAY, hour, minute),
                     rpo_bound_seconds=86400 + timeout)
    return sched


def timer_every(seconds):
    """[Timer] settings of a fixed interval: the first run soon after the timer starts (also at boot),
    then every interval after the last run started (a run that takes long does not pile up runs)."""
    return {"OnActiveSec": "%ds" % min(seconds, 300), "OnUnitActiveSec": "%ds" % seconds}


def rrule_every(seconds):
    """AWX's iCal RRULE for an interval (whole minutes; AWX schedules have minute resolution)."""
    minutes = max(1, seconds // 60)
    if minutes % 60 == 0:
        return "DTSTART:%sT000000Z RRULE:FREQ=HOURLY;INTERVAL=%d" % (DEFAULT_DTSTART_DAY, minutes // 60)
    return "DTSTART:%sT000000Z RRULE:FREQ=MINUTELY;INTERVAL=%d" % (DEFAULT_DTSTART_DAY, minutes)


def awx_schedules(schedules, job_template):
    """AWX schedule definitions (awx/config.yml's awx_schedules shape), one per DR schedule."""
    return [{"name": "metrostor: DR schedule %s" % s["name"], "job_template": job_template, "rrule": s["rrule"],
             "description": "DR schedule %s: checkpoint of %s%s; RPO at most %d s" % (
                 s["name"], ", ".join(s["volumes"]),
                 (", export of namespaces " + ", ".join(s["namespaces"])) if s["namespaces"] else "",
                 s["rpo_bound_seconds"]),
             "extra_data": {"gluster_dr_schedule_name": s["name"]}, "enabled": s["enabled"]}
            for s in schedules]

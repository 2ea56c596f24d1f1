#!/usr/bin/env python
"""Serve the Heketi emulation (tests/heketi_emulator, a test double of Heketi's REST API) for an
integration target: writes {"url", "admin_key"} to STATE_FILE once it answers, and serves until
STATE_FILE is removed or LIFETIME seconds have passed (a target that dies leaves no server behind
for long).  Usage: serve_heketi_emulator.py STATE_FILE [LIFETIME]"""
import json
import os
import sys
import time


def checkout_root():
    """The collection's root: the first parent of this file holding tests/heketi_emulator."""
    here = os.path.dirname(os.path.abspath(__file__))
    while here != os.path.dirname(here):
        if os.path.isfile(os.path.join(here, "tests", "heketi_emulator", "__init__.py")):
            return here
        here = os.path.dirname(here)
    raise SystemExit("tests/heketi_emulator not found above %s" % __file__)


def main():
    state_file = sys.argv[1]
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 900.0
    sys.path.insert(0, checkout_root())
    from tests.heketi_emulator import HeketiEmulator
    from tests.real_heketi import role_settings
    emu = HeketiEmulator(pending_polls=1, glusterfs=role_settings()).start()
    partial = state_file + ".part"
    with open(partial, "w") as handle:
        json.dump({"url": emu.url, "admin_key": emu.admin_key, "pid": os.getpid()}, handle)
    os.rename(partial, state_file)
    deadline = time.time() + lifetime
    while os.path.exists(state_file) and time.time() < deadline:
        time.sleep(0.2)
    emu.stop()


if __name__ == "__main__":
    main()

"""Run the Heketi emulation (TEST DOUBLE) as a server reading a heketi.json.

    python -m tests.heketi_emulator --config=/etc/heketi/heketi.json

Used only by the lab (packaged by tests/heketi_emulator/build_release_archive.py
as a stand-in "release archive", because the real Heketi binary cannot be
installed here).  It reads the port, the JWT keys and the db path; it does not
run any Gluster command.  Its state is saved to the db path as JSON after each
change, so a restart keeps it.
"""
import argparse
import json
import os
import signal
import sys
import threading

if __package__ in (None, ""):  # run as a zipapp: the package sits at the archive's root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "heketi_emulator"

from .server import HeketiEmulator  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="heketi", description="Heketi REST API emulation (TEST DOUBLE)")
    parser.add_argument("--config", required=True)
    parser.add_argument("--version", action="version", version="heketi v10.4.0-emulated (TEST DOUBLE)")
    args = parser.parse_args(argv)
    with open(args.config) as handle:
        conf = json.load(handle)
    jwt = conf.get("jwt") or {}
    use_auth = conf.get("use_auth", False)
    emu = HeketiEmulator(admin_key=(jwt.get("admin") or {}).get("key") if use_auth else None,
                         user_key=(jwt.get("user") or {}).get("key"), pending_polls=1,
                         host="0.0.0.0", port=int(conf.get("port", 8080)))
    db = (conf.get("glusterfs") or {}).get("db", "/var/lib/heketi/heketi.db")
    state = emu.state
    if os.path.exists(db):
        with open(db) as handle:
            saved = json.load(handle)
        state.clusters, state.nodes = saved["clusterentries"], saved["nodeentries"]
        state.devices, state.bricks = saved["deviceentries"], saved["brickentries"]
        state.volumes, state.blockvolumes = saved["volumeentries"], saved["blockvolumeentries"]
        for node in state.nodes.values():
            state.hostnames.update(node["hostnames"]["manage"] + node["hostnames"]["storage"])
    last = [state.dump()]

    def persist():
        while True:
            stop.wait(0.5)
            now = state.dump()
            if now != last[0]:
                tmp = db + ".tmp"
                with open(tmp, "w") as handle:
                    handle.write(now)
                os.replace(tmp, db)
                last[0] = now
            if stop.is_set():
                return

    stop = threading.Event()
    saver = threading.Thread(target=persist, daemon=True)
    saver.start()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    emu.start()
    print("heketi (emulated, TEST DOUBLE) listening on port %s" % conf.get("port", 8080), flush=True)
    stop.wait()
    saver.join(2)
    emu.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Capture the traffic between the lab's sites and look for a byte string in it.

A raw AF_PACKET socket in the root namespace (the sites' router) records
every frame that crosses the site bridges (mlab-a, mlab-b, mlab-c by default):
all traffic from one site to another is routed there.  No tcpdump needed.

  sudo lab/capture.py --seconds 10 --marker METROSTOR-MARKER   # prints JSON

or from Python::

    with Capture() as cap:
        ...                       # make traffic
    cap.count(b"marker"), cap.frames, cap.bytes
"""
import argparse
import json
import select
import socket
import sys
import threading
import time

ETH_P_ALL = 0x0003
DEFAULT_IFACES = ("mlab-a", "mlab-b", "mlab-c")


class Capture(threading.Thread):
    """Records the frames seen on the given interfaces until stopped."""

    def __init__(self, ifaces=DEFAULT_IFACES, ports=None):
        super().__init__(daemon=True)
        self.ifaces = tuple(ifaces)
        self.ports = set(ports or ())  # only TCP frames from/to these ports (empty: all)
        self.data = []
        self.frames = 0
        self.bytes = 0
        self.by_iface = {i: 0 for i in self.ifaces}
        self._stop_event = threading.Event()
        self._socks = []
        for iface in self.ifaces:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            sock.bind((iface, 0))
            sock.setblocking(False)
            self._socks.append(sock)

    def _tcp_port_match(self, frame):
        if not self.ports:
            return True
        if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
            return False
        ihl = (frame[14] & 0x0F) * 4
        sport = int.from_bytes(frame[14 + ihl:16 + ihl], "big")
        dport = int.from_bytes(frame[16 + ihl:18 + ihl], "big")
        return sport in self.ports or dport in self.ports

    def run(self):
        while not self._stop_event.is_set():
            ready, _w, _x = select.select(self._socks, [], [], 0.2)
            for sock in ready:
                while True:
                    try:
                        frame, addr = sock.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if not self._tcp_port_match(frame):
                        continue
                    self.frames += 1
                    self.bytes += len(frame)
                    self.by_iface[addr[0]] = self.by_iface.get(addr[0], 0) + 1
                    self.data.append(frame)

    def stop(self):
        self._stop_event.set()
        self.join(5)
        for sock in self._socks:
            sock.close()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def count(self, marker):
        """Frames that contain the marker (whole, in one frame)."""
        return sum(1 for frame in self.data if marker in frame)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--marker", required=True)
    parser.add_argument("--iface", action="append", help="interface (repeat); default the site bridges a, b, c")
    args = parser.parse_args()
    with Capture(args.iface or DEFAULT_IFACES) as cap:
        time.sleep(args.seconds)
    print(json.dumps({"frames": cap.frames, "bytes": cap.bytes, "by_iface": cap.by_iface,
                      "marker_frames": cap.count(args.marker.encode())}))


if __name__ == "__main__":
    sys.exit(main())

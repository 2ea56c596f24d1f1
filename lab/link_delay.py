#!/usr/bin/env python3
"""Delay the packets of one netfilter queue by a fixed time (the lab's
stand-in for ``tc qdisc ... netem delay`` on kernels built without sch_netem).

lab/lab.py queues the packets going towards a site's bridge
(``iptables -j NFQUEUE --queue-num N``) and runs this program for the queue:
each packet is held (its verdict deferred) until ``delay`` has passed, then
accepted, in arrival order.  One thread, one select() loop; it stops on
SIGTERM.  Needs the NetfilterQueue package (libnetfilter_queue bindings).

    link_delay.py QUEUE_NUM DELAY_MS
"""

import heapq
import itertools
import select
import signal
import sys
import time

from netfilterqueue import NetfilterQueue


def main(argv):
    queue_num, delay = int(argv[0]), int(argv[1]) / 1000.0
    held = []
    order = itertools.count()

    def hold(pkt):
        pkt.retain()
        heapq.heappush(held, (time.monotonic() + delay, next(order), pkt))

    nfq = NetfilterQueue()
    nfq.bind(queue_num, hold, max_len=65536)
    fd = nfq.get_fd()
    running = [True]
    signal.signal(signal.SIGTERM, lambda *a: running.__setitem__(0, False))
    try:
        while running[0]:
            now = time.monotonic()
            while held and held[0][0] <= now:
                heapq.heappop(held)[2].accept()
            timeout = max(0.0, held[0][0] - now) if held else 0.5
            ready, _w, _x = select.select([fd], [], [], timeout)
            if ready:
                nfq.run(block=False)
    finally:
        for _due, _n, pkt in held:
            pkt.accept()
        nfq.unbind()


if __name__ == "__main__":
    main(sys.argv[1:])

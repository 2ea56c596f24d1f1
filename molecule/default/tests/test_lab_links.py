"""The lab's site links: a cut site is unreachable until healed, and a delayed
site's round-trip time grows by the delay (netem, or the userspace stand-in)."""
import os
import re
import subprocess

testinfra_hosts = ["gl-b1"]
LAB = os.path.join(os.path.dirname(__file__), "..", "..", "..", "lab", "lab")


def lab(*args):
    subprocess.run([LAB] + list(args), check=True)


def rtt_ms(host, target, count=10):
    out = host.run("ping -n -q -c %d -i 0.2 -W 2 %s" % (count, target))
    match = re.search(r"= [\d.]+/([\d.]+)/", out.stdout)
    return float(match.group(1)) if match else None


def test_cut_and_heal(host):
    assert rtt_ms(host, "10.77.1.11", 2) is not None
    lab("cut", "a")
    try:
        assert rtt_ms(host, "10.77.1.11", 3) is None       # site a is gone
        assert rtt_ms(host, "10.77.3.11", 2) is not None   # the tie-breaker is not
    finally:
        lab("heal", "a")
    assert rtt_ms(host, "10.77.1.11", 2) is not None


def test_delay_adds_to_round_trip(host):
    base = rtt_ms(host, "10.77.1.11")
    lab("delay", "a", "50")
    try:
        delayed = rtt_ms(host, "10.77.1.11")
        other = rtt_ms(host, "10.77.3.11")
    finally:
        lab("delay", "a", "0")
    after = rtt_ms(host, "10.77.1.11")
    assert 45 <= delayed - base <= 80, (base, delayed)
    assert other < 20 and after < 20, (other, after)

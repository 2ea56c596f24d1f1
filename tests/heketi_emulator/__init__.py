"""TEST DOUBLE: an in-repo emulation of Heketi's REST API.

This is *not* Heketi.  The module tests run against the real Heketi server
(tests/real_heketi.py, mock executor) and against this emulation, and
tests/unit/test_emulation_fidelity.py sends the same requests to both and
requires the same answers (status codes, what fails at once and what through
the queue, error texts, brick placement, throttle, JWT checks).  The
emulation stays for what the real server with the mock executor cannot
show: injected faults (``force_429``, ``fail_next``, TLS), a server clock
far off (JWT expiry), an operation held pending for several polls, brick
eviction from a failed device or node, and volume clone (the mock executor
fails eviction with "Id not found" and crashes on clone).  Production
deployments install the real Heketi through ``roles/heketi``.
"""

from .server import HeketiEmulator, EmulatorState  # noqa: F401

"""TEST DOUBLE: an in-repo emulation of Heketi's REST API.

This is *not* Heketi.  It exists because the real Heketi server binary cannot
be installed in this project's build environment.  It follows the real
server's externally visible behaviour (routes, status codes, the async
``/queue`` protocol, JWT checks, error texts) closely enough to drive the
collection's modules in tests.  Production deployments install the real
Heketi through ``roles/heketi``.
"""

from .server import HeketiEmulator, EmulatorState  # noqa: F401

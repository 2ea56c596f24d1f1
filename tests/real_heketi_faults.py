"""Faults of the REAL Heketi server (tests/real_heketi.py) that users meet, made on purpose.

* ``slow_disk(server)``: every fdatasync/fsync of the running server (BoltDB
  commits) is held ``seconds`` by ``strace -e inject=...:delay_enter``, so a
  volume create stays in flight long enough to be seen in ``GET /operations``
  (the mock executor itself answers at once).  Needs strace and ptrace (root).
* ``crash(server)``: SIGKILL, as a power cut or OOM kill; an operation in
  flight stays in the DB as a pending operation.
* ``restart(server)``: the same binary, config, port and DB again; Heketi
  marks the pending operations it finds ``stale`` at start-up.
* ``rewrite_db(server, dump)``: replace the DB with ``heketi db import`` of a
  (changed) ``/db/dump`` JSON, for states the API cannot make (an
  inconsistent DB), then restart.

The proxy (``server.url``) and ``server.requests`` are kept across restarts.
"""
import contextlib
import json
import os
import shutil
import subprocess
import time

from tests import real_heketi


def unavailable():
    """None when these faults can be made here, else why not."""
    return real_heketi.available() or (None if shutil.which("strace") else "strace is not installed")


@contextlib.contextmanager
def slow_disk(server, seconds=3.0):
    proc = subprocess.Popen(["strace", "-f", "-qq", "-p", str(server.proc.pid), "-e", "trace=fdatasync,fsync",
                             "-e", "inject=fdatasync,fsync:delay_enter=%d" % int(seconds * 1e6)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)  # attached to every thread before the test goes on
    try:
        yield
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait()


def wait_for(server, predicate, timeout=30):
    """Poll GET /operations (unlogged) until ``predicate(counts)``; return the counts."""
    deadline = time.time() + timeout
    while True:
        status, _unused, counts = server.call("GET", "/operations")
        if status == 200 and predicate(counts):
            return counts
        assert time.time() < deadline, "GET /operations never matched: %r" % (counts,)
        time.sleep(0.05)


def crash(server):
    server.proc.kill()
    server.proc.wait()


def restart(server):
    if server.proc.poll() is None:
        crash(server)
    server.log.close()
    server.log = open(os.path.join(server.tmp, "heketi.log"), "a")
    server.proc = subprocess.Popen(["ip", "netns", "exec", real_heketi.NETNS, real_heketi.locate_binary(),
                                    "--config=" + os.path.join(server.tmp, "heketi.json")],
                                   stdout=server.log, stderr=subprocess.STDOUT)
    assert server._wait_ready(), "the real Heketi did not restart: %s" % server.server_log()[-2000:]


def rewrite_db(server, dump):
    """Stop the server, make its DB from ``dump`` (JSON of /db/dump) with ``heketi db import``, restart."""
    crash(server)
    db = os.path.join(server.tmp, "heketi.db")
    source = os.path.join(server.tmp, "import.json")
    with open(source, "w") as handle:
        json.dump(dump, handle)
    os.unlink(db)
    proc = subprocess.run([real_heketi.locate_binary(), "db", "import", "--jsonfile=" + source, "--dbfile=" + db],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    restart(server)

"""The NFS head check that keepalived tracks (roles/nfs_ganesha/files/nfs-head-check): the head
keeps the floating address only while Ganesha answers and it reaches glusterd on at least the
quorum ratio of the pool; run against real listening sockets on loopback addresses."""
import os
import socket
import subprocess
import sys

import pytest

CHECK = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "roles", "nfs_ganesha", "files", "nfs-head-check")


@pytest.fixture
def listeners():
    socks = []

    def listen(address, port=0):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(8)
        socks.append(sock)
        return sock.getsockname()[1]
    yield listen
    for sock in socks:
        sock.close()


def check(nfs_port, gluster_port, pool, ratio=51):
    proc = subprocess.run([sys.executable, CHECK, "--timeout", "0.3", "--ratio", str(ratio), "--nfs-port",
                           str(nfs_port), "--gluster-port", str(gluster_port)] + pool,
                          capture_output=True, text=True, timeout=30, check=False)
    return proc.returncode, proc.stdout


POOL = ["127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14", "127.0.0.15"]


def test_passes_with_ganesha_and_the_whole_pool(listeners):
    nfs = listeners("127.0.0.1")
    gluster = listeners(POOL[0])
    for address in POOL[1:]:
        listeners(address, gluster)
    assert check(nfs, gluster, POOL) == (0, "")


def test_passes_with_three_of_five(listeners):
    nfs = listeners("127.0.0.1")
    gluster = listeners(POOL[0])
    for address in POOL[1:3]:
        listeners(address, gluster)
    assert check(nfs, gluster, POOL)[0] == 0


def test_fails_on_the_minority_side(listeners):
    nfs = listeners("127.0.0.1")
    gluster = listeners(POOL[0])
    listeners(POOL[1], gluster)
    rc, out = check(nfs, gluster, POOL)
    assert rc == 1 and "reaches glusterd on 2 of 5 pool nodes (< 51%): minority side" in out


def test_fails_when_ganesha_does_not_answer(listeners):
    gluster = listeners(POOL[0])
    for address in POOL[1:]:
        listeners(address, gluster)
    silent = socket.socket()  # bound, not listening: connections are refused
    silent.bind(("127.0.0.1", 0))
    try:
        rc, out = check(silent.getsockname()[1], gluster, POOL)
    finally:
        silent.close()
    assert rc == 1 and "NFS-Ganesha does not answer" in out


def test_half_is_not_a_majority(listeners):
    nfs = listeners("127.0.0.1")
    gluster = listeners(POOL[0])
    listeners(POOL[1], gluster)
    assert check(nfs, gluster, POOL[:4])[0] == 1  # 2 of 4 < 51 %

#!/usr/bin/env python3
"""A userspace NFSv3 client that writes fsync'ed records (runs on a lab host).

This machine's kernel has no NFS client, so the lab's NFS load comes from
libnfs (Debian's libnfs13, through ctypes; no kernel mount).  Each record is
written with WRITE and made stable with COMMIT (nfs_pwrite + nfs_fsync)
before it counts as acknowledged, like an fsync'ed write on a hard mount.
When a call fails or times out (the server went away), the client drops the
connection, mounts again and writes the same record again, as a hard mount
retries, until it is acknowledged or it is told to stop.

    nfs_writer.py write SERVER EXPORT PATH   # until a line arrives on stdin
    nfs_writer.py read SERVER EXPORT PATH    # prints the sequence numbers found

Output, one line each: `ack SEQ MONOTONIC`, `error SEQ MONOTONIC MESSAGE`,
`present SEQ,SEQ,...`.  MONOTONIC is CLOCK_MONOTONIC, which the lab's hosts
share with the control node (one kernel, no time namespaces).
"""
import ctypes
import ctypes.util
import os
import select
import sys
import time

from records import RECORD, present, record  # copied next to this file on the lab host

TIMEOUT_MS = 2000  # per RPC; libnfs counts whole seconds


def load_libnfs():
    lib = ctypes.CDLL(ctypes.util.find_library("nfs") or "libnfs.so.13")
    ctx, fh = ctypes.c_void_p, ctypes.c_void_p
    lib.nfs_init_context.restype = ctx
    lib.nfs_destroy_context.argtypes = [ctx]
    lib.nfs_get_error.restype = ctypes.c_char_p
    lib.nfs_get_error.argtypes = [ctx]
    lib.nfs_set_timeout.argtypes = [ctx, ctypes.c_int]
    lib.nfs_set_autoreconnect.argtypes = [ctx, ctypes.c_int]
    lib.nfs_set_tcp_syncnt.argtypes = [ctx, ctypes.c_int]
    lib.nfs_mount.argtypes = [ctx, ctypes.c_char_p, ctypes.c_char_p]
    lib.nfs_open.argtypes = [ctx, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(fh)]
    lib.nfs_create.argtypes = [ctx, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.POINTER(fh)]
    lib.nfs_pwrite.argtypes = [ctx, fh, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_char_p]
    lib.nfs_pread.argtypes = [ctx, fh, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_char_p]
    lib.nfs_fsync.argtypes = [ctx, fh]
    lib.nfs_close.argtypes = [ctx, fh]
    return lib


class NfsError(Exception):
    pass


class Session(object):
    """One mount of SERVER:EXPORT and one open file on it."""

    def __init__(self, lib, server, export, path, writing, create=False):
        self.lib = lib
        self.ctx = lib.nfs_init_context()
        if not self.ctx:
            raise NfsError("nfs_init_context failed")
        lib.nfs_set_timeout(self.ctx, TIMEOUT_MS)
        lib.nfs_set_autoreconnect(self.ctx, 0)  # reconnection is ours: a new mount, as above
        lib.nfs_set_tcp_syncnt(self.ctx, 1)  # a connect to an unreachable server gives up in ~3 s
        self.fh = ctypes.c_void_p()
        self.check(lib.nfs_mount(self.ctx, server.encode(), export.encode()), "mount")
        if create:  # the first mount makes the file (CREATE is guarded: EXIST on later ones)
            rc = lib.nfs_create(self.ctx, path.encode(), os.O_WRONLY | os.O_CREAT, 0o644, ctypes.byref(self.fh))
        elif writing:
            rc = lib.nfs_open(self.ctx, path.encode(), os.O_WRONLY, ctypes.byref(self.fh))
        else:
            rc = lib.nfs_open(self.ctx, path.encode(), os.O_RDONLY, ctypes.byref(self.fh))
        self.check(rc, "open")

    def check(self, rc, what):
        if rc < 0:
            message = self.lib.nfs_get_error(self.ctx) or b""
            raise NfsError("%s: %s (%d)" % (what, message.decode(errors="replace").strip(), rc))
        return rc

    def write_stable(self, offset, data):
        self.check(self.lib.nfs_pwrite(self.ctx, self.fh, offset, len(data), data), "write")
        self.check(self.lib.nfs_fsync(self.ctx, self.fh), "commit")

    def read(self, offset, count):
        buf = ctypes.create_string_buffer(count)
        got = self.check(self.lib.nfs_pread(self.ctx, self.fh, offset, count, buf), "read")
        return buf.raw[:got]

    def close(self):
        # The context goes without a polite close when the server is gone: destroying it
        # closes the socket, which is all a dead connection needs.
        self.lib.nfs_destroy_context(self.ctx)


def stop_requested():
    return bool(select.select([sys.stdin], [], [], 0)[0])


def write(lib, server, export, path):
    session = None
    created = False
    seq = 0
    while not stop_requested():
        try:
            if session is None:
                session = Session(lib, server, export, path, writing=True, create=not created)
                created = True
            session.write_stable(seq * RECORD, record(seq))
            print("ack %d %.6f" % (seq, time.monotonic()), flush=True)
            seq += 1
            time.sleep(0.05)
        except NfsError as err:
            print("error %d %.6f %s" % (seq, time.monotonic(), err), flush=True)
            if session is not None:
                session.close()
                session = None
            time.sleep(0.2)
    if session is not None:
        session.close()


def read(lib, server, export, path):
    session = Session(lib, server, export, path, writing=False)
    data = []
    offset = 0
    while True:
        chunk = session.read(offset, 1 << 20)
        if not chunk:
            break
        data.append(chunk)
        offset += len(chunk)
    session.close()
    print("present " + ",".join(str(s) for s in sorted(present(b"".join(data)))), flush=True)


def main(argv):
    if len(argv) != 4 or argv[0] not in ("write", "read"):
        raise SystemExit(__doc__)
    lib = load_libnfs()
    (write if argv[0] == "write" else read)(lib, *argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])

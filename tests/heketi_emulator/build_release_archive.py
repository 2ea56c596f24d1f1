#!/usr/bin/env python3
"""Build a stand-in Heketi "release archive" from the emulation (TEST DOUBLE).

The layout matches a real heketi release tarball (heketi/heketi,
heketi/heketi-cli), so roles/heketi installs it exactly as it installs the
real one given by the user.  ``heketi`` inside is a Python zipapp of
tests/heketi_emulator; ``heketi-cli`` only answers --version.

    python tests/heketi_emulator/build_release_archive.py OUT.tar.gz
"""
import io
import os
import shutil
import sys
import tarfile
import tempfile
import zipapp

HERE = os.path.dirname(os.path.abspath(__file__))


def build(out):
    with tempfile.TemporaryDirectory() as tmp:
        pkg = os.path.join(tmp, "src", "heketi_emulator")
        shutil.copytree(HERE, pkg, ignore=shutil.ignore_patterns("__pycache__", "build_release_archive.py"))
        with open(os.path.join(tmp, "src", "__main__.py"), "w") as handle:
            handle.write("from heketi_emulator.__main__ import main\nmain()\n")
        app = os.path.join(tmp, "heketi")
        zipapp.create_archive(os.path.join(tmp, "src"), app, interpreter="/usr/bin/env python3")
        cli = b"#!/bin/sh\necho 'heketi-cli v10.4.0-emulated (TEST DOUBLE)'\n"
        with tarfile.open(out, "w:gz") as tar:
            for name, data in (("heketi/heketi", open(app, "rb").read()), ("heketi/heketi-cli", cli)):
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o755
                tar.addfile(info, io.BytesIO(data))
    return out


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "heketi-emulated.linux.amd64.tar.gz"))

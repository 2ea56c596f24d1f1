"""Lose site a, whose head serves NFS, while a worker in site b writes fsync'ed records
(NFSv3 WRITE + COMMIT, libnfs) through the floating address: the address moves to site b,
writes stall at most 30 s, no acknowledged write is lost, self-heal completes and the pool
is whole again.  The checks are lab/nfs_site_loss_checks.py (molecule/stretch runs them too)."""
import os
import sys

testinfra_hosts = ["gl-b1"]
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "lab"))

from nfs_site_loss_checks import *  # noqa: E402,F401,F403

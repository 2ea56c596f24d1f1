"""The NFS site-loss experiment in the CI lab run (tests/lab.sh runs this scenario on the lab
that `molecule test -s default` deployed with site.yml, which imports nfs.yml): site a, whose
head holds the floating address 10.77.10.50, is cut 45 s while k8s-b1 writes fsync'ed records
through it; 0 acknowledged writes lost, a stall of at most 30 s, self-heal done and the pool whole
again before the next test of this scenario cuts site a (the checks: lab/nfs_site_loss_checks.py,
the same as molecule/nfs's).  About 2-3 minutes."""
import os
import sys

testinfra_hosts = ["gl-b1"]
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "lab"))

from nfs_site_loss_checks import *  # noqa: E402,F401,F403

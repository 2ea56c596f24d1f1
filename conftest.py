"""Make this checkout importable as the collection ``metrostor.gluster``.

Ansible modules import their shared code as
``ansible_collections.metrostor.gluster.plugins.module_utils...``; tests run
from a plain checkout, so a collections tree with a link to the checkout is
made under tests/output and put on sys.path (and ANSIBLE_COLLECTIONS_PATH for
ansible-playbook runs started by tests).
"""
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS = os.path.join(ROOT, "tests", "output", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "metrostor", "gluster")
# Under ansible-test (`ansible-test units`) the checkout already is
# .../ansible_collections/metrostor/gluster and ansible-test's collection loader
# owns the import path: a second tree would shadow it (the loader then refuses
# this very file), so nothing is added there.
IN_COLLECTION_TREE = ROOT.split(os.sep)[-3:-2] == ["ansible_collections"]

if not IN_COLLECTION_TREE:
    if not os.path.islink(LINK):
        os.makedirs(os.path.dirname(LINK), exist_ok=True)
        try:
            os.symlink(ROOT, LINK)
        except FileExistsError:  # made meanwhile by another test process (a pytest-xdist worker)
            pass
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(
        [COLLECTIONS] + [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def pytest_configure(config):
    """The markers of pytest.ini, also where pytest.ini is not read (ansible-test units brings its own)."""
    for line in config.getini("markers") or []:
        if line.startswith(("heketi_settings", "lab")):
            return
    config.addinivalue_line("markers", "heketi_settings(glusterfs): heketi.json glusterfs settings for the heketi fixture")
    config.addinivalue_line("markers", "lab: needs the local lab (real hosts)")


# The files that run for minutes (tests/run.sh's run of 2026-11-27, --durations=0, summed per file):
# collected first, so that pytest-xdist (tests/run.sh: -n 2 --dist loadfile --no-loadscope-reorder) hands them out first
# instead of last, where each would be the run's tail on one worker while the other idles.
SLOW_FILES = ("tests/unit/test_awx_configure_run.py",          # 310 s
              "tests/unit/test_packaging_lint.py",             # 110 s
              "tests/integration/test_heketi_playbooks.py",    # 99 s
              "tests/integration/test_nfs_head_config.py")     # 80 s


def pytest_collection_modifyitems(items):
    def rank(item):
        path = os.path.relpath(str(item.path), ROOT)
        return SLOW_FILES.index(path) if path in SLOW_FILES else len(SLOW_FILES)
    items.sort(key=rank)  # stable: the rest keep their order

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
        os.symlink(ROOT, LINK)
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

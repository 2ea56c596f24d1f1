"""Every module documents exactly the options it accepts (so ansible-doc is right)."""
import importlib
import pkgutil

import pytest
import yaml

from ansible_collections.metrostor.gluster.plugins import modules as modules_pkg
from ansible_collections.metrostor.gluster.plugins.doc_fragments.heketi import ModuleDocFragment
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import CONNECTION_ARGS, HeketiModule

MODULES = sorted(m.name for m in pkgutil.iter_modules(modules_pkg.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_documentation_matches_argument_spec(name):
    mod = importlib.import_module(modules_pkg.__name__ + "." + name)
    doc = yaml.safe_load(mod.DOCUMENTATION)
    yaml.safe_load(mod.EXAMPLES)
    yaml.safe_load(mod.RETURN)
    assert doc["module"] == name
    documented = set(doc.get("options") or {})
    classes = [v for v in vars(mod).values()
               if isinstance(v, type) and issubclass(v, HeketiModule) and v is not HeketiModule]
    if classes:
        spec = dict(classes[0].argument_spec)
        assert "metrostor.gluster.heketi" in doc["extends_documentation_fragment"]
        fragment = set(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"])
        assert fragment == set(CONNECTION_ARGS)
    else:
        spec = mod.ARGUMENT_SPEC
    assert documented == set(spec), "undocumented: %s, stale docs: %s" % (
        set(spec) - documented, documented - set(spec))
    for opt, conf in spec.items():
        assert doc["options"][opt]["type"] == conf.get("type", "str"), opt
        if "default" in conf:
            assert doc["options"][opt].get("default") == conf["default"], opt


def documented_attributes():
    """Every module's ``attributes`` as ansible-doc shows them (fragments merged), in one ansible-doc run."""
    import json
    import os
    import subprocess
    import sys
    # the collections directory this copy of the collection was imported from (ansible-test's, or conftest's)
    collections = os.path.abspath(os.path.join(list(modules_pkg.__path__)[0], *[os.pardir] * 5))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(
        [collections] + [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]))
    proc = subprocess.run([sys.executable, "-m", "ansible.cli.doc", "-j"] + ["metrostor.gluster." + name for name in MODULES],
                          capture_output=True, text=True, timeout=300, check=False, env=env)
    if proc.returncode != 0 and "No module named 'ansible.cli'" in proc.stderr:
        # ansible-test units: its environment has no ansible CLI; its sanity tests ansible-doc and
        # validate-modules check the attributes there
        pytest.skip("ansible-doc cannot run here (no ansible.cli: ansible-test units' environment)")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {key.rsplit(".", 1)[1]: value["doc"] for key, value in json.loads(proc.stdout).items()}


# Modules of other owners whose attributes still lack the shared descriptions (their files):
# add metrostor.gluster.attributes to extends_documentation_fragment, then drop the name here.
ATTRIBUTES_TO_DO = set()


@pytest.fixture(scope="module")
def docs():
    return documented_attributes()


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="owner's file, see ATTRIBUTES_TO_DO"))
                                  if n in ATTRIBUTES_TO_DO else n for n in MODULES])
def test_attributes_instead_of_prose(name, docs):
    """check_mode/diff_mode (and the Heketi action group) as attributes with a support level and the
    shared description, not as a note; the action group members are meta/runtime.yml's."""
    import os
    doc = docs[name]
    attributes = doc.get("attributes") or {}
    for attribute in ("check_mode", "diff_mode"):
        assert attributes.get(attribute, {}).get("support") in ("full", "partial", "none", "N/A"), attribute
        assert attributes[attribute].get("description"), attribute
    assert not [n for n in doc.get("notes", []) if "check mode" in n.lower() and n.lower().startswith("supports")]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
    with open(os.path.join(root, "meta", "runtime.yml")) as f:
        groups = yaml.safe_load(f)["action_groups"]
    member_of = sorted("metrostor.gluster." + g for g, names in groups.items() if name in names)
    assert sorted(attributes.get("action_group", {}).get("membership", [])) == member_of
    if member_of:
        assert attributes["action_group"].get("description") and attributes["action_group"]["support"] == "full"

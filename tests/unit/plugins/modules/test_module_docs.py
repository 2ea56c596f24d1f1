"""Every module documents exactly the options it accepts (so ansible-doc is right)."""
import importlib
import pkgutil

import pytest
import yaml

from ansible_collections.metrostor.gluster.plugins import modules as modules_pkg
from ansible_collections.metrostor.gluster.plugins.doc_fragments.heketi import ModuleDocFragment
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_common import CONNECTION_ARGS, HeketiModule

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

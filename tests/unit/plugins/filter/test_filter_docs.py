"""Every filter plugin's DOCUMENTATION, EXAMPLES and RETURN are YAML that ansible-doc can read.

ansible-doc (and ansible-lint, which calls it) prints "Unable to parse documentation" for a filter
whose description holds an unquoted ": ", and shows nothing for it.  The filters of other owners that
fail today are listed in TO_FIX (strict xfail: fixing one makes its test fail until it leaves the list).
"""
import importlib
import os
import pkgutil

import pytest
import yaml

from ansible_collections.metrostor.gluster.plugins import filter as filter_pkg

FILTERS = sorted(m.name for m in pkgutil.iter_modules(filter_pkg.__path__))
TO_FIX = set()  # every filter parses today; a filter whose docs do not parse goes here with its owner's name


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="owner's file, TO_FIX"))
                                  if n in TO_FIX else n for n in FILTERS])
def test_filter_documentation_is_yaml(name):
    mod = importlib.import_module(filter_pkg.__name__ + "." + name)
    path = os.path.splitext(mod.__file__)[0]
    docs = {}
    for part in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
        text = getattr(mod, part, None)
        if text is None and os.path.exists(path + ".yml"):
            continue  # documented in a sidecar file instead
        assert text is not None, "%s has no %s" % (name, part)
        docs[part] = yaml.safe_load(text)
    if "DOCUMENTATION" in docs:
        assert docs["DOCUMENTATION"]["name"] in mod.FilterModule().filters()

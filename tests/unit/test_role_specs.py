"""Every role has a README and declares, in meta/argument_specs.yml, every variable it reads.

For each role under roles/ (found at collection time, so new roles are
checked too):
- roles/NAME/README.md exists and names every option of its argument_specs;
- every variable of defaults/main.yml is declared in meta/argument_specs.yml;
- every variable with the role's prefix (or the shared ``metrostor_`` prefix)
  that its tasks, handlers or templates read (inside a Jinja expression or a
  bare conditional) is declared, unless the role sets it itself (register,
  set_fact, vars, loop_var, index_var, vars/main.yml).

KNOWN_GAPS (and the two lists after it) record what other engineers' roles
lacked when this test was written: the test fails on any problem not listed
there; a listed one that has been fixed passes (delete it from the list then).
"""
import os
import re
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = sorted(d for d in os.listdir(os.path.join(ROOT, "roles"))
               if os.path.isdir(os.path.join(ROOT, "roles", d, "tasks")))
SHARED_PREFIX = "metrostor_"
# role -> variables it reads or defaults without declaring them (to be closed by the role's owner);
# then README problems ("no README", or options the README does not name);
# then option keys that are not spec keys (a flow-style description cut at a comma).
KNOWN_GAPS = {}
KNOWN_README_GAPS = {
    'gluster_georep': [
        'gluster_georep_mountbroker_root',
        'gluster_georep_pem_keys_script',
    ],
    'gluster_tls': [
        'gluster_tls_ca_path',
        'gluster_tls_key_path',
        'gluster_tls_secure_access_path',
    ],
}
KNOWN_SPEC_KEY_PROBLEMS = {
    'gluster_tls': [
        'gluster_tls_key_src: control node).',
    ],
    'heketi': [
        'heketi_archive_src: a URL or a path on the control node.',
    ],
}


def role_path(role, *parts):
    return os.path.join(ROOT, "roles", role, *parts)


def read_yaml(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return yaml.safe_load(f)


def declared_options(role):
    specs = (read_yaml(role_path(role, "meta", "argument_specs.yml")) or {}).get("argument_specs", {})
    out = set()
    for entry in specs.values():
        out |= set((entry or {}).get("options", {}) or {})
    return out


def defaults(role):
    return set(read_yaml(role_path(role, "defaults", "main.yml")) or {})


def role_prefix(role):
    """The role's variable prefix: NAME_, or its first word (gluster_node -> gluster_) where the role uses that."""
    names = defaults(role) | declared_options(role)
    for prefix in (role + "_", role.split("_")[0] + "_"):
        if any(n.startswith(prefix) for n in names):
            return prefix
    return role + "_"


def walk_tasks(tasks):
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        yield task
        for section in ("block", "rescue", "always"):
            yield from walk_tasks(task.get(section))


def set_by_role(role):
    """Variables the role sets itself: register, set_fact, vars:, loop_var, index_var, vars/main.yml."""
    out = set(read_yaml(role_path(role, "vars", "main.yml")) or {})
    for sub in ("tasks", "handlers"):
        for dirpath, _unused, files in os.walk(role_path(role, sub)):
            for name in files:
                if not name.endswith((".yml", ".yaml")):
                    continue
                for task in walk_tasks(read_yaml(os.path.join(dirpath, name))):
                    if task.get("register"):
                        out.add(task["register"])
                    for key in ("ansible.builtin.set_fact", "set_fact"):
                        if isinstance(task.get(key), dict):
                            out |= set(task[key])
                    out |= set(task.get("vars") or {})
                    out.add((task.get("loop_control") or {}).get("loop_var"))
                    out.add((task.get("loop_control") or {}).get("index_var"))
    return out - {None}


CONDITION = re.compile(r"^\s*(?:-\s+|(?:when|that|until|failed_when|changed_when):\s*)(?!name:)([^\n]*)$", re.M)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def read_by_role(role, prefixes):
    """Variables with one of the prefixes that the role's tasks, handlers and templates read."""
    token = re.compile(r"(?<![.\w])((?:%s)\w+)" % "|".join(re.escape(p) for p in prefixes))
    out = set()
    for sub in ("tasks", "handlers", "templates"):
        for dirpath, _unused, files in os.walk(role_path(role, sub)):
            for name in files:
                with open(os.path.join(dirpath, name)) as f:
                    text = f.read()
                text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
                expressions = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, re.S)
                if name.endswith((".yml", ".yaml")):
                    expressions += [c for c in CONDITION.findall(text) if "{{" not in c]
                for expr in expressions:
                    out |= set(token.findall(QUOTED.sub("", expr)))
    return out


def gaps(role):
    prefixes = [role_prefix(role), SHARED_PREFIX]
    declared = declared_options(role)
    return sorted((defaults(role) - declared) | (read_by_role(role, prefixes) - declared - set_by_role(role)))


def test_roles_are_found():
    assert {"gluster_node", "heketi"} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_role_has_a_readme_naming_its_options(role):
    path = role_path(role, "README.md")
    if not os.path.exists(path):
        found = ["no README"]
    else:
        with open(path) as f:
            text = f.read()
        found = sorted(o for o in declared_options(role) if o not in text)
    new = sorted(set(found) - set(KNOWN_README_GAPS.get(role, [])))
    assert new == [], "roles/%s/README.md: %s" % (role, new)


@pytest.mark.parametrize("role", ROLES)
def test_role_declares_every_variable_it_reads(role):
    found = sorted(set(gaps(role)) - set(KNOWN_GAPS.get(role, [])))
    assert found == [], \
        "roles/%s reads or defaults variables its meta/argument_specs.yml does not declare: %s" % (role, found)


SPEC_KEYS = {"type", "default", "choices", "description", "elements", "options", "required", "no_log", "aliases",
             "version_added", "apply_defaults", "mutually_exclusive", "required_if", "required_one_of",
             "required_together", "required_by"}


def spec_key_problems(options, where=""):
    """Keys an option spec should not have: a flow-style description cut at a comma leaves its tail as a key."""
    out = []
    for name, spec in (options or {}).items():
        spec = spec or {}
        out += ["%s%s: %s" % (where, name, key) for key in sorted(set(spec) - SPEC_KEYS)]
        out += spec_key_problems(spec.get("options"), "%s%s." % (where, name))
    return out


@pytest.mark.parametrize("role", ROLES)
def test_argument_specs_have_only_known_keys(role):
    specs = (read_yaml(role_path(role, "meta", "argument_specs.yml")) or {}).get("argument_specs", {})
    found = []
    for entry in specs.values():
        found += spec_key_problems((entry or {}).get("options"))
    new = sorted(set(found) - set(KNOWN_SPEC_KEY_PROBLEMS.get(role, [])))
    assert new == [], "roles/%s/meta/argument_specs.yml: %s" % (role, new)


def test_scan_finds_an_undeclared_read(tmp_path, monkeypatch):
    """The scan is not blind: a role reading an undeclared prefixed variable is reported."""
    role = tmp_path / "roles" / "demo"
    (role / "tasks").mkdir(parents=True)
    (role / "meta").mkdir()
    (role / "defaults").mkdir()
    (role / "defaults" / "main.yml").write_text("demo_declared: 1\ndemo_default_only: 2\n")
    (role / "meta" / "argument_specs.yml").write_text(
        "argument_specs:\n  main:\n    options:\n      demo_declared: {type: int}\n")
    (role / "tasks" / "main.yml").write_text(
        "- name: Use demo_in_a_name only in prose\n"
        "  ansible.builtin.debug:\n    msg: \"{{ demo_declared + demo_undeclared }} {{ metrostor_sites }}\"\n"
        "  when: demo_in_condition | bool\n  register: demo_registered\n"
        "- name: Registered is set by the role\n  ansible.builtin.debug:\n    var: demo_registered\n"
        "  when: demo_registered is defined\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", str(tmp_path))
    assert gaps("demo") == ["demo_default_only", "demo_in_condition", "demo_undeclared", "metrostor_sites"]

"""AWX/Tower configuration as code, checked without an AWX server (awx/config.yml, playbooks/awx_configure.yml).

- each job template runs a playbook that is in the project (tracked by git);
- each survey variable is declared in the argument_specs of a role that the
  template's playbook runs, with a compatible type, choices and bounds, and a
  boolean answer (a string in AWX) is read through `| bool` or a module option;
- the "Heketi API" credential type injects only its own inputs, as extra vars,
  its key a secret input, into variables the roles declare (the key no_log);
- credentials, workflow nodes and schedules name things that are defined;
- playbooks/awx_configure.yml calls only awx.awx modules the installed
  collection has, with options they accept, and refuses a run without the
  secrets before it contacts AWX.
"""
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import threading
import warnings

import pytest
import yaml

from awx import awx_job

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CONFIG = awx_job.load_config()
TEMPLATES = CONFIG["awx_job_templates"]
CRED_TYPE = CONFIG["awx_heketi_credential_type"]
BUILTIN_CREDENTIAL_TYPES = {"Machine", "Vault"}
# Playbooks that are not operator tasks of their own.
NOT_OPERATOR_TASKS = {"playbooks/awx_configure.yml"}


def tracked_playbooks():
    out = subprocess.run(["git", "ls-files", "playbooks"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # the playbooks themselves (playbooks/NAME.yml), not their task and vars files in sub-directories
    return {p for p in out.split() if p.endswith((".yml", ".yaml")) and p.count("/") == 1
            and os.path.isfile(os.path.join(ROOT, p))}


def read_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f)


def role_dir(name):
    short = name.split(".")[-1] if name.startswith("metrostor.gluster.") else name
    return os.path.join(ROOT, "roles", short)


def walk_tasks(tasks):
    for task in tasks or []:
        yield task
        for section in ("block", "rescue", "always"):
            yield from walk_tasks(task.get(section))


def roles_of_playbook(playbook, seen=None):
    """The roles a playbook runs: roles:, include_role/import_role, and those of imported playbooks."""
    seen = set() if seen is None else seen
    path = os.path.normpath(os.path.join(ROOT, playbook))
    if path in seen:
        return set()
    seen.add(path)
    roles = set()
    for play in read_yaml(path) or []:
        imported = play.get("ansible.builtin.import_playbook") or play.get("import_playbook")
        if imported:
            roles |= roles_of_playbook(os.path.relpath(os.path.join(os.path.dirname(path), imported), ROOT), seen)
            continue
        for entry in play.get("roles", []):
            roles.add(entry if isinstance(entry, str) else entry["role"])
        for section in ("pre_tasks", "tasks", "post_tasks"):
            for task in walk_tasks(play.get(section)):
                for key in ("ansible.builtin.include_role", "ansible.builtin.import_role", "include_role", "import_role"):
                    if key in task:
                        roles.add(task[key]["name"])
    return {r.split(".")[-1] for r in roles}


def role_options(role):
    """The options of all the role's entry points (main, and tasks_from ones such as failover)."""
    specs = read_yaml(os.path.join(role_dir(role), "meta", "argument_specs.yml"))["argument_specs"]
    options = {}
    for entry in specs.values():
        options.update((entry or {}).get("options") or {})
    return options


def declared(variable, roles):
    """(role, option spec) of the first role that declares variable, or (None, None)."""
    for role in sorted(roles):
        options = role_options(role)
        if variable in options:
            return role, options[variable] or {}
    return None, None


def test_every_job_template_runs_a_playbook_of_the_project():
    tracked = tracked_playbooks()
    for template in TEMPLATES:
        assert template["playbook"] in tracked, "%s: %s is not in git" % (template["name"], template["playbook"])
    names = [t["name"] for t in TEMPLATES]
    assert len(names) == len(set(names))
    without = sorted(tracked - NOT_OPERATOR_TASKS - {t["playbook"] for t in TEMPLATES})
    if without:
        warnings.warn("playbooks without a job template in awx/config.yml: %s" % ", ".join(without))


SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}


def survey_questions():
    for template in TEMPLATES:
        for question in template.get("survey_spec", {}).get("spec", []):
            yield template, question


def inventory_hosts(group):
    """Hosts of a group in the inventory AWX syncs (awx_inventory.source)."""
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i",
                           os.path.join(ROOT, CONFIG["awx_inventory"]["source"]["source_path"]), "--list"],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg")), check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)

    def hosts(name):
        node = data.get(name, {})
        out = set(node.get("hosts", []))
        for child in node.get("children", []):
            out |= hosts(child)
        return out
    return hosts(group)


def checked_by_playbook(playbook, variable):
    """True when a play of the playbook on localhost asserts on the variable before any host is contacted."""
    for play in read_yaml(os.path.join(ROOT, playbook)) or []:
        if play.get("hosts") != "localhost":
            continue
        asserts = [t for t in play.get("tasks", []) if "ansible.builtin.assert" in t]
        if asserts and re.search(r"\b%s\b" % re.escape(variable), yaml.safe_dump(play)):
            return True
    return False


@pytest.mark.parametrize("template,question", list(survey_questions()),
                         ids=[q["variable"] for _unused, q in survey_questions()])
def test_survey_question_is_declared_typed_and_bounded(template, question):
    for key in ("question_name", "variable", "type", "required"):
        assert key in question, key
    assert question["type"] in SURVEY_TYPES
    roles = roles_of_playbook(template["playbook"])
    role, spec = declared(question["variable"], roles)
    if role is None:
        # a request the playbook itself checks (on localhost, before any host is contacted)
        assert checked_by_playbook(template["playbook"], question["variable"]), \
            "%s is neither declared in the argument_specs of %s nor checked by %s" % (
                question["variable"], sorted(roles), template["playbook"])
        spec = {"type": "list" if question["type"] == "multiselect" else "str"}
    arg_type = spec.get("type", "str")
    if question["type"] in ("multiplechoice", "multiselect"):
        choices = question["choices"]
        assert choices and len(choices) == len(set(choices))
        if question["type"] == "multiselect":
            assert arg_type == "list"
            assert set(str(question.get("default", "")).split("\n")) - {""} <= set(choices)
        else:
            assert question.get("default", choices[0]) in choices
        if question["variable"].endswith(("_host", "_hosts")):
            # a node chosen from the inventory AWX syncs
            assert set(choices) <= inventory_hosts("gluster_nodes"), choices
        if arg_type == "bool":
            assert set(choices) <= {"true", "false"}
            assert_read_as_bool(role, question["variable"])
        elif spec.get("choices"):
            assert set(choices) <= set(spec["choices"]), "%s not in %s" % (choices, spec["choices"])
        else:
            assert arg_type in ("str", "list")
    elif question["type"] == "integer":
        assert arg_type == "int"
        assert question["min"] <= question["default"] <= question["max"]
        assert question["min"] >= 0
    else:
        assert arg_type in ("str", "path")
        assert 0 < question["min"] <= question["max"], "a text answer needs length bounds"


def assert_read_as_bool(role, variable):
    """AWX sends a multiple-choice answer as a string: "false" must not be read as true.

    Every read of the variable in the role's tasks, templates and handlers (in a
    Jinja expression, or a bare conditional) must go through `| bool`, or be a
    module option's whole value ("{{ var }}", which the module converts).
    """
    var = re.escape(variable)
    reads = []
    for sub in ("tasks", "templates", "handlers"):
        for dirpath, _unused, files in os.walk(os.path.join(role_dir(role), sub)):
            for name in files:
                with open(os.path.join(dirpath, name)) as f:
                    text = f.read()
                for expr in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, re.S):
                    if re.search(r"\b%s\b" % var, expr):
                        whole_value = re.search(r":\s*[\"']?%s$" % re.escape(expr),
                                                text[:text.index(expr) + len(expr)].splitlines()[-1])
                        reads.append((expr, bool(whole_value and re.fullmatch(r"\{\{\s*%s\s*\}\}" % var, expr))))
                for line in re.findall(r"^\s*(?:-\s+|when:\s*)[^:#={]*\b%s\b(?!=)[^\n]*$" % var, text, re.M):
                    reads.append((line, False))
    assert reads, "%s is not read by %s" % (variable, role)
    for expr, module_option in reads:
        as_bool = re.search(r"\b%s\s*\|\s*(ansible\.builtin\.)?bool\b" % var, expr)
        assert as_bool or module_option, "%s reads %s as a string: %s" % (role, variable, " ".join(expr.split()))


def test_bool_check_catches_a_string_read():
    """The check above fails on a role that passes the answer on unconverted (kubernetes_storage_force)."""
    with pytest.raises(AssertionError, match="reads kubernetes_storage_force as a string"):
        assert_read_as_bool("kubernetes_storage", "kubernetes_storage_force")


INJECTOR_NAME = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def test_credential_type_injects_its_inputs_as_extra_vars_with_the_key_secret():
    fields = {f["id"]: f for f in CRED_TYPE["inputs"]["fields"]}
    assert set(fields) == {"heketi_url", "heketi_user", "heketi_key"}
    assert fields["heketi_key"].get("secret") is True
    assert not fields["heketi_url"].get("secret") and not fields["heketi_user"].get("secret")
    assert set(CRED_TYPE["inputs"]["required"]) <= set(fields)
    assert CRED_TYPE["kind"] in ("cloud", "net")  # what AWX allows for custom types
    assert set(CRED_TYPE["injectors"]) == {"extra_vars"}  # not env, not files
    used = set()
    for var, template in CRED_TYPE["injectors"]["extra_vars"].items():
        names = INJECTOR_NAME.findall(template)
        assert names and set(names) <= set(fields), "%s: %s" % (var, template)
        assert INJECTOR_NAME.sub("", template) == "", "%s: only the input itself is injected" % var
        used |= set(names)
    assert used == set(fields)


def test_injected_variables_are_declared_by_the_roles_and_the_key_no_log():
    users = [t for t in TEMPLATES if "metrostor Heketi API" in t.get("credentials", [])]
    assert users
    roles = set().union(*(roles_of_playbook(t["playbook"]) for t in users))
    for var, template in CRED_TYPE["injectors"]["extra_vars"].items():
        role, spec = declared(var, roles)
        assert role, "%s is injected but no role of %s declares it" % (var, sorted(roles))
        if "heketi_key" in INJECTOR_NAME.findall(template):
            assert spec.get("no_log") is True, "%s (%s) carries the key but is not no_log" % (var, role)
    for template in users:
        fed = roles_of_playbook(template["playbook"])
        assert any(declared(var, fed)[0] for var in CRED_TYPE["injectors"]["extra_vars"]), \
            "%s gets the Heketi credential but none of its roles reads it" % template["name"]


def test_credentials_hold_no_secret_and_name_known_types():
    with open(os.path.join(ROOT, "awx", "secrets.yml.example")) as f:
        secret_vars = set(yaml.safe_load(f))
    secret_fields = {f["id"] for f in CRED_TYPE["inputs"]["fields"] if f.get("secret")}
    for credential in CONFIG["awx_credentials"]:
        assert credential["credential_type"] in BUILTIN_CREDENTIAL_TYPES | {CRED_TYPE["name"]}
        assert not set(credential.get("inputs", {})) & (secret_fields | {"ssh_key_data", "vault_password", "password"})
        for field, variable in credential.get("secret_inputs", {}).items():
            assert variable.startswith("awx_secret_") and variable in secret_vars, variable
        if credential["credential_type"] == CRED_TYPE["name"]:
            given = set(credential.get("inputs", {})) | set(credential.get("secret_inputs", {}))
            assert set(CRED_TYPE["inputs"]["required"]) <= given


def test_templates_workflow_and_schedules_name_defined_things():
    from dateutil.rrule import rrulestr

    credentials = {c["name"] for c in CONFIG["awx_credentials"]}
    templates = {t["name"]: t for t in TEMPLATES}
    for template in TEMPLATES:
        assert set(template.get("credentials", [])) <= credentials, template["name"]
        with open(os.path.join(ROOT, template["playbook"])) as f:
            playbook_text = f.read()
        for variable in template.get("extra_vars", {}):
            assert re.search(r"\b%s\b" % variable, playbook_text), "%s does not read %s" % (template["playbook"], variable)
    nodes = {n["identifier"]: n for n in CONFIG["awx_workflow"]["nodes"]}
    for node in nodes.values():
        assert node["job_template"] in templates
        assert set(node.get("success", [])) <= set(nodes)
        with open(os.path.join(ROOT, templates[node["job_template"]]["playbook"])) as f:
            playbook_text = f.read()
        for variable in node.get("extra_data", {}):
            assert re.search(r"\b%s\b" % variable, playbook_text), "%s does not read %s" % (node["identifier"], variable)
    # deploy -> verify: the first node deploys the stack, and verify follows its success
    first = CONFIG["awx_workflow"]["nodes"][0]
    assert templates[first["job_template"]]["playbook"] == "playbooks/site.yml"
    assert first["success"] and all(nodes[n]["job_template"] != first["job_template"] for n in first["success"])
    for schedule in CONFIG["awx_schedules"]:
        assert schedule["job_template"] in templates
        rule = rrulestr(schedule["rrule"].replace(" RRULE:", "\nRRULE:"))
        assert rule.after(datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)) is not None


def module_options(modules):
    """{module: its option names}, from the installed collection's documentation."""
    proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "--json"] + sorted(modules), capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return {m: set(doc["doc"]["options"]) for m, doc in json.loads(proc.stdout).items()}


def test_configure_playbook_uses_installed_awx_modules_with_valid_options():
    play = read_yaml(os.path.join(ROOT, "playbooks", "awx_configure.yml"))[0]
    awx_tasks = [(k, v) for task in play["tasks"] for k, v in task.items() if k.startswith("awx.awx.")]
    modules = {k for k, _unused in awx_tasks}
    assert modules >= {"awx.awx.project", "awx.awx.inventory", "awx.awx.inventory_source", "awx.awx.credential_type",
                       "awx.awx.credential", "awx.awx.job_template", "awx.awx.workflow_job_template",
                       "awx.awx.schedule"}
    known = module_options(modules)
    for module, args in awx_tasks:
        assert set(args) <= known[module], "%s: %s" % (module, set(args) - known[module])


@pytest.fixture
def listener():
    """A TCP port standing in for AWX; counts the connections made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn = sock.accept()[0]
                accepted.append(1)
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], accepted
    stop.set()
    thread.join(2)
    sock.close()


def run_configure(port, *extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CONTROLLER_"))}
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"),
               ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               CONTROLLER_HOST="http://127.0.0.1:%d" % port, CONTROLLER_USERNAME="admin", CONTROLLER_PASSWORD="x")
    return subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "playbooks/awx_configure.yml"]
                          + list(extra), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_configure_refuses_a_run_without_secrets_before_contacting_awx(listener):
    port, accepted = listener
    proc = run_configure(port, "-e", "awx_secret_machine_ssh_key=KEY", "-e", "awx_secret_vault_password=")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "awx_secret_vault_password is missing or empty" in out
    assert "awx_secret_heketi_key is missing or empty" in out
    assert "KEY" not in re.sub(r"awx_secret_machine_ssh_key", "", out).replace("KEY_", "")
    assert accepted == []


def test_configure_refuses_an_unknown_job_template_before_contacting_awx(listener, tmp_path):
    port, accepted = listener
    config = dict(CONFIG)
    config["awx_schedules"] = [dict(CONFIG["awx_schedules"][0], job_template="metrostor: no such template")]
    path = tmp_path / "config.yml"
    # the AWX templates stay unevaluated: write them back as !unsafe
    text = yaml.safe_dump(config, sort_keys=False)
    text = re.sub(r"'(\{\{ \w+ \}\})'", r"!unsafe '\1'", text)
    path.write_text(text)
    proc = run_configure(port, "-e", "awx_config_file=%s" % path, "-e", "awx_secret_machine_ssh_key=K",
                         "-e", "awx_secret_vault_password=V", "-e", "awx_secret_heketi_key=H")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "unknown job templates ['metrostor: no such template']" in out
    assert accepted == []


def test_configure_with_secrets_goes_on_to_awx(listener):
    """With the secrets given and the references right, the first awx.awx task is reached (and fails on the stand-in)."""
    port, accepted = listener
    proc = run_configure(port, "-e", "awx_secret_machine_ssh_key=K", "-e", "awx_secret_vault_password=V",
                         "-e", "awx_secret_heketi_key=H")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "TASK [Organization]" in out
    assert accepted

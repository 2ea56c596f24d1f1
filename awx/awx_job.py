"""Run a job template of awx/config.yml the way AWX runs it: ansible-runner, a private data dir.

AWX gives ansible-runner a private data directory with the project, the
inventory, ``env/extravars`` (the template's extra vars and the survey answers), the machine credential's
SSH key in ``env/ssh_key`` (ansible-runner loads it into an ssh-agent) and,
for a custom credential type, its ``extra_vars`` injectors rendered with the
credential's inputs into a file passed as ``-e @file``.  This module builds
the same directory from awx/config.yml and runs the template's playbook, then
reads every job event back, so a test (or an operator against the lab) can
assert the status and that no secret appears in any event.

    python awx/awx_job.py "metrostor: validate the layout" -i inventories/three_site/hosts.yml

What it does not do: sync a project from SCM, pull the execution environment
image, or talk to an AWX server; it runs the playbook from this checkout with
the ansible-playbook of the Python that runs it.
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "awx", "config.yml")


class ConfigLoader(yaml.SafeLoader):
    """YAML loader for awx/config.yml: ``!unsafe`` (AWX's own templates) reads as a plain string."""


ConfigLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_config(path=CONFIG):
    with open(path) as f:
        return yaml.load(f, Loader=ConfigLoader)


def job_template(config, name):
    for template in config["awx_job_templates"]:
        if template["name"] == name:
            return template
    raise KeyError("no job template %r in awx/config.yml" % name)


def survey_defaults(template):
    """The survey's default answers, typed as AWX sends them (integers as numbers)."""
    answers = {}
    for question in template.get("survey_spec", {}).get("spec", []):
        if "default" in question:
            value = question["default"]
            if question["type"] == "integer":
                value = int(value)
            elif question["type"] == "multiselect":
                value = [v for v in str(value).split("\n") if v]
            answers[question["variable"]] = value
    return answers


TEMPLATE_NAME = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def render_injectors(credential_type, inputs):
    """The extra vars a custom credential type injects: each ``{{ input }}`` replaced by the input's value."""
    out = {}
    for var, template in credential_type["injectors"].get("extra_vars", {}).items():
        out[var] = TEMPLATE_NAME.sub(lambda m: str(inputs[m.group(1)]), template)
    return out


def build_private_data_dir(pdd, config, template_name, inventory, credential_inputs=None, ssh_key=None,
                           survey_answers=None):
    """Lay out ``pdd`` as AWX does for one job of ``template_name``; returns the ansible-runner arguments.

    credential_inputs: {credential name: {input id: value}} for the template's credentials of a
    custom type (their secret inputs included).  ssh_key: the machine credential's private key.
    """
    template = job_template(config, template_name)
    custom_type = config["awx_heketi_credential_type"]
    os.makedirs(os.path.join(pdd, "env"), exist_ok=True)
    os.makedirs(os.path.join(pdd, "inventory"), exist_ok=True)
    project = os.path.join(pdd, "project")
    if not os.path.exists(project):
        os.symlink(ROOT, project)
    shutil.copy(inventory, os.path.join(pdd, "inventory", "hosts.yml"))
    inv_dir = os.path.dirname(os.path.abspath(inventory))
    for extra in ("group_vars", "host_vars"):
        if os.path.isdir(os.path.join(inv_dir, extra)):
            shutil.copytree(os.path.join(inv_dir, extra), os.path.join(pdd, "inventory", extra), dirs_exist_ok=True)

    # as AWX merges them: the template's extra_vars, then the survey's answers (its defaults where unanswered)
    extravars = dict(template.get("extra_vars", {}))
    extravars.update(survey_defaults(template))
    extravars.update(survey_answers or {})
    with open(os.path.join(pdd, "env", "extravars"), "w") as f:
        json.dump(extravars, f)

    cmdline = []
    credentials = {c["name"]: c for c in config["awx_credentials"]}
    for name in template.get("credentials", []):
        credential = credentials[name]
        if credential["credential_type"] == custom_type["name"]:
            inputs = dict(credential.get("inputs", {}))
            inputs.update((credential_inputs or {}).get(name, {}))
            path = os.path.join(pdd, "env", "extra_vars_%s.json" % re.sub(r"\W+", "_", name))
            with open(path, "w") as f:
                json.dump(render_injectors(custom_type, inputs), f)
            os.chmod(path, 0o600)
            cmdline += ["-e", "@" + path]
        elif credential["credential_type"] == "Machine" and ssh_key:
            with open(os.path.join(pdd, "env", "ssh_key"), "w") as f:
                f.write(ssh_key)
            os.chmod(os.path.join(pdd, "env", "ssh_key"), 0o600)
    return {"private_data_dir": pdd, "playbook": template["playbook"], "inventory": os.path.join(pdd, "inventory"),
            "cmdline": " ".join(cmdline) or None}


def run(runner_args, verbosity=3, envvars=None):
    """Run with ansible-runner; returns (runner, events as a list)."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    env = {"ANSIBLE_NOCOLOR": "1", "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
           "ANSIBLE_ROLES_PATH": os.path.join(ROOT, "roles")}
    # the ansible-playbook next to this Python first, as the EE's is the only one in the image
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    env.update(envvars or {})
    runner = ansible_runner.run(verbosity=verbosity, envvars=env, quiet=True, **runner_args)
    return runner, list(runner.events)


def secret_values(config, credential_inputs):
    """The values of the secret inputs (of the custom credential type) among credential_inputs."""
    secret_ids = {f["id"] for f in config["awx_heketi_credential_type"]["inputs"]["fields"] if f.get("secret")}
    return [value for inputs in credential_inputs.values() for key, value in inputs.items()
            if key in secret_ids and value]


def leaks(events, secrets, stdout=""):
    """The secrets (and their base64 forms) that appear in any event or in the stdout."""
    import base64  # pylint: disable=import-outside-toplevel

    text = json.dumps(events) + stdout
    found = []
    for secret in secrets:
        forms = [secret, base64.b64encode(secret.encode()).decode()]
        if any(form in text for form in forms):
            found.append(secret)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("template")
    parser.add_argument("-i", "--inventory", required=True)
    parser.add_argument("--ssh-key", help="file with the machine credential's private key")
    parser.add_argument("--credential-inputs", help="JSON file {credential name: {input: value}}")
    parser.add_argument("-e", "--survey", action="append", default=[], help="survey answer VAR=VALUE")
    args = parser.parse_args(argv)
    inputs = {}
    if args.credential_inputs:
        with open(args.credential_inputs) as f:
            inputs = json.load(f)
    ssh_key = open(args.ssh_key).read() if args.ssh_key else None
    answers = dict(a.split("=", 1) for a in args.survey)
    pdd = tempfile.mkdtemp(prefix="awx-job-")
    config = load_config()
    runner_args = build_private_data_dir(pdd, config, args.template, args.inventory, inputs, ssh_key, answers)
    runner, events = run(runner_args)
    secrets = secret_values(config, inputs) + ([ssh_key] if ssh_key else [])
    leaked = leaks(events, secrets, runner.stdout.read())
    print("status=%s rc=%s events=%d private_data_dir=%s leaked_secrets=%d"
          % (runner.status, runner.rc, len(events), pdd, len(leaked)))
    return 0 if runner.status == "successful" and not leaked else 1


if __name__ == "__main__":
    sys.exit(main())

"""A CI scenario that runs a subset of another scenario's tests (molecule/security_ci,
molecule/dr_ci, molecule/day2_ci): its molecule.yml, and the tests its verifier would select, collected as molecule's
testinfra verifier runs them, without the lab."""
import glob
import importlib
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def scenario(name):
    with open(os.path.join(ROOT, "molecule", name, "molecule.yml")) as handle:
        return yaml.safe_load(handle)


def selected_tests(name, *pytest_args):
    """The test ids (file::test) the scenario's verifier selects with its mark."""
    directory = os.path.join(ROOT, "molecule", name)
    verifier = scenario(name)["verifier"]
    tests = sorted(glob.glob(os.path.join(directory, verifier["directory"], "test_*.py")))
    env = dict(os.environ, **verifier["env"])
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])  # ansible-inventory
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
                          + list(pytest_args)
                          + ["-m", verifier["options"]["m"], "--connection=ansible",
                             "--ansible-inventory=" + os.path.join(ROOT, "inventories", "lab", "hosts.yml")] + tests,
                          cwd=directory, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return [line for line in proc.stdout.splitlines() if "::" in line]


def tests_by_file(name, *pytest_args):
    """{test file name: {test function names}} of what the scenario's verifier selects (parameters dropped)."""
    by_file = {}
    for node in selected_tests(name, *pytest_args):
        path, test = node.split("::", 1)
        by_file.setdefault(os.path.basename(path), set()).add(test.split("[")[0])
    return by_file


def lab_module(name):
    """A module of lab/ (the tools a CI scenario's tests drive, e.g. dr_drill, day2_operations), imported."""
    lab = os.path.join(ROOT, "lab")
    if lab not in sys.path:
        sys.path.insert(0, lab)
    return importlib.import_module(name)

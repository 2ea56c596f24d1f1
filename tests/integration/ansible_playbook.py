"""One way to run ansible-playbook from the integration tests: the project's ansible.cfg, this
interpreter, no colour, and the recap of the one host (localhost unless named) parsed into numbers.
A run that prints no recap (killed, crashed, refused by ansible-playbook itself) fails the test with
its exit code and the tail of both streams."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
RECAP = r"%s\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)"


def run_playbook(args, env=None, timeout=300, host="localhost"):
    """Run `ansible-playbook ARGS`; return ok/changed/unreachable/failed counts, rc and the output."""
    full_env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                    ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    full_env.update(env or {})
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook")] + list(args), cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    recap = re.search(RECAP % re.escape(host), proc.stdout)
    assert recap, "ansible-playbook exited %s with no recap:\n%s\n%s" % (
        proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    ok, changed, unreachable, failed = (int(g) for g in recap.groups())
    return {"ok": ok, "changed": changed, "unreachable": unreachable, "failed": failed,
            "rc": proc.returncode, "out": proc.stdout, "err": proc.stderr}

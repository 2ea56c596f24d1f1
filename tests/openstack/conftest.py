"""The lab OpenStack (lab/lab openstack up): skip, naming why, when it is not up."""
import os
import subprocess
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLOUDS_YAML = os.path.join(ROOT, ".lab", "openstack", "clouds.yaml")
KEYSTONE = "http://10.78.0.2:5000/v3"


def openstack_down_reason():
    if not os.path.exists(CLOUDS_YAML):
        return "the lab OpenStack is not up (no %s): run `lab/lab openstack up` or tests/lab-openstack.sh" % CLOUDS_YAML
    try:
        with urllib.request.urlopen(KEYSTONE, timeout=5) as resp:
            if resp.status == 200:
                return None
    except OSError as err:
        return "the lab OpenStack does not answer (%s: %s): run `lab/lab openstack up`" % (KEYSTONE, err)
    return "the lab OpenStack's keystone did not answer 200"


@pytest.fixture(scope="session")
def cloud_env():
    reason = openstack_down_reason()
    if reason:
        pytest.skip(reason)
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=CLOUDS_YAML, ANSIBLE_STDOUT_CALLBACK="default",
               ANSIBLE_FORCE_COLOR="0", PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    env.pop("OS_CLOUD", None)
    return env


@pytest.fixture(scope="session")
def conn(cloud_env):
    import openstack
    os.environ["OS_CLIENT_CONFIG_FILE"] = CLOUDS_YAML
    return openstack.connect(cloud="metrostor-lab")


@pytest.fixture(scope="session")
def admin(cloud_env):
    import openstack
    os.environ["OS_CLIENT_CONFIG_FILE"] = CLOUDS_YAML
    return openstack.connect(cloud="metrostor-lab-admin")


def run(cmd, env, timeout=1800):
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout

"""The CI subset of the security scenario (molecule/security_ci) holds what the issue's done-when
names: the traffic capture, the refusals and the rotation under write load.  Its tests are
molecule/security's, selected by the `security_ci` mark (each test is written once, there); this
collects them as molecule's verifier would, without the lab."""
import os

from tests.unit import molecule_subset

ROOT = molecule_subset.ROOT


def scenario():
    return molecule_subset.scenario("security_ci")


def test_the_subset_has_the_capture_the_refusals_and_the_rotation():
    by_file = molecule_subset.tests_by_file("security_ci")
    assert "test_marker_never_crosses_the_links_with_tls" in by_file.get("test_1_capture.py", set()), by_file
    assert "test_marker_crosses_the_links_in_clear_without_tls" in by_file["test_1_capture.py"], by_file
    assert "test_brick_refuses_a_certificate_of_another_ca" in by_file.get("test_2_refusals.py", set()), by_file
    assert {"test_no_acknowledged_write_lost", "test_old_executor_key_refused_new_accepted",
            "test_old_jwt_key_refused_new_accepted"} <= by_file.get("test_4_rotation.py", set()), by_file
    # the management switch and the bad input stay out (time): tests/lab-security.sh runs them
    assert "test_3_management.py" not in by_file and "test_2_bad_input.py" not in by_file, by_file


def test_the_rotated_secrets_are_ones_rotate_secrets_knows():
    env = scenario()["verifier"]["env"]
    with open(os.path.join(ROOT, "playbooks", "rotate_secrets.yml")) as handle:
        playbook = handle.read()
    secrets = env["METROSTOR_ROTATE_SECRETS"].split(",")
    assert secrets and all("'%s' in rotate_secrets" % s in playbook for s in secrets), secrets
    with open(os.path.join(ROOT, "inventories", "lab", "hosts.yml")) as handle:
        inventory = handle.read()
    assert all(host + ":" in inventory for host in env["METROSTOR_ROTATE_LIMIT"].split(",")), env


def test_ci_runs_it_after_default():
    with open(os.path.join(ROOT, "tests", "lab.sh")) as handle:
        steps = [line.strip() for line in handle if line.startswith("molecule test -s ")]
    assert "molecule test -s security_ci" in steps, steps
    assert steps.index("molecule test -s security_ci") == steps.index("molecule test -s default") + 1, steps

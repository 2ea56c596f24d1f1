"""Bad input given to the roles is refused before anything changes, naming the file and the reason:
an expired certificate, a key that is not the certificate's, a certificate the CA did not sign, a
CA that is not a CA, an allow list of `*`; and the deployed state is idempotent in check mode."""
import os
import tempfile

import pytest

from conftest import PKI, lab_ca, make_cert, ssh

testinfra_hosts = ["gl-b1"]


def checksums():
    return {h: ssh(h, "sha256sum /etc/ssl/glusterfs.pem /etc/ssl/glusterfs.key")[1] for h in ("gl-a1", "k8s-a1")}


@pytest.fixture(scope="module")
def bad_files():
    ca, ca_key = lab_ca()
    work = tempfile.mkdtemp(prefix="metrostor-badtls-")
    good_cert, good_key, _c, _k = make_cert("gl-a1", ca, ca_key)
    expired_cert, expired_key, _c2, _k2 = make_cert("gl-a1", ca, ca_key, expired=True)
    _other_cert, other_key, _c3, _k3 = make_cert("gl-a1", ca, ca_key)
    _rca_pem, _rk, rca, rca_key = make_cert("rogue CA")
    rogue_cert, rogue_key, _c4, _k4 = make_cert("gl-a1", rca, rca_key)
    notca_cert, notca_key, _c5, _k5 = make_cert("gl-a1", ca, ca_key)
    files = {"good.crt": good_cert, "good.key": good_key, "expired.crt": expired_cert, "expired.key": expired_key,
             "other.key": other_key, "rogue.crt": rogue_cert, "rogue.key": rogue_key,
             "notca.crt": notca_cert, "notca.key": notca_key}
    for name, text in files.items():
        with open(os.path.join(work, name), "w") as handle:
            handle.write(text)
    yield work
    for name in files:
        os.unlink(os.path.join(work, name))
    os.rmdir(work)


CA = os.path.join(PKI, "ca.crt")


@pytest.mark.parametrize("cert,key,ca,reason", [
    ("expired.crt", "expired.key", CA, "expired on"),
    ("good.crt", "other.key", CA, "is not the private key of gluster_tls_cert_src"),
    ("rogue.crt", "rogue.key", CA, "did not sign gluster_tls_cert_src"),
])
def test_bad_certificate_refused_before_anything_changes(playbook, bad_files, cert, key, ca, reason):
    before = checksums()
    cert_path, key_path = os.path.join(bad_files, cert), os.path.join(bad_files, key)
    rc, out, recap = playbook("-e", "gluster_tls_cert_src=%s gluster_tls_key_src=%s gluster_tls_ca_src=%s"
                              % (cert_path, key_path, ca), "-e", '{"gluster_tls_volumes": ["sectls"]}',
                              playbook="playbooks/gluster_tls.yml")
    assert rc != 0
    assert reason in out and (cert_path in out or key_path in out), out[-3000:]
    assert "Nothing was changed" in out
    assert all(r["changed"] == 0 for r in recap.values()), recap
    assert checksums() == before


def test_a_ca_that_is_not_a_ca_refused(playbook, bad_files):
    rc, out, recap = playbook("-e", "gluster_tls_ca_src=%s gluster_tls_ca_key_src=%s"
                              % (os.path.join(bad_files, "notca.crt"), os.path.join(bad_files, "notca.key")),
                              playbook="playbooks/gluster_tls.yml")
    assert rc != 0 and "is not a CA certificate" in out and "notca.crt" in out, out[-3000:]
    assert all(r["changed"] == 0 for r in recap.values()), recap


def test_an_allow_list_of_star_refused(playbook):
    rc, out, recap = playbook("-e", '{"gluster_volume_access_volumes": [{"name": "secacl", "allow": ["*"]}]}',
                              playbook="playbooks/gluster_volume_access.yml")
    assert rc != 0 and "lets every address mount" in out and "Nothing was changed" in out, out[-3000:]
    assert all(r["changed"] == 0 for r in recap.values()), recap


def test_role_is_idempotent_and_check_mode_changes_nothing(playbook):
    rc, out, recap = playbook("--check", "--diff", "-e", '{"gluster_tls_volumes": ["sectls"]}',
                              playbook="playbooks/gluster_tls.yml")
    assert rc == 0, out[-3000:]
    assert all(r["changed"] == 0 for r in recap.values()), recap

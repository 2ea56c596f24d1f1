"""Bad TLS input for Heketi is refused on the control node before anything changes, naming the
file and the reason: an expired certificate, a key that is not the certificate's, a CA that did
not sign it.  A good set is accepted."""
import datetime
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

testinfra_hosts = ["gl-c1"]


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject_key, cn, issuer_key, issuer_cn, days, ca=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = (now - datetime.timedelta(days=10), now - datetime.timedelta(days=1)) if days < 0 else (
        now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=days))
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(issuer_cn))
               .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    out = tmp_path_factory.mktemp("heketi-tls")
    keys = {n: ec.generate_private_key(ec.SECP256R1()) for n in ("ca", "other_ca", "server", "stranger")}
    certs = {
        "ca": _cert(keys["ca"], "test CA", keys["ca"], "test CA", 30, ca=True),
        "good": _cert(keys["server"], "gl-c1", keys["ca"], "test CA", 30),
        "expired": _cert(keys["server"], "gl-c1", keys["ca"], "test CA", -1),
        "foreign": _cert(keys["server"], "gl-c1", keys["other_ca"], "test CA", 30),
    }
    paths = {}
    for name, cert in certs.items():
        paths[name] = str(out / (name + ".crt"))
        (out / (name + ".crt")).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    for name in ("server", "stranger"):
        paths[name + ".key"] = str(out / (name + ".key"))
        (out / (name + ".key")).write_bytes(keys[name].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


def _run(playbook, cert, key, ca):
    extra = {"heketi_tls_cert_src": cert, "heketi_tls_key_src": key, "heketi_tls_ca_src": ca}
    return playbook("--limit", "gl-c1", "--check", "-e", json.dumps(extra), playbook="playbooks/heketi.yml")


@pytest.mark.parametrize("cert,key,message", [
    ("expired", "server.key", "expired.crt expired on"),
    ("good", "stranger.key", "stranger.key is not the private key of heketi_tls_cert_src"),
    ("foreign", "server.key", "did not sign heketi_tls_cert_src"),
])
def test_bad_tls_input_is_refused_before_anything_changes(playbook, pki, cert, key, message):
    rc, out, recap = _run(playbook, pki[cert], pki[key], pki["ca"])
    assert rc != 0 and message in out, out[-3000:]
    assert "Nothing was changed" in out
    assert recap["gl-c1"]["changed"] == 0


def test_good_tls_input_passes_the_checks(playbook, pki):
    # check mode: the given files are accepted and would replace the role's own certificate
    rc, out, recap = _run(playbook, pki["good"], pki["server.key"], pki["ca"])
    assert rc == 0, out[-3000:]
    assert "Refuse a certificate that heketi_tls_ca_src did not sign" in out

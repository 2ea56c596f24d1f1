"""The client over HTTPS: certificate checked against a given CA, or not at all when asked.

emulation only: these are TLS faults of the connection (unknown CA, no validation), which the
emulation serves over HTTPS; the real Heketi under test is reached over plain HTTP through its
recording proxy.
"""
import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient, HeketiError
from tests.heketi_emulator import HeketiEmulator


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    out = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (out / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (out / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
    return str(out / "cert.pem"), str(out / "key.pem")


@pytest.fixture
def tls_heketi(certs):
    with HeketiEmulator(tls=certs) as emu:
        yield emu


def test_https_with_ca(tls_heketi, certs):
    c = HeketiClient(tls_heketi.url, key="adminsecret", ca_path=certs[0], sleep=lambda s: None)
    assert tls_heketi.url.startswith("https://")
    assert c.cluster_list() == []


def test_https_unknown_ca_is_refused_without_retrying(tls_heketi):
    waits = []
    c = HeketiClient(tls_heketi.url, key="adminsecret", retries=3, sleep=waits.append)
    with pytest.raises(HeketiError) as err:
        c.cluster_list()
    assert "TLS error talking to Heketi" in str(err.value)
    assert "CERTIFICATE_VERIFY_FAILED" in str(err.value) or "certificate verify failed" in str(err.value)
    assert waits == [] and c.calls == 1


def test_https_without_validation(tls_heketi):
    c = HeketiClient(tls_heketi.url, key="adminsecret", validate_certs=False, sleep=lambda s: None)
    assert c.cluster_list() == []

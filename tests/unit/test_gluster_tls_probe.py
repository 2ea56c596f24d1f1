"""roles/gluster_tls/files/gluster_tls_probe.py against real TLS servers on this machine: a server that
requires a client certificate of its CA (like a Gluster brick or glusterd with TLS), and a plain TCP one."""
import datetime
import importlib.util
import os
import socket
import ssl
import threading

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
_spec = importlib.util.spec_from_file_location(
    "gluster_tls_probe", os.path.join(ROOT, "roles", "gluster_tls", "files", "gluster_tls_probe.py"))
probe_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(probe_module)


def make_pair(tmp, name, cn, ca=None, ca_key=None, is_ca=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca.subject if ca else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    cert = builder.sign(ca_key or key, hashes.SHA256())
    cert_path, key_path = str(tmp / (name + ".pem")), str(tmp / (name + ".key"))
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_path, key_path, cert, key


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pki")
    ca_pem, _k, ca, ca_key = make_pair(tmp, "ca", "lab CA", is_ca=True)
    server = make_pair(tmp, "server", "gl-a1", ca, ca_key)
    client = make_pair(tmp, "client", "k8s-a1", ca, ca_key)
    _r, _rk, rogue_ca, rogue_key = make_pair(tmp, "rogue-ca", "rogue CA", is_ca=True)
    rogue = make_pair(tmp, "rogue", "k8s-a1", rogue_ca, rogue_key)
    return {"ca": ca_pem, "server": server[:2], "client": client[:2], "rogue": rogue[:2]}


def serve(handler):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def loop():
        while True:
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            threading.Thread(target=handler, args=(conn,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return listener


@pytest.fixture()
def tls_server(pki):
    """Requires a client certificate of the lab CA, then waits (as glusterd waits for an RPC)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*pki["server"])
    ctx.load_verify_locations(pki["ca"])
    ctx.verify_mode = ssl.CERT_REQUIRED

    def handle(conn):
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.settimeout(5)
            tls.recv(1)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()
    listener = serve(handle)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture()
def plain_server():
    """Reads a record and closes, as a plain Gluster RPC endpoint does with a TLS ClientHello."""
    def handle(conn):
        try:
            conn.recv(100)
        finally:
            conn.close()
    listener = serve(handle)
    yield listener.getsockname()[1]
    listener.close()


def test_certificate_of_the_ca_accepted(pki, tls_server):
    result = probe_module.probe("127.0.0.1", tls_server, *pki["client"], ca=pki["ca"])
    assert result["tls"] and result["accepted"], result
    assert result["version"] in ("TLSv1.2", "TLSv1.3")


def test_certificate_of_another_ca_refused(pki, tls_server):
    result = probe_module.probe("127.0.0.1", tls_server, *pki["rogue"])
    assert result["tls"] and not result["accepted"], result


def test_no_certificate_refused(tls_server):
    result = probe_module.probe("127.0.0.1", tls_server)
    assert result["tls"] and not result["accepted"], result


def test_plain_tcp_is_not_tls(plain_server, pki):
    result = probe_module.probe("127.0.0.1", plain_server, *pki["client"])
    assert not result["tls"] and not result["accepted"], result


def test_nothing_listening(pki):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = probe_module.probe("127.0.0.1", port)
    assert not result["tls"] and result["detail"].startswith("connect:"), result

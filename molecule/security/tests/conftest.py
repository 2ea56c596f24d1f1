"""Helpers of the security scenario: commands on lab hosts, the TLS probe, test certificates."""
import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
LAB = os.path.join(ROOT, "lab", "lab")
PROBE = os.path.join(ROOT, "roles", "gluster_tls", "files", "gluster_tls_probe.py")
PKI = os.path.join(os.environ.get("HOME", "/root"), ".metrostor", "pki", "gluster")
SERVERS = ["10.77.1.11", "10.77.2.11", "10.77.3.11"]

# The default scenario's ansible-playbook runner (one place for how playbooks are run in tests).
_spec = importlib.util.spec_from_file_location(
    "default_conftest", os.path.join(ROOT, "molecule", "default", "tests", "conftest.py"))
_default = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_default)
run_playbook = _default.run_playbook


def ssh(host, command, check=True, stdin=None, timeout=300):
    """Run a shell command on a lab host; returns (rc, stdout+stderr)."""
    proc = subprocess.run([LAB, "ssh", host, command], input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout, check=False)
    if check and proc.returncode:
        raise AssertionError("%s on %s failed (%d): %s" % (command, host, proc.returncode, proc.stdout))
    return proc.returncode, proc.stdout


def probe(host, *args):
    """roles/gluster_tls/files/gluster_tls_probe.py run on a lab host; returns its JSON."""
    with open(PROBE) as handle:
        _rc, out = ssh(host, "python3 - " + " ".join(args), stdin=handle.read())
    return json.loads(out.strip().splitlines()[-1])


def mount(host, volume, check=True):
    """FUSE-mount a volume on /mnt/<volume> of a lab host (volfile from site b, backup site c)."""
    mnt = "/mnt/" + volume
    return ssh(host, "mkdir -p {m}; umount -l {m} 2>/dev/null; timeout 60 mount -t glusterfs -o "
               "backup-volfile-servers=10.77.3.11 10.77.2.11:/{v} {m} && stat -f -c %T {m}"
               .format(m=mnt, v=volume), check=check)


def put_files(host, files):
    """Write {path: text} on a lab host (mode 0600)."""
    for path, text in files.items():
        ssh(host, "umask 077; cat > %s" % path, stdin=text)


def install_gluster_files(host, cert, key):
    """Give a lab host a Gluster certificate and key (PEM texts) and the lab CA, installed by
    roles/gluster_tls's own install step (run ad hoc, without its checks): where this build of
    Gluster reads them (Debian's reads /usr/lib/ssl, linked to /etc/ssl)."""
    work = tempfile.mkdtemp(prefix="metrostor-gluster-files-")
    try:
        for name, text in (("host.crt", cert), ("host.key", key)):
            with open(os.path.join(work, name), "w") as handle:
                handle.write(text)
        given = {"gluster_tls_cert_src": os.path.join(work, "host.crt"),
                 "gluster_tls_key_src": os.path.join(work, "host.key"),
                 "gluster_tls_ca_src": os.path.join(PKI, "ca.crt")}
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_FORCE_COLOR="0")
        env.pop("ANSIBLE_INVENTORY", None)
        proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible"), host, "-m", "ansible.builtin.include_role",
                               "-a", "name=metrostor.gluster.gluster_tls tasks_from=install", "-e", json.dumps(given)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=300, check=False)
    finally:
        shutil.rmtree(work)
    if proc.returncode:
        raise AssertionError("installing Gluster files on %s failed: %s" % (host, proc.stdout[-3000:]))


def make_cert(cn, ca_cert=None, ca_key=None, days=30, expired=False, key=None):
    """A PEM (certificate, key) pair for CN, signed by the given CA (or self-signed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = (now - datetime.timedelta(days=60), now - datetime.timedelta(days=1)) if expired else (
        now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=days))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer = ca_cert.subject if ca_cert is not None else name
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end))
    if ca_cert is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    cert = builder.sign(ca_key or key, hashes.SHA256())
    return (cert.public_bytes(serialization.Encoding.PEM).decode(),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()).decode(), cert, key)


def lab_ca():
    """The lab CA that roles/gluster_tls made on this machine (certificate and key objects)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    with open(os.path.join(PKI, "ca.crt"), "rb") as handle:
        cert = x509.load_pem_x509_certificate(handle.read())
    with open(os.path.join(PKI, "ca.key"), "rb") as handle:
        key = serialization.load_pem_private_key(handle.read(), None)
    return cert, key


@pytest.fixture(scope="session")
def playbook():
    return run_playbook


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "security_ci: in the CI subset of this scenario (molecule/security_ci, run by tests/lab.sh)")

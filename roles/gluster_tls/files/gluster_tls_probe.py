#!/usr/bin/env python3
"""Does a Gluster endpoint speak TLS, and does it accept a certificate?

  gluster_tls_probe.py connect HOST PORT [--cert C --key K] [--ca CA]
  gluster_tls_probe.py bricks VOLUME [--cert C --key K] [--ca CA]

``connect`` probes one endpoint (glusterd is port 24007); ``bricks`` reads
``gluster volume status VOLUME --xml`` on this host and probes every online
brick.  Prints JSON: for each endpoint ``tls`` (it completed a TLS handshake or
answered with a TLS alert), ``accepted`` (the handshake completed and the
peer had not closed the connection or sent an alert 2 s later: Gluster checks
the client certificate after a TLS 1.3 handshake) and ``detail``.  Without
--ca the server's certificate is not verified (a probe of what the server
does, not a client).  Standard library only; exit status 0 unless the probe
itself could not run.
"""
import json
import os
import socket
import ssl
import subprocess
import sys
import xml.etree.ElementTree as ET

DEFAULT_CERT = "/etc/ssl/glusterfs.pem"
DEFAULT_KEY = "/etc/ssl/glusterfs.key"


def probe(host, port, cert=None, key=None, ca=None, wait=2.0):
    result = {"host": host, "port": int(port), "tls": False, "accepted": False, "detail": ""}
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if ca:
        ctx.load_verify_locations(ca)
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if cert and key:
        ctx.load_cert_chain(cert, key)
    try:
        raw = socket.create_connection((host, int(port)), timeout=5)
    except OSError as err:
        result["detail"] = "connect: %s" % err
        return result
    try:
        conn = ctx.wrap_socket(raw, do_handshake_on_connect=False)
        conn.settimeout(5)
        conn.do_handshake()
        result["tls"] = True
        result["cipher"] = conn.cipher()[0]
        result["version"] = conn.version()
        conn.settimeout(wait)
        try:
            data = conn.recv(1)
            result["detail"] = "closed by the server after the handshake" if not data else "unexpected data"
        except socket.timeout:
            result["accepted"] = True
            result["detail"] = "handshake completed, connection kept open"
        except (ssl.SSLError, OSError) as err:
            result["detail"] = "refused after the handshake: %s" % err
        conn.close()
    except ssl.SSLError as err:
        text = str(err)
        result["tls"] = "alert" in text.lower()
        result["detail"] = "handshake failed: %s" % text
    except OSError as err:
        result["detail"] = "handshake failed: %s" % (err or type(err).__name__)
    finally:
        raw.close()
    return result


def bricks(volume):
    out = subprocess.run(["gluster", "--mode=script", "volume", "status", volume, "--xml"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    found = []
    try:
        root = ET.fromstring(out.stdout)
    except ET.ParseError:
        raise SystemExit("gluster volume status %s --xml: %s" % (volume, out.stdout.strip()))
    for node in root.iter("node"):
        path = node.findtext("path") or ""
        if not path.startswith("/"):
            continue  # self-heal daemon and the like
        found.append({"hostname": node.findtext("hostname"), "path": path,
                      "port": node.findtext("port"), "online": node.findtext("status") == "1"})
    return found


def main(argv):
    args = list(argv)
    opts = {"--cert": None, "--key": None, "--ca": None}
    for name in list(opts):
        if name in args:
            i = args.index(name)
            opts[name] = args[i + 1]
            del args[i:i + 2]
    if not args or args[0] not in ("connect", "bricks"):
        raise SystemExit(__doc__)
    cert = opts["--cert"] or (DEFAULT_CERT if os.path.exists(DEFAULT_CERT) else None)
    key = opts["--key"] or (DEFAULT_KEY if os.path.exists(DEFAULT_KEY) else None)
    if args[0] == "connect":
        print(json.dumps(probe(args[1], args[2], cert, key, opts["--ca"])))
        return 0
    results = []
    for brick in bricks(args[1]):
        if brick["online"] and brick["port"] not in (None, "", "N/A", "0"):
            brick.update(probe(brick["hostname"], brick["port"], cert, key, opts["--ca"]))
        results.append(brick)
    print(json.dumps({"volume": args[1], "bricks": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

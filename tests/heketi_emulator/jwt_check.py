"""JWT verification as Heketi's middleware does it (TEST DOUBLE).

Mirrors heketi/middleware/jwt.go: bearer token from the Authorization header,
HS256 only, ``iss`` selects the admin or user key, ``exp`` mandatory, ``iat``
checked with a 120 s leeway, ``qsh`` must equal sha256(METHOD&PATH).
"""

import base64
import hashlib
import hmac
import json
import time

IAT_LEEWAY = 120


class JwtRejected(Exception):
    def __init__(self, status, message):
        super(JwtRejected, self).__init__(message)
        self.status = status
        self.message = message


def _go_duration(seconds):
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return "%dh%dm%ds" % (hours, minutes, secs)
    if minutes:
        return "%dm%ds" % (minutes, secs)
    return "%ds" % secs


def _unb64(part):
    pad = "=" * (-len(part) % 4)
    return base64.urlsafe_b64decode(part + pad)


def verify(auth_header, method, path, admin_key, user_key, now=None):
    """Return the issuer ('admin' or 'user') or raise JwtRejected."""
    now = int(time.time() if now is None else now)
    if auth_header is None or auth_header == "":
        raise JwtRejected(401, "Required authorization token not found")
    parts = auth_header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise JwtRejected(400, "Authorization header format must be Bearer {token}")
    token = parts[1]
    try:
        header_b64, claims_b64, sig_b64 = token.split(".")
        header = json.loads(_unb64(header_b64))
        claims = json.loads(_unb64(claims_b64))
        signature = _unb64(sig_b64)
    except (ValueError, TypeError):
        raise JwtRejected(401, "Invalid JWT token: token contains an invalid number of segments")
    if header.get("alg") != "HS256":
        raise JwtRejected(401, "Invalid JWT token: Unexpected signing method: %s" % header.get("alg"))
    issuer = claims.get("iss", "")
    if not issuer:
        raise JwtRejected(401, "Invalid JWT token: Token missing iss claim")
    if issuer == "admin":
        key = admin_key
    elif issuer == "user":
        key = user_key
    else:
        raise JwtRejected(401, "Invalid JWT token: Unknown user")
    expected = hmac.new(key.encode(), ("%s.%s" % (header_b64, claims_b64)).encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise JwtRejected(401, "Invalid JWT token: signature is invalid (client and server secrets may not match)")
    exp = claims.get("exp")
    if exp is None:
        raise JwtRejected(401, "Invalid JWT token: Token is expired")
    if now > int(exp):  # golang-jwt says by how much, as a Go duration
        late = now - int(exp)
        raise JwtRejected(401, "Invalid JWT token: Token is expired by %s" % _go_duration(late))
    if now < int(claims.get("iat", 0)) - IAT_LEEWAY:
        raise JwtRejected(401, "Invalid JWT token: Token used before issued (client and server clocks may differ)")
    qsh = hashlib.sha256(("%s&%s" % (method, path)).encode()).hexdigest()
    if claims.get("qsh") != qsh:
        raise JwtRejected(401, "Invalid qsh claim in token")
    return issuer

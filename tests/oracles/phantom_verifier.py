#!/usr/bin/env python3
"""Phantom's server-side authentication, read from /work/shared/PHANTOM.md.

An independent oracle: given a request exactly as the Phantom server receives
it (method, path, raw query string, headers including Host as sent, body), a
credentials dict {access_key: secret} and the server's "now", decide whether
Phantom accepts it, or which error code it answers.

Order of checks (as in the server): find the scheme and parse the credential
(V2: parameters; V4: Authorization + X-Amz-Date), look up the access key
(InvalidClientTokenId), compare the signature (IncompleteSignature), then the
time window (MissingParameter / RequestExpired).

Signature Version 2 -- used when AWSAccessKeyId is among the parameters
(query string and form body together):
  string to sign = METHOD \\n host-header-as-received.lower() \\n path \\n
  all params but Signature, sorted by decoded key (code point order), written
  enc(k)=enc(v) and joined by '&'; HMAC-SHA256 when SignatureMethod is
  HmacSHA256, HMAC-SHA1 otherwise; base64; compared exactly.
  Timestamp (YYYY-MM-DDTHH:MM:SS[.fff]Z) or Expires required; 15 minutes.

Signature Version 4, Phantom dialect -- used otherwise when there is an
Authorization header.  The quirks:
  1. the Authorization value is split on whitespace first and only the second
     piece is split on ',': "Credential=..,SignedHeaders=..,Signature=.." must
     have no space after the commas;
  2. the canonical host header is cut at its first ':' (its ':port'; an IPv6
     literal '[::1]:8445' leaves '[');
  3. the canonical query is the raw query string as sent, not re-sorted;
  4. for POST the payload hashed is rebuilt from all parameters (query + form)
     sorted and encoded with the V2 rule, not the raw body;
  5. a signed header value is value.strip()ped: the ends only, inner runs of
     spaces kept (standard SigV4 collapses them).
  X-Amz-Date is required and is the timestamp; scope region/service are not
  checked; signature is hex HMAC-SHA256.

Usage:
  phantom_verifier.py --credentials AK:SECRET [--credentials ...] \\
      --now 2026-01-02T03:04:05Z [--explain] < signed_request.json
prints "accept" (exit 0) or "reject CODE: detail" (exit 1).
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

WINDOW = datetime.timedelta(minutes=15)
_UNRESERVED = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
)
_V2_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$")
_AMZ_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
# What Python 2's str.strip() removes from pyhantom's byte-string headers.
_PY2_WHITESPACE = " \t\n\r\x0b\x0c"


class Reject(Exception):
    def __init__(self, code, detail):
        super().__init__("%s: %s" % (code, detail))
        self.code = code
        self.detail = detail


@dataclass
class Received:
    """A request as the server receives it."""

    method: str
    path: str
    query: str  # raw query string, without '?'
    headers: List[Tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


@dataclass
class Verdict:
    ok: bool
    code: Optional[str] = None
    detail: str = ""

    def __str__(self):
        return "accept" if self.ok else "reject %s: %s" % (self.code, self.detail)


# --- request parsing ---------------------------------------------------------


def received_from_output(output):
    """Our signer's output JSON -> the request the server receives."""
    parts = urllib.parse.urlsplit(output["url"])
    body = output.get("body", "")
    return Received(
        method=output["method"],
        path=parts.path or "/",
        query=parts.query,
        headers=[(k, v) for k, v in output["headers"]],
        body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
    )


def _parse_qs(text):
    """Form/query decoding as the server's framework does it: split on & and ;,
    '+' is a space, %XX is a UTF-8 byte, blank values kept."""
    pairs = []
    for piece in re.split("[&;]", text):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        try:
            pairs.append((
                urllib.parse.unquote_plus(name, errors="strict"),
                urllib.parse.unquote_plus(value, errors="strict"),
            ))
        except UnicodeDecodeError as e:
            raise Reject("InternalFailure", "parameter is not UTF-8: %s" % e)
    return pairs


def _form_body_parsed(req):
    if req.method != "POST":
        return False
    ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
    return ctype in ("", "application/x-www-form-urlencoded")


class Params:
    def __init__(self, req):
        self.query_pairs = _parse_qs(req.query)
        self.body_pairs = []
        if _form_body_parsed(req):
            try:
                body = req.body.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Reject("InternalFailure", "form body is not UTF-8: %s" % e)
            self.body_pairs = _parse_qs(body)

    def keys(self):
        return [k for k, _ in self.query_pairs] + [k for k, _ in self.body_pairs]

    def __contains__(self, name):
        return name in self.keys()

    def get(self, name, default=None):
        for pairs in (self.query_pairs, self.body_pairs):
            for k, v in reversed(pairs):
                if k == name:
                    return v
        return default


# --- shared encoding -----------------------------------------------------------


def enc(s):
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(b) if b in _UNRESERVED else "%%%02X" % b)
    return "".join(out)


def sorted_param_string(params):
    """All parameters but Signature, sorted by the decoded key (code point
    order), each written enc(k)=enc(v), joined by '&'."""
    keys = sorted(k for k in params.keys() if k != "Signature")
    return "&".join("%s=%s" % (enc(k), enc(params.get(k))) for k in keys)


def _parse_now(now):
    if isinstance(now, datetime.datetime):
        return now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    m = _V2_TIME_RE.match(now)
    if not m:
        raise ValueError("now must look like 2026-01-02T03:04:05Z: %r" % (now,))
    return datetime.datetime(*map(int, m.groups()))


# --- Signature Version 2 ---------------------------------------------------------


def v2_expected(req, secret, params=None):
    params = params if params is not None else Params(req)
    host = req.header("Host")
    if host is None:
        raise Reject("InternalFailure", "no Host header")
    method = params.get("SignatureMethod")
    if method is None:
        raise Reject("InternalFailure", "SignatureMethod parameter missing")
    sts = "%s\n%s\n%s\n%s" % (req.method, host.lower(), req.path, sorted_param_string(params))
    digest = hashlib.sha256 if method == "HmacSHA256" else hashlib.sha1
    mac = hmac.new(secret.encode("utf-8"), sts.encode("utf-8"), digest).digest()
    return {"scheme": "v2", "signature": base64.b64encode(mac).decode("ascii"),
            "string_to_sign": sts}


def _v2_time(text, what):
    m = _V2_TIME_RE.match(text)
    if not m:
        raise Reject("InternalFailure", "%s %r is not YYYY-MM-DDTHH:MM:SS[.fff]Z" % (what, text))
    return datetime.datetime(*map(int, m.groups()))


def _check_window(now, timestamp=None, expires=None):
    if expires is not None:
        if expires > now + WINDOW:
            raise Reject("RequestExpired", "Expires is more than 15 minutes ahead")
        if now > expires:
            raise Reject("RequestExpired", "request has expired")
        return
    if timestamp is None:
        raise Reject("MissingParameter", "neither Timestamp nor Expires")
    if timestamp > now + WINDOW:
        raise Reject("RequestExpired", "timestamp is more than 15 minutes in the future")
    if now > timestamp + WINDOW:
        raise Reject("RequestExpired", "timestamp is more than 15 minutes old")


def _verify_v2(req, params, credentials, now):
    for name in ("Signature", "SignatureMethod", "SignatureVersion"):
        if name not in params:
            # pyhantom reads these unconditionally: a KeyError, i.e. a 500
            raise Reject("InternalFailure", "%s parameter missing" % name)
    access_key = params.get("AWSAccessKeyId")
    secret = credentials.get(access_key)
    if not secret:
        raise Reject("InvalidClientTokenId", "unknown access key %r" % access_key)
    if params.get("SignatureVersion") != "2":
        raise Reject("IncompleteSignature",
                     "SignatureVersion %r is not 2" % params.get("SignatureVersion"))
    expected = v2_expected(req, secret, params)
    if params.get("Signature") != expected["signature"]:
        raise Reject("IncompleteSignature", "V2 signature does not match")
    expires = params.get("Expires")
    timestamp = params.get("Timestamp")
    _check_window(
        now,
        timestamp=_v2_time(timestamp, "Timestamp") if timestamp is not None else None,
        expires=_v2_time(expires, "Expires") if expires is not None else None,
    )


# --- Signature Version 4, Phantom dialect --------------------------------------


def parse_authorization(value):
    """Phantom's reading: split on whitespace, then the second piece on ','."""
    pieces = value.split()
    if len(pieces) < 2:
        raise Reject("IncompleteSignature", "malformed Authorization header")
    if pieces[0] != "AWS4-HMAC-SHA256":
        raise Reject("IncompleteSignature", "unsupported algorithm %r" % pieces[0])
    fields = {}
    for token in pieces[1].split(","):
        name, eq, val = token.partition("=")
        if eq and name in ("Credential", "SignedHeaders", "Signature"):
            fields[name] = val
    missing = [n for n in ("Credential", "SignedHeaders", "Signature") if n not in fields]
    if missing:
        raise Reject("IncompleteSignature",
                     "Authorization lacks %s (no spaces allowed after the commas)"
                     % ", ".join(missing))
    access_key, slash, scope = fields["Credential"].partition("/")
    if not slash or len(scope.split("/")) < 4:
        raise Reject("IncompleteSignature", "malformed Credential %r" % fields["Credential"])
    fields["AccessKey"] = access_key
    fields["Scope"] = scope
    return fields


def _canonical_header_value(req, name):
    value = req.header(name)
    if value is None:
        raise Reject("IncompleteSignature", "signed header %r is missing" % name)
    # the ends only: inner runs of spaces stay as sent (PHANTOM.md)
    value = value.strip(_PY2_WHITESPACE)
    if name.strip().lower() == "host":
        # the ':port' goes by a cut at the first ':' (PHANTOM.md), which turns
        # an IPv6 literal '[::1]:8445' into '['
        ndx = value.find(":")
        if ndx > 0:
            value = value[:ndx]
    return value


def v4_expected(req, secret, auth=None, params=None):
    auth = auth if auth is not None else parse_authorization(req.header("Authorization") or "")
    amz_date = req.header("X-Amz-Date")
    if amz_date is None:
        raise Reject("MissingParameter", "X-Amz-Date header missing")
    lines = sorted(
        "%s:%s" % (n.lower().strip(), _canonical_header_value(req, n))
        for n in auth["SignedHeaders"].split(";")
    )
    if req.method == "POST":
        params = params if params is not None else Params(req)
        payload = sorted_param_string(params).encode("utf-8")
    else:
        payload = req.body
    canonical_request = "\n".join([
        req.method.upper(),
        req.path,
        req.query,
        "\n".join(lines) + "\n",
        auth["SignedHeaders"],
        hashlib.sha256(payload).hexdigest(),
    ])
    sts = "\n".join([
        "AWS4-HMAC-SHA256",
        amz_date,
        auth["Scope"],
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
    ])
    date, region, service, terminator = auth["Scope"].split("/")[:4]
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, terminator):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    signature = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"scheme": "v4-phantom", "signature": signature, "string_to_sign": sts,
            "canonical_request": canonical_request}


def _verify_v4(req, params, credentials, now):
    auth = parse_authorization(req.header("Authorization"))
    amz_date = req.header("X-Amz-Date")
    if amz_date is None:
        raise Reject("MissingParameter", "X-Amz-Date header missing")
    m = _AMZ_DATE_RE.match(amz_date)
    if not m:
        raise Reject("InternalFailure", "X-Amz-Date %r is not YYYYMMDDTHHMMSSZ" % amz_date)
    timestamp = datetime.datetime(*map(int, m.groups()))
    secret = credentials.get(auth["AccessKey"])
    if not secret:
        raise Reject("InvalidClientTokenId", "unknown access key %r" % auth["AccessKey"])
    expected = v4_expected(req, secret, auth, params)
    if auth["Signature"] != expected["signature"]:
        raise Reject("IncompleteSignature", "V4 signature does not match")
    _check_window(now, timestamp=timestamp)


# --- entry points ----------------------------------------------------------------


def scheme_of(req, params=None):
    params = params if params is not None else Params(req)
    if "AWSAccessKeyId" in params:
        return "v2"
    if req.header("Authorization") is not None:
        return "v4"
    return None


def expected_signature(req, secret):
    """The signature (and intermediate strings) the server expects for `req`.

    V2 when AWSAccessKeyId is among the parameters (Signature is ignored);
    otherwise V4 from the Authorization header (its Signature is ignored).
    """
    params = Params(req)
    scheme = scheme_of(req, params)
    if scheme == "v2":
        return v2_expected(req, secret, params)
    if scheme == "v4":
        return v4_expected(req, secret, None, params)
    raise Reject("InternalFailure", "no AWSAccessKeyId parameter and no Authorization header")


def verify(req, credentials, now):
    """-> Verdict. `now` is a datetime or 'YYYY-MM-DDTHH:MM:SSZ'."""
    now = _parse_now(now)
    try:
        params = Params(req)
        scheme = scheme_of(req, params)
        if scheme == "v2":
            _verify_v2(req, params, credentials, now)
        elif scheme == "v4":
            _verify_v4(req, params, credentials, now)
        else:
            # pyhantom raises an exception with an unknown code here -> 500
            raise Reject("InternalFailure",
                         "no AWSAccessKeyId parameter and no Authorization header")
    except Reject as r:
        return Verdict(False, r.code, r.detail)
    return Verdict(True)


def verify_output(output, credentials, now):
    return verify(received_from_output(output), credentials, now)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--credentials", action="append", required=True, metavar="AK:SECRET")
    ap.add_argument("--now", required=True, help="server time, 2026-01-02T03:04:05Z")
    ap.add_argument("--explain", action="store_true",
                    help="print the expected string to sign etc. to stderr")
    args = ap.parse_args(argv)
    creds = {}
    for c in args.credentials:
        ak, colon, secret = c.partition(":")
        if not colon:
            ap.error("--credentials wants AK:SECRET")
        creds[ak] = secret
    output = json.load(sys.stdin)
    req = received_from_output(output)
    if args.explain:
        for secret in creds.values():
            try:
                print(json.dumps(expected_signature(req, secret), indent=1,
                                 ensure_ascii=False), file=sys.stderr)
            except Reject as r:
                print("cannot compute: %s" % r, file=sys.stderr)
    verdict = verify(req, creds, args.now)
    print(verdict)
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())

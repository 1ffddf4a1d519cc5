"""A tiny client for phantom-sim: botocore signs Version 2; Version 4 is
built here by PHANTOM.md's rules (Phantom's dialect), not botocore's."""

import datetime
import hashlib
import hmac
import http.client
import json
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.auth import SigV2Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ACCESS_KEY, SECRET_KEY

NS = {"a": "http://autoscaling.amazonaws.com/doc/2009-05-15/"}


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def xml(self):
        return ET.fromstring(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.reason} {self.body[:200]!r}>"


def send(port, method, target, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    hdrs = {"Host": f"127.0.0.1:{port}", "Accept": "text/plain"}
    hdrs.update(headers or {})
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    for k, v in hdrs.items():
        conn.putheader(k, v)
    if body or method in ("POST", "PUT"):
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    out = Response(r.status, r.reason, dict(r.getheaders()), r.read().decode("utf-8"))
    conn.close()
    return out


def v2_signed(port, method, params, secret=SECRET_KEY):
    """Parameters signed by botocore's SigV2Auth for http://127.0.0.1:PORT/."""
    url = f"http://127.0.0.1:{port}/"
    params = dict(params)
    if method == "GET":
        req = AWSRequest(method="GET", url=url, params=params)
    else:
        req = AWSRequest(method="POST", url=url, data=params)
    SigV2Auth(Credentials(ACCESS_KEY, secret)).add_auth(req)
    return dict(req.params if method == "GET" else req.data)


def quote_form(params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote, safe="-_.~")


def v2_send(port, method, params, headers=None):
    if method == "GET":
        return send(port, "GET", "/?" + quote_form(params), headers=headers)
    hdrs = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    hdrs.update(headers or {})
    return send(port, "POST", "/", quote_form(params).encode(), hdrs)


def call(port, params):
    """botocore-signed V2 call: GET for Describe*, POST otherwise."""
    method = "GET" if params["Action"].startswith("Describe") else "POST"
    return v2_send(port, method, v2_signed(port, method, params))


# ---------------------------------------------------------------- V4, Phantom's reading

def _enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def canonical_params(pairs):
    return "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(pairs, key=lambda kv: kv[0]))


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def v4_phantom(port, method, query, body="", secret=SECRET_KEY, canonical_host=None, when=None):
    """Headers for Phantom's V4: no space after commas, host without port in
    the canonical headers, raw query as sent, and for POST the payload hash
    over the parameters rebuilt with the V2 encoding."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    host = canonical_host if canonical_host is not None else "127.0.0.1"
    if method == "POST":
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        pairs += urllib.parse.parse_qsl(body, keep_blank_values=True)
        payload = canonical_params(pairs)
    else:
        payload = body
    canonical_request = "\n".join([
        method, "/", query,
        f"host:{host}\nx-amz-date:{amz_date}\n",
        "host;x-amz-date",
        hashlib.sha256(payload.encode()).hexdigest(),
    ])
    scope = f"{amz_date[:8]}/us-east-1/autoscaling/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], "us-east-1", "autoscaling", "aws4_request"):
        key = _hmac(key, part)
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return {
        "X-Amz-Date": amz_date,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope},"
                         f"SignedHeaders=host;x-amz-date,Signature={sig}",
    }


def v4_send(port, method, query, body="", headers=None):
    target = "/?" + query if query else "/"
    hdrs = dict(headers or {})
    if method == "POST":
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return send(port, method, target, body.encode(), hdrs)


def control(port, path):
    r = send(port, "GET", path)
    assert r.status == 200, r
    return json.loads(r.body)

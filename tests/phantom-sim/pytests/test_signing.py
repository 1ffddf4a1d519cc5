"""Requests signed by botocore (V2) and by PHANTOM.md's V4 rules are
accepted; altered ones are rejected with IncompleteSignature."""

import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ACCESS_KEY, SECRET_KEY
from simclient import v2_send, v2_signed, v4_phantom, v4_send, quote_form, send

DESCRIBE = {"Action": "DescribeLaunchConfigurations", "Version": "2011-01-01"}


def flip_first(s):
    return ("B" if s[0] == "A" else "A") + s[1:]


def test_botocore_v2_get_and_post_accepted(sim):
    for method in ("GET", "POST"):
        r = v2_send(sim.port, method, v2_signed(sim.port, method, DESCRIBE))
        assert r.status == 200, r
        assert r.headers["Content-Type"] == "text/html; charset=UTF-8"
        assert r.xml().tag == "{http://autoscaling.amazonaws.com/doc/2009-05-15/}DescribeLaunchConfigurationsResponse"


def test_botocore_v2_altered_rejected(sim):
    port = sim.port
    # One byte of the signature.
    p = v2_signed(port, "GET", DESCRIBE)
    p["Signature"] = flip_first(p["Signature"])
    r = v2_send(port, "GET", p)
    assert (r.status, r.reason) == (400, "IncompleteSignature"), r
    # A parameter changed after signing.
    p = v2_signed(port, "POST", DESCRIBE)
    p["Version"] = "2011-01-02"
    assert v2_send(port, "POST", p).reason == "IncompleteSignature"
    # The Host port: signed for 127.0.0.1:PORT, sent without the port / another port.
    p = v2_signed(port, "GET", DESCRIBE)
    assert v2_send(port, "GET", p, headers={"Host": "127.0.0.1"}).reason == "IncompleteSignature"
    assert v2_send(port, "GET", p, headers={"Host": f"127.0.0.1:{port + 1}"}).reason == "IncompleteSignature"
    # ... and unaltered it passes.
    assert v2_send(port, "GET", p).status == 200


def test_phantom_v4_accepted_and_altered_rejected(sim):
    port = sim.port
    q = "Action=DescribeLaunchConfigurations&Version=2011-01-01"
    r = v4_send(port, "GET", q, headers=v4_phantom(port, "GET", q))
    assert r.status == 200, r
    # POST: body in any order; the payload hash is over the rebuilt params.
    body = "Version=2011-01-01&Action=DescribeLaunchConfigurations"
    r = v4_send(port, "POST", "", body, headers=v4_phantom(port, "POST", "", body))
    assert r.status == 200, r
    # One byte of the signature.
    h = v4_phantom(port, "GET", q)
    sig_at = h["Authorization"].index("Signature=") + len("Signature=")
    a = h["Authorization"]
    h["Authorization"] = a[:sig_at] + ("0" if a[sig_at] != "0" else "1") + a[sig_at + 1:]
    assert v4_send(port, "GET", q, headers=h).reason == "IncompleteSignature"
    # A parameter changed after signing.
    h = v4_phantom(port, "GET", q)
    assert v4_send(port, "GET", q.replace("2011-01-01", "2011-01-02"), headers=h).reason == "IncompleteSignature"
    h = v4_phantom(port, "POST", "", body)
    assert v4_send(port, "POST", "", body + "&Extra=1", headers=h).reason == "IncompleteSignature"
    # The Host port kept in the canonical headers (the AWS rule).
    h = v4_phantom(port, "GET", q, canonical_host=f"127.0.0.1:{port}")
    assert v4_send(port, "GET", q, headers=h).reason == "IncompleteSignature"


def test_standard_botocore_v4_is_not_phantoms(sim):
    """botocore's SigV4 writes `, ` separators, which Phantom cannot read
    (a 500); without them the port in host still breaks the signature."""
    port = sim.port
    url = f"http://127.0.0.1:{port}/?" + quote_form(DESCRIBE)
    req = AWSRequest(method="GET", url=url, headers={"Accept": "text/plain"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "autoscaling", "us-east-1").add_auth(req)
    target = "/?" + urllib.parse.urlsplit(url).query
    headers = {k: v for k, v in req.headers.items()}
    r = send(port, "GET", target, headers=headers)
    assert (r.status, r.reason) == (500, "InternalFailure"), r
    headers["Authorization"] = headers["Authorization"].replace(", ", ",")
    r = send(port, "GET", target, headers=headers)
    assert (r.status, r.reason) == (400, "IncompleteSignature"), r

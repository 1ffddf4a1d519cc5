"""Request shaping for the signer contract (shared by the oracles).

This module knows how our signer lays a request out -- encoding, parameter
order, host/url normalisation, header order, output JSON -- but it computes no
signature.  Signatures come from the oracles: botocore
(gen_botocore_vectors.py) and the Phantom server-side reading
(phantom_verifier.py).

Input (same as the Rust ``examples/sign.rs``)::

    {"scheme": "v2-hmac-sha256" | "v2-hmac-sha1" | "v4" | "v4-phantom",
     "method": "GET" | "POST", "url": "http(s)://host[:port][/path]",
     "params": [["Action", "DescribeAutoScalingGroups"], ...],
     "access_key": "...", "secret_key": "...", "session_token": null | "...",
     "region": "us-east-1", "service": "autoscaling",
     "time": "2026-01-02T03:04:05Z"}

Output::

    {"method": "...", "url": "...", "headers": [["Name", "value"], ...],
     "body": "..."}
"""

import datetime
import re
import urllib.parse

SCHEMES = ("v2-hmac-sha256", "v2-hmac-sha1", "v4", "v4-phantom")
V2_SCHEMES = ("v2-hmac-sha256", "v2-hmac-sha1")
V4_SCHEMES = ("v4", "v4-phantom")
METHODS = ("GET", "POST")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
V2_METHOD = {"v2-hmac-sha256": "HmacSHA256", "v2-hmac-sha1": "HmacSHA1"}
# Parameter names the signer adds itself (V2) -- never user parameters.
RESERVED_PARAMS = (
    "AWSAccessKeyId",
    "Expires",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "Timestamp",
)
DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
)
_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$")


def enc(s):
    """Percent-encode every UTF-8 byte outside A-Z a-z 0-9 - _ . ~ (upper hex)."""
    out = []
    for b in s.encode("utf-8"):
        out.append(chr(b) if b in _UNRESERVED else "%%%02X" % b)
    return "".join(out)


def v2_form(params):
    """Sort by the raw name (code point order == UTF-8 byte order), then encode."""
    pairs = sorted(params, key=lambda kv: kv[0].encode("utf-8"))
    return "&".join("%s=%s" % (enc(k), enc(v)) for k, v in pairs)


def v4_query(params):
    """Encode first, then sort the (key, value) pairs bytewise."""
    pairs = sorted((enc(k), enc(v)) for k, v in params)
    return "&".join("%s=%s" % kv for kv in pairs)


def parse_time(text):
    """'YYYY-MM-DDTHH:MM:SSZ' -> aware UTC datetime (ValueError otherwise)."""
    m = _TIME_RE.match(text)
    if not m:
        raise ValueError("time must look like 2026-01-02T03:04:05Z: %r" % (text,))
    return datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)


def v2_timestamp(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def amz_date(dt):
    return dt.strftime("%Y%m%dT%H%M%SZ")


def split_url(url):
    """-> (scheme, host, path): host lowercased, default port dropped, path '/' if empty."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError("url scheme must be http or https: %r" % (url,))
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError("url must be scheme://host[:port][/path]: %r" % (url,))
    netloc = parts.netloc
    if netloc.startswith("["):
        end = netloc.index("]")
        hostname, rest = netloc[: end + 1], netloc[end + 1 :]
    else:
        hostname, _, port_text = netloc.partition(":")
        rest = ":" + port_text if _ else ""
    if not hostname:
        raise ValueError("url has no host: %r" % (url,))
    host = hostname.lower()
    if rest:
        if not rest.startswith(":") or not rest[1:].isdigit():
            raise ValueError("bad port in url: %r" % (url,))
        port = int(rest[1:])
        if port != DEFAULT_PORTS[scheme]:
            host = "%s:%d" % (host, port)
    path = parts.path or "/"
    return scheme, host, path


def host_without_port(host):
    """'example.com:8445' -> 'example.com'; '[::1]:8445' -> '[::1]'."""
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.partition(":")[0]


def base_url(inp):
    scheme, host, path = split_url(inp["url"])
    return "%s://%s%s" % (scheme, host, path)


def params_of(inp):
    return [(k, v) for k, v in inp["params"]]


# --- Signature Version 2 -------------------------------------------------


def v2_all_params(inp):
    """User params + the V2 auth params (no Signature)."""
    params = params_of(inp)
    params += [
        ("AWSAccessKeyId", inp["access_key"]),
        ("SignatureMethod", V2_METHOD[inp["scheme"]]),
        ("SignatureVersion", "2"),
        ("Timestamp", v2_timestamp(parse_time(inp["time"]))),
    ]
    if inp.get("session_token") is not None:
        params.append(("SecurityToken", inp["session_token"]))
    return params


def v2_string_to_sign(inp):
    """What the contract says the V2 string to sign is (for cross-checks)."""
    _, host, path = split_url(inp["url"])
    return "%s\n%s\n%s\n%s" % (inp["method"], host, path, v2_form(v2_all_params(inp)))


def v2_unsigned_output(inp):
    """The V2 request without its Signature parameter."""
    return _v2_output(inp, None)


def v2_output(inp, signature):
    """The V2 request as our signer sends it, given the base64 signature."""
    return _v2_output(inp, signature)


def _v2_output(inp, signature):
    _, host, _ = split_url(inp["url"])
    signed = v2_form(v2_all_params(inp))
    if signature is not None:
        signed += "&Signature=" + enc(signature)
    url = base_url(inp)
    if inp["method"] == "GET":
        return {"method": "GET", "url": url + "?" + signed,
                "headers": [["Host", host]], "body": ""}
    return {"method": "POST", "url": url,
            "headers": [["Host", host], ["Content-Type", FORM_CONTENT_TYPE]],
            "body": signed}


# --- Signature Version 4 (standard and Phantom dialect) --------------------


def v4_query_and_body(inp):
    """GET: (v4_query(params), ''); POST: ('', v2_form(params))."""
    params = params_of(inp)
    if inp["method"] == "GET":
        return v4_query(params), ""
    return "", v2_form(params)


def v4_scope(inp):
    dt = parse_time(inp["time"])
    return "%s/%s/%s/aws4_request" % (dt.strftime("%Y%m%d"), inp["region"], inp["service"])


def v4_signed_headers(inp):
    names = ["host", "x-amz-date"]
    if inp.get("session_token") is not None:
        names.append("x-amz-security-token")
    return ";".join(names)


def v4_authorization(inp, signature):
    sep = "," if inp["scheme"] == "v4-phantom" else ", "
    return sep.join([
        "AWS4-HMAC-SHA256 Credential=%s/%s" % (inp["access_key"], v4_scope(inp)),
        "SignedHeaders=" + v4_signed_headers(inp),
        "Signature=" + signature,
    ])


def v4_output(inp, signature):
    """The V4 request as our signer sends it, given the hex signature."""
    _, host, _ = split_url(inp["url"])
    query, body = v4_query_and_body(inp)
    url = base_url(inp) + ("?" + query if inp["method"] == "GET" else "")
    headers = [["Host", host], ["X-Amz-Date", amz_date(parse_time(inp["time"]))]]
    if inp.get("session_token") is not None:
        headers.append(["X-Amz-Security-Token", inp["session_token"]])
    if inp["method"] == "POST":
        headers.append(["Content-Type", FORM_CONTENT_TYPE])
    headers.append(["Authorization", v4_authorization(inp, signature)])
    return {"method": inp["method"], "url": url, "headers": headers, "body": body}


def output_with_signature(inp, signature):
    if inp["scheme"] in V2_SCHEMES:
        return v2_output(inp, signature)
    return v4_output(inp, signature)


# --- helpers for tests -------------------------------------------------------


def header(output, name):
    """First value of header `name` (case-insensitive) in an output dict."""
    for k, v in output["headers"]:
        if k.lower() == name.lower():
            return v
    return None


def authorization_signature(authorization):
    return authorization.rsplit("Signature=", 1)[1]

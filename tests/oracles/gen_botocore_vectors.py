#!/usr/bin/env python3
"""Generate tests/data/botocore_vectors.json: signatures computed by botocore.

v2-hmac-sha256 vectors are signed by botocore.auth.SigV2Auth, v4 vectors by
botocore.auth.SigV4Auth (botocore has no HmacSHA1 signer).  The request
layout (url, header order, body) follows the signer contract in sigspec.py;
the signature, string to sign and canonical request are botocore's, and the
generator asserts that botocore signed exactly the request we send.

botocore reads the clock itself; it is pinned to each vector's time:
  * SigV2Auth.add_auth sets Timestamp from time.strftime(..., time.gmtime()),
    overwriting any Timestamp parameter given to it -> botocore.auth.time is
    replaced by a stand-in whose gmtime() returns the vector time;
  * SigV4Auth.add_auth sets request.context['timestamp'] (and X-Amz-Date)
    from botocore.auth.get_current_datetime() -> that name is patched to
    return the vector time.

Usage: gen_botocore_vectors.py [--check] [--output PATH]
"""

import argparse
import contextlib
import datetime
import logging
import os
import random
import sys
import time
import types
import urllib.parse
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

import sigspec  # noqa: E402
import vector_inputs  # noqa: E402
from vectorfile import check_or_write, dumps  # noqa: E402

SEED = 20260102
PER_COMBO = 85  # random vectors per (scheme, method); 4 combos
BOTOCORE_VERSION = "1.44.8"
GENERATOR = "tests/oracles/gen_botocore_vectors.py"
DEFAULT_OUTPUT = os.path.join(HERE, "..", "data", "botocore_vectors.json")


class ContractDisagreement(AssertionError):
    """botocore signed something other than what the contract sends."""


def _check(cond, what, inp, got=None, want=None):
    if not cond:
        raise ContractDisagreement(
            "%s\n input: %r\n botocore: %r\n contract: %r" % (what, inp, got, want))


@contextlib.contextmanager
def pinned_clock(dt):
    """Make botocore.auth believe it is `dt` (aware UTC datetime)."""
    naive = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    fake_time = types.SimpleNamespace(
        gmtime=lambda *a: dt.utctimetuple(),
        strftime=time.strftime,
        time=lambda: dt.timestamp(),
    )

    def fake_now(remove_tzinfo=True):
        return naive if remove_tzinfo else naive.replace(tzinfo=datetime.timezone.utc)

    with mock.patch.object(botocore.auth, "time", fake_time), \
            mock.patch.object(botocore.auth, "get_current_datetime", fake_now):
        yield


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def captured_botocore_auth_log():
    logger = logging.getLogger("botocore.auth")
    handler = _Capture()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """SigV4Auth that remembers the canonical request and string to sign."""

    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.recorded_string_to_sign


def _credentials(inp):
    return Credentials(inp["access_key"], inp["secret_key"], inp.get("session_token"))


def sign_v2(inp):
    """botocore SigV2Auth (HmacSHA256) -> (output, string_to_sign)."""
    assert inp["scheme"] == "v2-hmac-sha256", inp["scheme"]
    dt = sigspec.parse_time(inp["time"])
    url = sigspec.base_url(inp)
    params = dict(sigspec.params_of(inp))
    if inp["method"] == "GET":
        request = AWSRequest(method="GET", url=url, params=params)
    else:
        request = AWSRequest(method="POST", url=url, data=params)
    with pinned_clock(dt), captured_botocore_auth_log() as records:
        botocore.auth.SigV2Auth(_credentials(inp)).add_auth(request)
    signed = request.params if inp["method"] == "GET" else request.data
    sts = [r.args[0] for r in records if r.msg == "String to sign: %s"]
    _check(len(sts) == 1, "botocore logged %d strings to sign" % len(sts), inp)
    sts = sts[0]
    signature = signed.pop("Signature")
    want_params = dict(sigspec.v2_all_params(inp))
    _check(signed == want_params, "V2 parameter set (is the clock pinned?)", inp, signed, want_params)
    want_sts = sigspec.v2_string_to_sign(inp)
    _check(sts == want_sts, "V2 string to sign", inp, sts, want_sts)
    # botocore's own serialisation carries the same parameters.
    signed["Signature"] = signature
    prepared = request.prepare()
    wire = urllib.parse.urlsplit(prepared.url).query if inp["method"] == "GET" else prepared.body
    if isinstance(wire, bytes):
        wire = wire.decode("utf-8")
    decoded = urllib.parse.parse_qsl(wire, keep_blank_values=True)
    _check(sorted(decoded) == sorted(signed.items()), "V2 wire parameters", inp, decoded, signed)
    return sigspec.v2_output(inp, signature), sts


def _v4_request(inp, query_in_url=True, host_header=None):
    query, body = sigspec.v4_query_and_body(inp)
    url = sigspec.base_url(inp)
    kwargs = {}
    if inp["method"] == "GET":
        if query_in_url:
            url += "?" + query if query else ""
        else:
            kwargs["params"] = dict(sigspec.params_of(inp))
    else:
        kwargs["data"] = body.encode("utf-8")
    headers = {"Host": host_header} if host_header is not None else None
    return AWSRequest(method=inp["method"], url=url, headers=headers, **kwargs)


def botocore_v4_signature(inp, host_header=None, query_in_url=True):
    """botocore SigV4Auth over the request we send (only the headers we sign:
    botocore adds X-Amz-Date and X-Amz-Security-Token itself and derives host
    from the URL unless `host_header` is given).
    -> (authorization, canonical_request, string_to_sign, request)."""
    dt = sigspec.parse_time(inp["time"])
    request = _v4_request(inp, query_in_url=query_in_url, host_header=host_header)
    auth = RecordingSigV4Auth(_credentials(inp), inp["service"], inp["region"])
    with pinned_clock(dt):
        auth.add_auth(request)
    return (request.headers["Authorization"], auth.recorded_canonical_request,
            auth.recorded_string_to_sign, request)


def sign_v4(inp):
    """botocore SigV4Auth -> (output, string_to_sign, canonical_request)."""
    assert inp["scheme"] == "v4", inp["scheme"]
    authorization, creq, sts, request = botocore_v4_signature(inp)
    output = sigspec.v4_output(inp, sigspec.authorization_signature(authorization))
    _check(sigspec.header(output, "Authorization") == authorization, "V4 Authorization",
           inp, authorization, sigspec.header(output, "Authorization"))
    for name in ("X-Amz-Date", "X-Amz-Security-Token"):
        _check(request.headers.get(name) == sigspec.header(output, name), name, inp,
               request.headers.get(name), sigspec.header(output, name))
    host = creq.split("\n")[3].partition(":")[2]
    _check(host == sigspec.header(output, "Host"), "V4 host", inp, host, sigspec.header(output, "Host"))
    # botocore's own host normalisation of the URL as given.
    raw_host = botocore.auth._host_from_url(inp["url"])
    _check(raw_host == sigspec.header(output, "Host"), "host of the raw url", inp, raw_host,
           sigspec.header(output, "Host"))
    if inp["method"] == "GET":
        # botocore canonicalising from the raw parameters agrees.
        _, creq2, _, _ = botocore_v4_signature(inp, query_in_url=False)
        _check(creq2 == creq, "V4 canonical query from params", inp, creq2, creq)
        query = creq.split("\n")[2]
        _check(query == sigspec.v4_query_and_body(inp)[0], "V4 canonical query", inp, query,
               sigspec.v4_query_and_body(inp)[0])
    return output, sts, creq


def make_vector(name, inp):
    if inp["scheme"] == "v2-hmac-sha256":
        output, sts = sign_v2(inp)
        return {"name": name, "input": inp, "expected": output, "string_to_sign": sts}
    output, sts, creq = sign_v4(inp)
    return {"name": name, "input": inp, "expected": output, "string_to_sign": sts,
            "canonical_request": creq}


def _order_differs(inp):
    names = [k for k, _ in inp["params"]]
    v2 = sorted(names, key=lambda k: k.encode("utf-8"))
    v4 = sorted(names, key=sigspec.enc)
    return v2 != v4


def build(seed=SEED, per_combo=PER_COMBO):
    rng = random.Random(seed)
    vectors = []
    for scheme in ("v2-hmac-sha256", "v4"):
        for method in ("GET", "POST"):
            for i, inp in enumerate(vector_inputs.fixed_inputs(scheme, method)):
                vectors.append(make_vector("%s-%s-fixed-%d" % (scheme, method, i), inp))
            for i in range(per_combo):
                with_token = i % 3 == 0
                inp = vector_inputs.random_input(rng, scheme, method, with_token)
                name = "%s-%s-%03d%s%s" % (scheme, method, i, "-token" if with_token else "",
                                           "-orderflip" if _order_differs(inp) else "")
                vectors.append(make_vector(name, inp))
    if botocore.__version__ != BOTOCORE_VERSION:
        raise SystemExit("botocore %s installed, vectors are pinned to %s"
                         % (botocore.__version__, BOTOCORE_VERSION))
    return {"generator": GENERATOR, "botocore_version": botocore.__version__,
            "seed": seed, "vectors": vectors}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory; exit 1 if the committed file differs")
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)
    text = dumps(build())
    return check_or_write(text, os.path.abspath(args.output), args.check, "gen_botocore_vectors.py")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Generate tests/data/phantom_vectors.json: signatures Phantom expects.

For v2-hmac-sha256, v2-hmac-sha1 and v4-phantom the request is laid out with
sigspec.py (our signer's contract), turned into the request the server
receives, and phantom_verifier.py -- the server-side reading of PHANTOM.md --
says which signature it expects (string to sign / canonical request as it
computed them).  That signature is filled in and the verifier must accept
the result.

v4-phantom vectors use no IPv6 literal hosts: pyhantom cuts the Host header
at its first ':', so '[::1]:8445' reads '[', and our signer refuses such hosts
in this dialect (suggesting Signature V2). The "quirk" vectors have a session
token with inner runs of spaces, which the dialect signs as sent.

Usage: gen_phantom_vectors.py [--check] [--output PATH]
"""

import argparse
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import phantom_verifier  # noqa: E402
import sigspec  # noqa: E402
import vector_inputs  # noqa: E402
from vectorfile import check_or_write, dumps  # noqa: E402

SEED = 15112012
PER_COMBO = 10  # random vectors per (scheme, method); 6 combos
SCHEMES = ("v2-hmac-sha256", "v2-hmac-sha1", "v4-phantom")
GENERATOR = "tests/oracles/gen_phantom_vectors.py"
DEFAULT_OUTPUT = os.path.join(HERE, "..", "data", "phantom_vectors.json")
PLACEHOLDER_V4_SIGNATURE = "0" * 64


def unsigned_output(inp):
    """The request as we send it, before its signature is known."""
    if inp["scheme"] in sigspec.V2_SCHEMES:
        return sigspec.v2_unsigned_output(inp)
    return sigspec.v4_output(inp, PLACEHOLDER_V4_SIGNATURE)


def phantom_sign(inp):
    """-> (output, what the verifier computed) with the signature Phantom expects."""
    received = phantom_verifier.received_from_output(unsigned_output(inp))
    expected = phantom_verifier.expected_signature(received, inp["secret_key"])
    if inp["scheme"] in sigspec.V2_SCHEMES:
        # the contract's string to sign is the one the server computes
        want = sigspec.v2_string_to_sign(inp)
        if expected["string_to_sign"] != want:
            raise AssertionError("verifier and contract disagree on the V2 string to sign:"
                                 "\n%r\n%r" % (expected["string_to_sign"], want))
    output = sigspec.output_with_signature(inp, expected["signature"])
    verdict = phantom_verifier.verify_output(
        output, {inp["access_key"]: inp["secret_key"]}, inp["time"])
    if not verdict.ok:
        raise AssertionError("verifier rejects the request it signed: %s\n%r" % (verdict, inp))
    return output, expected


def make_vector(name, inp):
    output, expected = phantom_sign(inp)
    vector = {"name": name, "input": inp, "expected": output,
              "string_to_sign": expected["string_to_sign"]}
    if "canonical_request" in expected:
        vector["canonical_request"] = expected["canonical_request"]
    return vector


def build(seed=SEED, per_combo=PER_COMBO):
    rng = random.Random(seed)
    vectors = []
    for scheme in SCHEMES:
        for method in ("GET", "POST"):
            for i, inp in enumerate(vector_inputs.fixed_inputs(scheme, method)):
                vectors.append(make_vector("%s-%s-fixed-%d" % (scheme, method, i), inp))
            if scheme == "v4-phantom":
                for i, inp in enumerate(vector_inputs.phantom_v4_inputs(method)):
                    vectors.append(make_vector("%s-%s-quirk-%d" % (scheme, method, i), inp))
            for i in range(per_combo):
                with_token = i % 4 == 0
                inp = vector_inputs.random_input(rng, scheme, method, with_token,
                                                 allow_ipv6=scheme != "v4-phantom")
                name = "%s-%s-%03d%s" % (scheme, method, i, "-token" if with_token else "")
                vectors.append(make_vector(name, inp))
    return {"generator": GENERATOR, "seed": seed, "vectors": vectors}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory; exit 1 if the committed file differs")
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    args = ap.parse_args(argv)
    text = dumps(build())
    return check_or_write(text, os.path.abspath(args.output), args.check, "gen_phantom_vectors.py")


if __name__ == "__main__":
    sys.exit(main())

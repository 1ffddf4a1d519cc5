"""Seeded random signer inputs, shared by the vector generators and the tests.

Everything here is driven by a `random.Random`, never by set/dict iteration of
hashed strings, so a seed always gives the same inputs.
"""

import datetime

from sigspec import RESERVED_PARAMS

ACTIONS = [
    "CreateLaunchConfiguration", "DescribeLaunchConfigurations",
    "DeleteLaunchConfiguration", "CreateAutoScalingGroup",
    "DescribeAutoScalingGroups", "DeleteAutoScalingGroup", "SetDesiredCapacity",
    "CreateOrUpdateTags", "DescribeAutoScalingInstances",
    "TerminateInstanceInAutoScalingGroup",
]

HOSTS = [
    "svc.uc.futuregrid.org", "autoscaling.us-east-1.amazonaws.com",
    "AutoScaling.US-West-2.AmazonAWS.com", "localhost", "127.0.0.1",
    "phantom.example", "Phantom-DE.Example.ORG", "[::1]", "[2001:DB8::5]",
]
PATHS = ["", "/", "/", "/phantom", "/api/v1", "/svc/a-b_c.d~e/Z9"]
NON_DEFAULT_PORTS = {"http": [8445, 8080, 443, 1, 65535], "https": [8445, 4443, 80, 8443]}
DEFAULT_PORT = {"http": 80, "https": 443}
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "RegionOne", "hotel"]
SERVICES = ["autoscaling", "autoscaling", "ec2", "service", "phantom"]

TRICKY_VALUES = [
    "", "", " ", "a b", "two  spaces", "a+b", "1*2", "~tilde~", "/path/x", "k=v",
    "a&b", "100%", "why?", "#hash", "a;b", "café", "naïve résumé", "Ñandú", "ß",
    "e\u0301", "東京", "名前テスト", "😀", "🚀 launch", "\u00a0nbsp", "\u200bzw",
    "mixed é 東 😀 + / = & % ? #", "tab\tand\nnewline", '"quoted"', "<x>&amp;",
    "back\\slash", "^`{|}[]'", "Ω≈ç√", "hotel:2,sierra:-1", "name@cloud",
    "%20", "%2B", "+", "=", "&", "~", "*", "/", "?", "#", "%",
]
TRICKY_NAMES = [
    "Tag Name", "x+y", "a*b", "k~", "p/q", "eq=", "amp&x", "pct%", "q?", "h#",
    "café", "名前", "😀key", "Zé", "Za", "x.y", "x/y", "k0", "k?", "A-b", "A/b",
    "a_b", "a.b", "Param 1", "ünïcödé", "z", "_under", "~start", "-dash",
    "9num", "semi;colon", "Ω", "%41", "plus+",
]
# Pairs whose order differs between v2_form (raw names) and v4_query (encoded).
ORDER_FLIP_PAIRS = [
    ("Zé", "Za"), ("x.y", "x/y"), ("k0", "k?"), ("A-b", "A/b"), ("名前", "z"),
    ("Tag.9", "Tag/1"), ("m~", "m😀"),
]
TAG_KEYS = [
    "PHANTOM_DEFINITION", "clouds", "minimum_vms", "maximum_vms", "metric",
    "sample_function", "monitor_sensors", "scale_up_threshold", "cooldown_period",
]
TAG_VALUES = [
    "error_overflow_n_preserving", "sensor_engine", "hotel:2,sierra:-1", "0", "3",
    "CPUUtilization", "Average", "cpu.user,cpu.idle", "0.75", "300", "",
]
ZONES = ["us-east-1", "us-east-1a", "hotel", "sierra", "alamo", "foxtrot", "zone é", "区域"]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_AK = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " -_.~!*'();:@&=+$,/?#[]%\"<>\\^`{|}"
    "éèüñçåøßÆ€£¥©" "東京日本語中文한국어" "😀🚀🎉👍🏽"
)


def random_time(rng):
    start = datetime.datetime(2011, 1, 1, tzinfo=datetime.timezone.utc)
    seconds = rng.randrange(0, 25 * 365 * 86400)
    return (start + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_text(rng, lo=0, hi=24):
    return "".join(rng.choice(_CHARS) for _ in range(rng.randint(lo, hi)))


def random_value(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(TRICKY_VALUES)
    if r < 0.9:
        return random_text(rng)
    return "".join(rng.choice(_B64) for _ in range(rng.randint(40, 240))) + "=="


def random_url(rng, allow_ipv6=True):
    scheme = rng.choice(["http", "https"])
    hosts = HOSTS if allow_ipv6 else [h for h in HOSTS if not h.startswith("[")]
    host = rng.choice(hosts)
    r = rng.random()
    if r < 0.4:
        port = ""
    elif r < 0.6:
        port = ":%d" % DEFAULT_PORT[scheme]
    else:
        port = ":%d" % rng.choice(NON_DEFAULT_PORTS[scheme])
    return "%s://%s%s%s" % (scheme, host, port, rng.choice(PATHS))


def random_params(rng, reserved=()):
    params = [("Action", rng.choice(ACTIONS))]
    if rng.random() < 0.8:
        params.append(("Version", "2011-01-01"))
    groups = rng.sample(["zones", "tags", "tricky", "flip", "lc", "sizes", "names"],
                        rng.randint(0, 4))
    for g in groups:
        if g == "zones":
            for i in range(1, rng.randint(1, 12) + 1):
                params.append(("AvailabilityZones.member.%d" % i, rng.choice(ZONES)))
        elif g == "tags":
            for i in range(1, rng.randint(1, 7) + 1):
                params += [
                    ("Tags.member.%d.Key" % i, rng.choice(TAG_KEYS)),
                    ("Tags.member.%d.Value" % i,
                     rng.choice(TAG_VALUES) if rng.random() < 0.6 else random_value(rng)),
                    ("Tags.member.%d.ResourceId" % i, "asg-" + random_text(rng, 1, 8)),
                    ("Tags.member.%d.ResourceType" % i, "auto-scaling-group"),
                    ("Tags.member.%d.PropagateAtLaunch" % i, rng.choice(["true", "false", "TRUE"])),
                ]
        elif g == "tricky":
            for name in rng.sample(TRICKY_NAMES, rng.randint(1, 6)):
                params.append((name, random_value(rng)))
        elif g == "flip":
            for a, b in rng.sample(ORDER_FLIP_PAIRS, rng.randint(1, 3)):
                params += [(a, random_value(rng)), (b, random_value(rng))]
        elif g == "lc":
            params += [
                ("ImageId", "ami-%08x" % rng.randrange(1 << 32)),
                ("InstanceType", rng.choice(["m1.small", "m1.large", "t2.micro"])),
                ("LaunchConfigurationName", random_text(rng, 1, 10) + "@" + rng.choice(ZONES)),
                ("UserData", "".join(rng.choice(_B64) for _ in range(rng.randint(4, 200))) + "="),
                ("KeyName", rng.choice(["phantomkey", "my key", "clé"])),
            ]
        elif g == "sizes":
            params += [("MinSize", str(rng.randint(0, 9))), ("MaxSize", str(rng.randint(0, 99))),
                       ("DesiredCapacity", str(rng.randint(0, 9)))]
        elif g == "names":
            for i in range(1, rng.randint(1, 11) + 1):
                params.append(("AutoScalingGroupNames.member.%d" % i, random_value(rng)))
    seen, unique = set(), []
    for k, v in params:
        if k in seen or k in reserved:
            continue
        seen.add(k)
        unique.append([k, v])
    rng.shuffle(unique)
    return unique


def random_credentials(rng, with_token):
    ak = "AKIA" + "".join(rng.choice(_AK) for _ in range(16))
    sk = "".join(rng.choice(_B64) for _ in range(40))
    token = None
    if with_token:
        token = "".join(rng.choice(_B64) for _ in range(rng.randint(16, 240))) + rng.choice(["", "=", "=="])
    return ak, sk, token


def random_input(rng, scheme, method, with_token, allow_ipv6=True):
    ak, sk, token = random_credentials(rng, with_token)
    return {
        "scheme": scheme,
        "method": method,
        "url": random_url(rng, allow_ipv6=allow_ipv6),
        "params": random_params(rng, reserved=RESERVED_PARAMS),
        "access_key": ak,
        "secret_key": sk,
        "session_token": token,
        "region": rng.choice(REGIONS),
        "service": rng.choice(SERVICES),
        "time": random_time(rng),
    }


INPUT_KEYS = ("scheme", "method", "url", "params", "access_key", "secret_key",
              "session_token", "region", "service", "time")


def canonical_input(inp):
    """The input with its keys in the contract's order."""
    return {k: inp[k] for k in INPUT_KEYS}


def fixed_inputs(scheme, method):
    """A few hand-written inputs placed before the random ones."""
    base = {
        "scheme": scheme, "method": method,
        "access_key": "AKIAIOSFODNN7EXAMPLE",
        "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "session_token": None, "region": "us-east-1", "service": "autoscaling",
        "time": "2026-01-02T03:04:05Z",
    }
    return [canonical_input(i) for i in [
        dict(base, url="https://svc.uc.futuregrid.org:8445",
             params=[["Action", "DescribeAutoScalingGroups"], ["Version", "2011-01-01"]]),
        dict(base, url="https://autoscaling.us-east-1.amazonaws.com:443/",
             session_token="AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
             params=[["Action", "CreateOrUpdateTags"],
                     ["Tags.member.1.Key", "PHANTOM_DEFINITION"],
                     ["Tags.member.1.Value", "error_overflow_n_preserving"],
                     ["Tags.member.1.ResourceId", "my domain"],
                     ["Tags.member.1.ResourceType", "auto-scaling-group"],
                     ["Tags.member.1.PropagateAtLaunch", "true"],
                     ["Tags.member.2.Key", "clouds"],
                     ["Tags.member.2.Value", "hotel:2,sierra:-1"],
                     ["Tags.member.2.ResourceId", "my domain"],
                     ["Tags.member.2.ResourceType", "auto-scaling-group"],
                     ["Tags.member.2.PropagateAtLaunch", "true"]]),
        dict(base, url="http://127.0.0.1:8080/phantom",
             params=[["Action", "CreateLaunchConfiguration"], ["Zé", "é 東 😀"], ["Za", "+ * ~ / = & % ? #"],
                     ["x/y", ""], ["x.y", " "], ["LaunchConfigurationName", "web@hotel"]]),
    ]]


# A session token whose inner runs of spaces the Phantom dialect signs as sent
# (value.strip() trims the ends only) where standard SigV4 collapses them.
INNER_SPACES_TOKEN = "FwoGZXIvYXdz  EXAMPLE   inner    spaces  Token"


def phantom_v4_inputs(method):
    """Hand-written v4-phantom inputs for the dialect's own corners."""
    base = {
        "scheme": "v4-phantom", "method": method,
        "access_key": "AKIAIOSFODNN7EXAMPLE",
        "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "session_token": INNER_SPACES_TOKEN, "region": "us-east-1",
        "service": "autoscaling", "time": "2026-01-02T03:04:05Z",
    }
    return [canonical_input(i) for i in [
        dict(base, url="https://svc.uc.futuregrid.org:8445",
             params=[["Action", "SetDesiredCapacity"], ["AutoScalingGroupName", "my  domain"],
                     ["DesiredCapacity", "2"], ["Version", "2011-01-01"]]),
    ]]

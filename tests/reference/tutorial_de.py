"""The seed tutorial's decision engine, as its Python script does it — sequential requests,
botocore signing, `time.sleep` after each capacity change — for side-by-side benchmarks
(scripts/bench) against the same server as the app. Prints one JSON object:
setup_ms (start → domain created) and every step's planned and actual time.

    .venv/bin/python tests/reference/tutorial_de.py --url http://127.0.0.1:8445 \
        --access-key AK --secret SK [--profile phantom|aws] [--clouds hotel:4,sierra:4] \
        [--steps 1,2,3,4] [--interval 10] [--hold 60] [--final 0] [--zone us-east-1]
"""

import argparse
import http.client
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.auth import SigV2Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class Client:
    """A minimal Auto Scaling Query client signing with botocore."""

    def __init__(self, url, access_key, secret, profile):
        self.url = url.rstrip("/") + "/"
        self.parsed = urllib.parse.urlsplit(self.url)
        self.credentials = Credentials(access_key, secret)
        self.profile = profile

    def call(self, action, params=()):
        all_params = [("Action", action), ("Version", "2011-01-01"), *params]
        get = self.profile == "phantom" and action.startswith("Describe")
        if self.profile == "phantom":
            request = AWSRequest(method="GET" if get else "POST", url=self.url,
                                 params=dict(all_params) if get else None,
                                 data=None if get else dict(all_params))
            SigV2Auth(self.credentials).add_auth(request)
        else:
            request = AWSRequest(method="POST", url=self.url, data=urllib.parse.urlencode(all_params),
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            SigV4Auth(self.credentials, "autoscaling", "us-east-1").add_auth(request)
        prepared = request.prepare()
        target = urllib.parse.urlsplit(prepared.url)
        path = target.path + (f"?{target.query}" if target.query else "")
        conn = http.client.HTTPConnection(self.parsed.hostname, self.parsed.port, timeout=30)
        headers = {k: v for k, v in prepared.headers.items()}
        headers.setdefault("Accept", "text/xml")
        conn.request(prepared.method, path, body=prepared.body, headers=headers)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        conn.close()
        if response.status >= 300:
            raise RuntimeError(f"{action}: HTTP {response.status} {response.reason}: {body[:200]}")
        return ET.fromstring(body)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def names(root, element):
    return [e.text or "" for e in root.iter() if local(e.tag) == element]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--profile", choices=["phantom", "aws"], default="phantom")
    p.add_argument("--clouds", default="hotel:4,sierra:4")
    p.add_argument("--lc", default="my_launch_config")
    p.add_argument("--domain", default="my_domain")
    p.add_argument("--steps", default="1,2,3,4")
    p.add_argument("--interval", type=float, default=10.0)
    p.add_argument("--hold", type=float, default=60.0)
    p.add_argument("--final", type=int, default=0)
    p.add_argument("--zone", default="us-east-1")
    a = p.parse_args()
    client = Client(a.url, a.access_key, a.secret, a.profile)
    clouds = [c.split(":")[0] for c in a.clouds.split(",")]
    steps = [int(s) for s in a.steps.split(",")]

    start = time.monotonic()
    existing = names(client.call("DescribeLaunchConfigurations"), "LaunchConfigurationName")
    for cloud in clouds:
        name = f"{a.lc}@{cloud}"
        if name not in existing:
            client.call("CreateLaunchConfiguration", [
                ("LaunchConfigurationName", name), ("ImageId", "hello-phantom.gz"),
                ("KeyName", "phantomkey"), ("SecurityGroups.member.1", "default"), ("InstanceType", "m1.small")])
    groups = names(client.call("DescribeAutoScalingGroups", [("AutoScalingGroupNames.member.1", a.domain)]),
                   "AutoScalingGroupName")
    if a.domain in groups:
        client.call("DeleteAutoScalingGroup", [("AutoScalingGroupName", a.domain), ("ForceDelete", "true")])
        while a.domain in names(client.call("DescribeAutoScalingGroups",
                                            [("AutoScalingGroupNames.member.1", a.domain)]), "AutoScalingGroupName"):
            time.sleep(0.2)
    tags = [("PHANTOM_DEFINITION", "error_overflow_n_preserving"), ("clouds", a.clouds), ("minimum_vms", "0")]
    params = [("AutoScalingGroupName", a.domain), ("LaunchConfigurationName", f"{a.lc}@{clouds[0]}"),
              ("MinSize", "0"), ("MaxSize", str(0 if a.profile == "phantom" else max(steps))),
              ("AvailabilityZones.member.1", a.zone)]
    for i, (k, v) in enumerate(tags, 1):
        params += [(f"Tags.member.{i}.Key", k), (f"Tags.member.{i}.Value", v),
                   (f"Tags.member.{i}.ResourceId", a.domain), (f"Tags.member.{i}.ResourceType", "auto-scaling-group"),
                   (f"Tags.member.{i}.PropagateAtLaunch", "true")]
    client.call("CreateAutoScalingGroup", params)
    setup_ms = (time.monotonic() - start) * 1000

    # The tutorial's pattern: change the capacity, then sleep; latency adds up.
    ramp_start = time.monotonic()
    records = []
    for i, capacity in enumerate(steps):
        actual = (time.monotonic() - ramp_start) * 1000
        client.call("SetDesiredCapacity", [("AutoScalingGroupName", a.domain), ("DesiredCapacity", str(capacity))])
        records.append({"planned_ms": i * a.interval * 1000, "actual_ms": actual, "capacity": capacity})
        if i + 1 < len(steps):
            time.sleep(a.interval)
    time.sleep(a.hold)
    actual = (time.monotonic() - ramp_start) * 1000
    client.call("SetDesiredCapacity", [("AutoScalingGroupName", a.domain), ("DesiredCapacity", str(a.final))])
    records.append({"planned_ms": ((len(steps) - 1) * a.interval + a.hold) * 1000, "actual_ms": actual, "capacity": a.final})
    for r in records:
        r["lateness_ms"] = r["actual_ms"] - r["planned_ms"]
    print(json.dumps({"setup_ms": setup_ms, "steps": records}))


if __name__ == "__main__":
    main()

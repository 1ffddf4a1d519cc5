"""Start moto on 127.0.0.1 with authentication enforced and an IAM user allowed to use
Auto Scaling; print one JSON line {"url", "access_key", "secret_key"}; stop moto when stdin
closes, on SIGTERM, or after --exit-after seconds (default 600).

    .venv/bin/python tests/support/moto_with_user.py [--exit-after SECONDS]
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import boto3

POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["autoscaling:*", "ec2:*"], "Resource": "*"}],
})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exit-after", type=float, default=600)
    args = parser.parse_args()

    port = free_port()
    server = os.path.join(os.path.dirname(sys.executable), "moto_server")
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="4")
    moto = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def stop(*_):
        moto.terminate()
        try:
            moto.wait(timeout=5)
        except subprocess.TimeoutExpired:
            moto.kill()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    threading.Timer(args.exit_after, stop).start()

    deadline = time.time() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.time() > deadline:
                print("moto did not start", file=sys.stderr)
                stop()
            time.sleep(0.05)

    url = f"http://127.0.0.1:{port}"
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="setup", aws_secret_access_key="setup")
    iam.create_user(UserName="pde-e2e")
    key = iam.create_access_key(UserName="pde-e2e")["AccessKey"]
    arn = iam.create_policy(PolicyName="pde-autoscaling", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="pde-e2e", PolicyArn=arn)
    print(json.dumps({"url": url, "access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}), flush=True)

    sys.stdin.read()  # until the test closes our stdin
    stop()


if __name__ == "__main__":
    main()

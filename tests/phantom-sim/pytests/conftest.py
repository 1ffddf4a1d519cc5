"""Fixtures for the phantom-sim cross-checks.

The simulator binary comes from the environment variable PHANTOM_SIM_BIN,
or target/debug/phantom-sim under the repository root. Each test starts its
own simulator on a free loopback port with --exit-after, so nothing is left
running even if the test process dies.
"""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
ACCESS_KEY = "AKIDPYTEST"
SECRET_KEY = "py/s3cr3t+Key=="


def sim_binary():
    path = pathlib.Path(os.environ.get("PHANTOM_SIM_BIN", "target/debug/phantom-sim"))
    if not path.is_absolute():
        path = REPO / path
    if not path.is_file():
        pytest.fail(
            f"phantom-sim binary not found at {path}; build it "
            "(cargo build -p phantom-sim) and/or set PHANTOM_SIM_BIN",
            pytrace=False,
        )
    return path


class Sim:
    def __init__(self, *extra):
        args = [
            str(sim_binary()),
            "--listen", "127.0.0.1:0",
            "--exit-after", "60",
            "--control",
            "--credentials", f"{ACCESS_KEY}:{SECRET_KEY}",
            *extra,
        ]
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        line = self.proc.stdout.readline().decode()
        prefix = "phantom-sim listening on http://127.0.0.1:"
        if not line.startswith(prefix):
            self.stop()
            raise RuntimeError(f"unexpected first line from phantom-sim: {line!r}")
        self.port = int(line[len(prefix):].strip())
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def start_sim():
    started = []

    def start(*extra):
        sim = Sim(*extra)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def sim(start_sim):
    return start_sim("--boot-seconds", "0.2")

"""Real servers for tests that need them: uvicorn processes on loopback serving the ASGI app
(pages and /ws/) against the test database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AsgiServer:
    """uvicorn serving intranet.asgi against the test database: pages and /ws/ alike."""

    def __init__(self, *, database: str):
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        settings = connection.settings_dict
        host = settings["HOST"] or "localhost"
        netloc = host.replace("/", "%2F") + (f":{settings['PORT']}" if settings["PORT"] else "")
        env = {k: v for k, v in os.environ.items() if k != "PLEIN_DB_POOL"}
        env["DATABASE_URL"] = f"postgresql://{settings['USER']}@{netloc}/{database}"
        env["DJANGO_ALLOW_ASYNC_UNSAFE"] = ""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "intranet.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--lifespan",
                "off",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)  # noqa: S310 - loopback
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.2)
        raise RuntimeError("uvicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

"""`make run` as a newcomer runs it: embedded PostgreSQL and Redis, a deep clone path, first and
second start, Ctrl-C. Runs the real launcher in a child process; takes about half a minute."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from intranet.embedded import EmbeddedPostgres, EmbeddedRedis
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


def get(url: str) -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def start(var_dir: Path, port: int) -> tuple[subprocess.Popen, float, list[str]]:
    # A newcomer's shell: no service URLs, so the launcher starts the embedded servers.
    unset = {"DATABASE_URL", "REDIS_URL", "PLEIN_ENV", "PLEIN_DB_POOL", "REDIS_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(PLEIN_VAR_DIR=str(var_dir), HOST="127.0.0.1", PORT=str(port))
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "intranet.launcher", "run"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    deadline = started + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "[plein] stop with Ctrl-C" in line:
            break
    # The supervisor has started web, worker and beat; wait for the web server to answer.
    while time.monotonic() < deadline:
        try:
            if get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return process, time.monotonic() - started, lines
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("make run did not come up:\n" + "".join(lines))


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)  # what Ctrl-C sends
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def test_make_run_first_and_second_start_in_a_deep_path(tmp_path):
    var_dir = tmp_path / ("a" * 60) / ("b" * 60) / "var"  # far beyond the unix socket limit
    port = free_port()

    process, first, lines = start(var_dir, port)
    output = "".join(lines)
    assert "Demo organisation ready" in output
    assert f"open http://127.0.0.1:{port}/" in output
    assert "beheer@plein.example" in output
    status, location = get(f"http://127.0.0.1:{port}/")
    assert status == 302 and location.startswith("/accounts/login/")
    status, page = get(f"http://127.0.0.1:{port}/accounts/login/")
    assert status == 200 and 'name="login"' in page
    tail = stop(process)
    assert "stopping embedded PostgreSQL" in tail and "stopping embedded Redis" in tail
    assert not (var_dir / "postgres" / "postmaster.pid").exists()

    process, second, lines = start(var_dir, port)
    output = "".join(lines)
    assert "demo data left as it is" in output  # data persisted in var/
    stop(process)
    assert second < first
    print(f"\nmake run: first start {first:.1f}s, second start {second:.1f}s")


def test_embedded_servers_use_short_sockets_and_stop_cleanly(tmp_path):
    deep = tmp_path / ("x" * 80) / ("y" * 80)
    postgres = EmbeddedPostgres(data_dir=deep / "pg")
    redis_server = EmbeddedRedis(data_dir=deep / "redis")
    try:
        database_url = postgres.start()
        redis_url = redis_server.start()
        socket_path = re.match(r"unix://([^?]+)", redis_url).group(1)
        assert len(socket_path) < 100
        import psycopg
        import redis

        host = re.search(r"@([^/]+)/", database_url).group(1).replace("%2F", "/")
        assert len(host) < 100
        with psycopg.connect(host=host, user="postgres", dbname="plein") as connection:
            extensions = {
                row[0] for row in connection.execute("SELECT name FROM pg_available_extensions")
            }
        assert {"pg_trgm", "btree_gist"} <= extensions
        assert redis.Redis.from_url(redis_url).ping()
    finally:
        redis_server.stop()
        postgres.stop()
    assert not (deep / "pg" / "postmaster.pid").exists()

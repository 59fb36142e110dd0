"""`make run`, `make test` and `make serve-prod` in one small supervisor.

It starts the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are not set, checks
that both answer (a clear message instead of a traceback when they do not), prepares the
database, and then runs the processes in the foreground. Ctrl-C (or SIGTERM) stops every child
first and the embedded servers last, so nothing is left running and no data is lost.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from intranet.embedded import EmbeddedPostgres, EmbeddedRedis, remove_tree

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("PLEIN_VAR_DIR", ROOT / "var"))
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[plein] {message}", flush=True)


def start_services(*, stack: ExitStack, data_dir: Path) -> dict[str, str]:
    """Embedded servers for whichever URL the environment does not give."""
    env: dict[str, str] = {}
    if not os.environ.get("DATABASE_URL"):
        postgres = EmbeddedPostgres(data_dir=data_dir / "postgres")
        started = time.monotonic()
        env["DATABASE_URL"] = postgres.start()
        stack.callback(_stopping, "PostgreSQL", postgres.stop)
        log(f"embedded PostgreSQL ready in {time.monotonic() - started:.1f}s")
    if not os.environ.get("REDIS_URL"):
        redis = EmbeddedRedis(data_dir=data_dir / "redis")
        env["REDIS_URL"] = redis.start()
        stack.callback(_stopping, "Redis", redis.stop)
        log("embedded Redis ready")
    return env


def _stopping(name: str, stop) -> None:
    log(f"stopping embedded {name}")
    stop()


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def child_env(extra: dict[str, str], **defaults: str) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in defaults.items():
        env.setdefault(key, value)
    env.update(extra)
    return env


def supervise(commands: dict[str, list[str]], *, env: dict[str, str]) -> int:
    """Run the processes until one exits or we are told to stop; then stop them all."""
    children: dict[str, subprocess.Popen] = {}
    stopping = False
    crashed: str | None = None

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        for name, command in commands.items():
            # Each child in its own process group: Ctrl-C reaches only this supervisor, which
            # then stops the children in order (web first, embedded servers last).
            children[name] = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    log(f"{name} exited with code {child.returncode}; stopping the others")
                    stopping, crashed = True, name
                    break
            time.sleep(0.2)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    log("all processes stopped")
    return 1 if crashed else 0


def prepare(*, env: dict[str, str]) -> None:
    manage("check_services", env=env)
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("compile_catalogues", env=env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)


def cmd_run(args: argparse.Namespace) -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    started = time.monotonic()
    with ExitStack() as stack:
        env = child_env(start_services(stack=stack, data_dir=VAR), PLEIN_ENV="development")
        prepare(env=env)
        manage("seed_demo", "--first-start", env=env)
        url = f"http://{host}:{port}/"
        log(f"ready in {time.monotonic() - started:.1f}s: open {url}")
        log("demo logins (password for all: plein-demo):")
        log("  administrator: beheer@plein.example")
        log("  managers: chris.dekker@plein.example, mary.jansen@plein.example,")
        log("            steve.bakker@plein.example, sandy.visser@plein.example")
        log("stop with Ctrl-C")
        commands = {
            "web": [
                PYTHON, "-m", "uvicorn", "intranet.asgi:application",
                "--host", host, "--port", port, "--no-access-log", "--lifespan", "off",
            ],
            "worker": [PYTHON, "-m", "celery", "-A", "intranet", "worker",
                       "--loglevel", "INFO", "--concurrency", "2"],
            "beat": [PYTHON, "-m", "celery", "-A", "intranet", "beat", "--loglevel", "INFO",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        }  # fmt: skip
        return supervise(commands, env=env)


def cmd_serve_prod(args: argparse.Namespace) -> int:
    """The production topology without Docker: pages through a WSGI server (gunicorn), `/ws/`
    through an ASGI server (uvicorn), plus worker and beat. docker-compose.yml puts a reverse
    proxy in front that joins the two ports; here the page tells the browser where `/ws/` is."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    ws_port = int(os.environ.get("WS_PORT", str(port + 1)))
    workers = os.environ.get("WEB_WORKERS", str(os.cpu_count() or 2))
    with ExitStack() as stack:
        env = child_env(
            start_services(stack=stack, data_dir=VAR),
            PLEIN_ENV="development",
            WEBSOCKET_URL=f"ws://{host}:{ws_port}/ws/",
        )
        env["DJANGO_DEBUG"] = "0"
        prepare(env=env)
        manage("seed_demo", "--first-start", env=env)
        log(f"pages on http://{host}:{port}/ (gunicorn, {workers} workers), /ws/ on port {ws_port}")
        commands = {
            "web": [PYTHON, "-m", "gunicorn", "intranet.wsgi:application", "--bind",
                    f"{host}:{port}", "--workers", workers, "--access-logfile", "-"],
            "ws": [PYTHON, "-m", "uvicorn", "intranet.asgi:application", "--host", host,
                   "--port", str(ws_port), "--no-access-log", "--lifespan", "off",
                   "--workers", os.environ.get("WS_WORKERS", "2")],
            "worker": [PYTHON, "-m", "celery", "-A", "intranet", "worker", "--loglevel", "INFO"],
            "beat": [PYTHON, "-m", "celery", "-A", "intranet", "beat", "--loglevel", "INFO",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        }  # fmt: skip
        return supervise(commands, env=env)


def cmd_test(args: argparse.Namespace) -> int:
    """The whole pytest suite against real PostgreSQL and Redis: the ones the environment names
    (CI), or embedded ones in a throwaway directory."""
    scratch = Path(tempfile.mkdtemp(prefix="plein-test-"))
    with ExitStack() as stack:
        stack.callback(remove_tree, scratch)
        env = child_env(start_services(stack=stack, data_dir=scratch), PLEIN_ENV="test")
        manage("check_services", env=env)
        manage("compile_catalogues", env=env)
        result = subprocess.run([PYTHON, "-m", "pytest", *args.pytest_args], env=env, cwd=ROOT)
        return result.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intranet.launcher")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="development: ASGI server, worker and beat").set_defaults(
        func=cmd_run
    )
    sub.add_parser("serve-prod", help="production topology without Docker").set_defaults(
        func=cmd_serve_prod
    )
    test = sub.add_parser("test", help="pytest against real PostgreSQL and Redis")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test.set_defaults(func=cmd_test)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except subprocess.CalledProcessError as error:
        # The child already printed what went wrong in plain words; no traceback on top.
        log(f"stopped: '{' '.join(map(str, error.cmd[1:3]))}' failed (exit {error.returncode})")
        return error.returncode or 1
    except RuntimeError as error:
        log(f"stopped: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())

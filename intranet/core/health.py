"""Can Plein reach its services? Used by /healthz and by `manage.py check_services` (which
`make run` calls before migrating), so both say the same thing in the same words."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection
from kombu import Connection


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _describe(error: Exception) -> str:
    # The first line of a driver error is the useful part ("connection refused", ...).
    text = str(error).strip().splitlines()
    return text[0] if text else error.__class__.__name__


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "not reachable"
        connection.close()
        return Check("database", False, _describe(error))
    return Check("database", True, "ok")


def check_redis() -> Check:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except Exception as error:
        return Check("redis", False, _describe(error))
    finally:
        client.close()
    return Check("redis", True, "ok")


def check_broker() -> Check:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return Check("broker", False, _describe(error))
    return Check("broker", True, "ok")


def run_checks() -> list[Check]:
    return [check_database(), check_redis(), check_broker()]

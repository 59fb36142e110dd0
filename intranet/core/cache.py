"""Django's Redis cache, with one redis-py client per connection pool instead of a new one
for every cache call. Building a client copies redis-py's table of ~170 response callbacks;
pages make several cache calls, and that copying cost more than the Redis round trips. The
client is thread-safe: it takes a connection from the pool for each command."""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class _ReusingClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient


class Generation:
    """A counter in Redis per thing (a space's topics, a board) that every change bumps, so
    rendered fragments cached under the old number are never served again; every worker sees
    the same counter."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def _key(self, ident: int) -> str:
        return f"{self.prefix}:gen:{ident}"

    def bump(self, ident: int) -> None:
        from django.core.cache import cache

        try:
            cache.incr(self._key(ident))
        except ValueError:
            cache.set(self._key(ident), 1, timeout=None)

    def changing(self, ident: int) -> None:
        """Inside a service's transaction: bump now, and again once the write is committed,
        so a fragment another worker rendered from the old rows in between is not reused."""
        from django.db import transaction

        self.bump(ident)
        transaction.on_commit(lambda: self.bump(ident))

    def key(self, ident: int, *parts) -> str:
        from django.core.cache import cache

        generation = cache.get(self._key(ident)) or 0
        return ":".join(str(p) for p in (self.prefix, ident, generation, *parts))

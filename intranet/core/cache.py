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

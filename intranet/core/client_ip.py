"""The client's address, the one way Plein reads it (allauth's login limits through
profiles.adapters, and anything else that counts or records per address).

Behind a reverse proxy every connection comes from the proxy, so REMOTE_ADDR is the proxy's
address. The proxy says who it talked to in X-Forwarded-For, but a client can send that header
too: only the entries that our own proxies appended are believed. Configured from the
environment (README, "Configuration"):

- TRUSTED_PROXY_COUNT (default 0): how many proxies of ours stand in front of Plein. 0 ignores
  X-Forwarded-For altogether (Plein is reached directly). With n proxies, each appends the
  address it saw, so the client is the n-th entry from the right; everything left of it was
  written by the client and is ignored.
- TRUSTED_CLIENT_IP_HEADER (default empty): instead, a header that the proxy sets to the client
  address and overwrites whatever the client sent (for example X-Real-IP).

Both become allauth's ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER and DRF's
NUM_PROXIES in settings, so every library agrees with this function.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def _clean(value: str | None) -> str | None:
    """An address as text, without port or brackets; None when it is not an address."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent `request`, as far as our own proxies vouch for it.
    Always an address (the connection's own when nothing better is known)."""
    remote = _clean(request.META.get("REMOTE_ADDR")) or "0.0.0.0"  # noqa: S104 - a value, no bind
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header:
        return _clean(request.headers.get(header)) or remote
    count = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.headers.get("X-Forwarded-For", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    if len(hops) < count:
        # Fewer entries than proxies: one of ours did not append. The left-most entry was
        # still written by one of ours; say so in the log rather than fail the request.
        logger.warning(
            "X-Forwarded-For has %d entries but TRUSTED_PROXY_COUNT is %d", len(hops), count
        )
        return _clean(hops[0]) or remote
    return _clean(hops[-count]) or remote

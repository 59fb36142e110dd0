"""Where a webhook may send to, and sending there (no server-side request forgery).

A webhook makes Plein's server send requests to an address someone typed in. Without care that
reaches what only the server can reach: the cloud's metadata service (credentials), the
database, Redis, the admin pages of the router. So:

- at subscribe time the address must be http(s), without a user name or password in it, and not
  name a forbidden host or address (`check_url`);
- at every delivery the host name is resolved again, *every* address it resolves to is vetted,
  and the connection goes to the vetted address itself (`post`), so a name that resolves to a
  public address when checked and to 169.254.169.254 a moment later (DNS rebinding) gains
  nothing. TLS still verifies the certificate against the host name.
- redirects are not followed (a 3xx is a failed delivery), the answer is read only up to
  RESPONSE_LIMIT bytes, and every step has a timeout.

Link-local and metadata addresses are refused always. Private and loopback ranges are refused
unless settings.PLEIN_WEBHOOKS_ALLOW_PRIVATE is on (an organisation whose receivers live on its
own network; tests, whose receiver listens on loopback)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Names that lead to cloud metadata services whatever they resolve to.
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
# Shared address space (carrier-grade NAT): not the public internet either.
SHARED = ipaddress.ip_network("100.64.0.0/10")
RESPONSE_LIMIT = 64 * 1024
MAX_URL = 500


def allow_private() -> bool:
    return bool(getattr(settings, "PLEIN_WEBHOOKS_ALLOW_PRIVATE", False))


def timeout() -> float:
    return float(getattr(settings, "PLEIN_WEBHOOKS_TIMEOUT", 10))


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why Plein will not send to `ip`, or None."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:169.254.169.254 is 169.254.169.254
    if ip in METADATA_ADDRESSES:
        return _("This is a cloud metadata address; webhooks never go there.")
    if ip.is_link_local:
        return _("This is a link-local address; webhooks never go there.")
    if ip.is_unspecified or ip.is_multicast or ip == ipaddress.ip_address("255.255.255.255"):
        return _("This address cannot receive webhooks.")
    private = ip.is_private or ip.is_loopback or ip.is_reserved or ip in SHARED
    if private and not allow_private():
        return _(
            "This address is on a private or internal network; webhooks go only to public "
            "addresses."
        )
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (a name, or an address without brackets)
    port: int
    path: str  # path and query, as sent in the request line


def check_url(url: str) -> Target:
    """The address, parsed, or a ValidationError that says what is wrong with it. Checks what
    can be checked without the network; `resolve` checks where the name leads."""
    url = (url or "").strip()
    if not url:
        raise ValidationError(_("Enter the address to send to."))
    if len(url) > MAX_URL:
        raise ValidationError(_("Keep the address to %(n)d characters.") % {"n": MAX_URL})
    if any(ord(c) < 33 or c == "\\" for c in url):
        raise ValidationError(_("The address may not contain spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("This is not a valid web address.")) from error
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("The address must start with https:// (or http://)."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError(
            _("Leave the user name and password out of the address; use the signing secret.")
        )
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ValidationError(_("The address has no host name."))
    if host in METADATA_HOSTS:
        raise ValidationError(_("This is a cloud metadata address; webhooks never go there."))
    if (host == "localhost" or host.endswith(".localhost")) and not allow_private():
        raise ValidationError(
            _(
                "This address is on a private or internal network; webhooks go only to "
                "public addresses."
            )
        )
    literal = _literal(host)
    if literal is not None:
        reason = address_refusal(literal)
        if reason:
            raise ValidationError(reason)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        scheme=parts.scheme,
        host=host,
        port=port or (443 if parts.scheme == "https" else 80),
        path=path,
    )


def _literal(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # Old spellings of IPv4 that resolvers still accept: 2852039166, 0xa9.0xfe.0xa9.0xfe.
    try:
        return ipaddress.ip_address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def resolve(target: Target) -> str:
    """The address to connect to: the host name resolved now, every answer vetted (one bad
    answer refuses them all: a resolver may hand out either). Raises ValidationError."""
    try:
        answers = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ValidationError(
            _("The host name %(host)s could not be found.") % {"host": target.host[:100]},
            code="not_found",
        ) from error
    vetted = []
    for _family, _type, _proto, _name, sockaddr in answers:
        ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
        reason = address_refusal(ip)
        if reason:
            raise ValidationError(reason)
        vetted.append(str(ip))
    if not vetted:
        raise ValidationError(
            _("The host name %(host)s could not be found.") % {"host": target.host[:100]},
            code="not_found",
        )
    return vetted[0]


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, unreachable, timed out)
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, *, body: bytes, headers: dict[str, str], wait: float | None = None) -> Answer:
    """POST `body` to `url` after vetting where it leads; never raises for network trouble
    (the Answer says what happened)."""
    started = time.monotonic()

    def answer(status=None, excerpt="", error=""):
        return Answer(status, excerpt, error[:300], int((time.monotonic() - started) * 1000))

    try:
        target = check_url(url)
        ip = resolve(target)
    except ValidationError as refused:
        return answer(error=" ".join(refused.messages))
    seconds = timeout() if wait is None else wait
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=seconds, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=seconds)
    # Connect to the vetted address, not to whatever the name resolves to a moment later; the
    # Host header and the TLS certificate check still use the name.
    connection._create_connection = lambda _address, timeout, source=None: socket.create_connection(
        (ip, target.port), timeout, source
    )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(RESPONSE_LIMIT)
        excerpt = raw[:500].decode("utf-8", errors="replace")
        status = response.status
    except TimeoutError:
        return answer(error=_("No answer within %(s)s seconds.") % {"s": f"{seconds:g}"})
    except ssl.SSLError as error:
        return answer(error=_("Secure connection failed: %(e)s") % {"e": error.reason or error})
    except (OSError, http.client.HTTPException) as error:
        return answer(error=_("Connection failed: %(e)s") % {"e": type(error).__name__})
    finally:
        connection.close()
    if 300 <= status < 400:
        return answer(
            status,
            excerpt,
            _("The receiver answered with a redirect; webhooks do not follow redirects."),
        )
    return answer(status, excerpt, "" if 200 <= status < 300 else _("The receiver refused it."))

"""Where a remote SPARQL store lives and how to log in: URLs, user, password, auth scheme.

Why a separate object: a real server has up to three URLs (Virtuoso answers anonymous
queries at ``/sparql`` but updates only at ``/sparql-auth``), and the password must travel
with them without ever reaching a message. Every URL shown to a user goes through
:func:`redact`, and every message built from a server's answer through :func:`scrub`.

Credentials written into a URL (``http://user:secret@host/sparql``) are taken out of it
here, so they work (sent as an ``Authorization`` header, never as part of the URL) and
the URL is shown without them.

No click here (library code): the command line reads the password from the environment
or a prompt and passes it in.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlsplit, urlunsplit

from .errors import InputError

#: Default overall deadline of one request, in seconds (``--timeout``).
DEFAULT_TIMEOUT = 60.0
#: New attempts after an HTTP 429 or 503 answer (each after a growing pause).
DEFAULT_RETRIES = 4
#: Environment variable holding the password of ``--user``.
PASSWORD_ENV = "NORMSPACE_ENDPOINT_PASSWORD"
#: ``--auth`` values: ``auto`` answers whatever scheme the server's 401 challenge names.
AUTH_MODES = ("auto", "basic", "digest")


@dataclass(frozen=True)
class EndpointConfig:
    """A remote store: query URL, update URL (None: read-only), credentials and limits."""

    query_url: str
    update_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "auto"
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings no message may contain: the password and the Basic token carrying it."""
        if not self.password:
            return ()
        token = base64.b64encode(f"{self.user or ''}:{self.password}".encode()).decode()
        return (self.password, token)

    def shown(self, url: str | None = None) -> str:
        """A URL as it may be printed (no credentials)."""
        return redact(url or self.query_url)


def endpoint_config(
    query_url: str,
    update_url: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
) -> EndpointConfig:
    """Check the URLs and the options and put them together.

    Credentials in a URL are moved out of it; they count like ``--user`` and the password
    option, and a different ``--user`` is a usage error (which one would be meant?).

    >>> c = endpoint_config("http://ann:s%40cret@h:8890/sparql")
    >>> (c.query_url, c.user, c.password == "s@cret")
    ('http://h:8890/sparql', 'ann', True)
    """
    if auth not in AUTH_MODES:
        raise InputError(f"--auth must be one of {', '.join(AUTH_MODES)}, not `{auth}`")
    if timeout is not None and not timeout > 0:
        raise InputError(f"--timeout must be a positive number of seconds, not {timeout}")
    query_url, url_user, url_password = split_credentials(query_url)
    check_url(query_url)
    if update_url:
        update_url, update_user, update_password = split_credentials(update_url)
        check_url(update_url)
        url_user = url_user or update_user
        url_password = url_password or update_password
    if user and url_user and user != url_user:
        raise InputError(
            f"--user {user} and the user {url_user} written in the endpoint URL differ; "
            "give the user once"
        )
    user = user or url_user
    password = password if password is not None else url_password
    if password and not user:
        raise InputError("a password was given without a user: add --user NAME")
    return EndpointConfig(
        query_url,
        update_url,
        user,
        password,
        auth,
        DEFAULT_TIMEOUT if timeout is None else float(timeout),
        retries,
    )


def with_password(config: EndpointConfig, password: str | None) -> EndpointConfig:
    """The same configuration with another password (e.g. one typed at a prompt)."""
    return replace(config, password=password)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``(url without user info, user, password)``; user and password percent-decoded.

    >>> split_credentials("https://u:p@example.org:8443/sparql?x=1")
    ('https://example.org:8443/sparql?x=1', 'u', 'p')
    >>> split_credentials("https://example.org/sparql")
    ('https://example.org/sparql', None, None)
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    return clean, unquote(user) or None, unquote(password) if sep else None


def redact(url: str) -> str:
    """A URL with any user info removed, for messages and logs.

    >>> redact("http://dba:secret@127.0.0.1:8890/sparql-auth")
    'http://127.0.0.1:8890/sparql-auth'
    """
    return split_credentials(url)[0]


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced by ``***`` (a server may echo what it got).

    >>> scrub("bad login for dba/s3cret", ("s3cret",))
    'bad login for dba/***'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        ok = False
    else:
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    if not ok:
        raise InputError(
            f"`{redact(url)}` is not an http(s) SPARQL endpoint URL "
            "(e.g. https://example.org/sparql)"
        )

"""E-mail: the mail server's URL, the addresses mail may go to, and one SMTP connection
(the standard library's smtplib) over which messages are sent.

The server is `smtp://[user:password@]host[:port]` (plain, port 25 by default),
`smtp+starttls://` (upgraded to TLS with STARTTLS, port 587) or `smtps://` (TLS from the
start, port 465). Server certificates are verified, against the system's certificate
authorities or those of the file MBP_REGISTRY_SMTP_CAFILE names. A password is sent only
over an encrypted connection and is never printed: messages name the server by
`MailServer.display`, and every message is passed through `mask_password` too.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator
from urllib.parse import unquote, urlsplit

from .errors import Invalid, MailFailed
from .redact import mask_password

if TYPE_CHECKING:
    from email.message import EmailMessage

PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# (Worded so that no part of it reads as a URL with a password, which messages mask.)
URL_FORM = "write it as smtp://host:port, smtp+starttls://host:port or smtps://host:port, a login (user, password) before the host"
CAFILE_ENV_VAR = "MBP_REGISTRY_SMTP_CAFILE"
TIMEOUT_SECONDS = 30
# An address mail can be sent to: a dot-atom local part and a domain of DNS labels with
# a top-level domain (ASCII only; RFC 5321 limits the whole to 254 characters).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


def valid_address(address: str | None) -> bool:
    """Whether mail can be sent to `address`."""
    return bool(address) and len(address) <= 254 and _ADDRESS.fullmatch(address) is not None


def mask_address(address: str | None) -> str | None:
    """An address as a table shows it: "a***@example.nhs.uk"."""
    if not address:
        return address
    local, at, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


def sender(value: str) -> tuple[str, str]:
    """The --from value, "lead@example.nhs.uk" or "Training Lead <lead@example.nhs.uk>",
    as (display name, address)."""
    from email.utils import getaddresses

    found = getaddresses([value])
    if len(found) != 1 or not valid_address(found[0][1]) or any(mark in value for mark in "\r\n"):
        raise Invalid(f"from: {value!r} is not an email address")
    return found[0]


@dataclass(frozen=True)
class MailServer:
    scheme: str
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def display(self) -> str:
        """The server as messages name it, its password as ***."""
        credentials = f"{self.user}{':***' if self.password else ''}@" if self.user else ""
        return f"{self.scheme}://{credentials}{self.host}:{self.port}"


def parse_server(value: str) -> MailServer:
    """The --smtp URL as a MailServer; a malformed URL or an unknown scheme is an error
    that shows the URL with its password hidden."""
    shown = mask_password(value)
    scheme, separator, _ = value.partition("://")
    if not separator or not scheme:
        raise Invalid(f"smtp: {shown!r} is not a mail server URL: {URL_FORM}")
    if scheme.lower() not in PORTS:
        raise Invalid(f"smtp: unknown scheme {scheme!r} in {shown!r}: use smtp://, smtp+starttls:// or smtps://")
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [ of an IPv6 address
        raise Invalid(f"smtp: {shown!r} is not a mail server URL: an IPv6 address is written in [ ]") from None
    try:
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        raise Invalid(f"smtp: {shown!r} is not a mail server URL: the port is not a number from 1 to 65535") from None
    extra = parts.path not in ("", "/") or parts.query or parts.fragment
    if not parts.hostname or extra or any(mark in value for mark in " \t\r\n") or port == 0:
        raise Invalid(f"smtp: {shown!r} is not a mail server URL: {URL_FORM}")
    server = MailServer(
        scheme=scheme.lower(),
        host=parts.hostname,
        port=port or PORTS[scheme.lower()],
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )
    if server.password and server.scheme == "smtp":
        raise Invalid(
            f"smtp: {server.display} would send its password unencrypted: use smtp+starttls:// or smtps://"
        )
    return server


def tls_context():
    """Certificates verified against the system's authorities, or MBP_REGISTRY_SMTP_CAFILE's."""
    import ssl

    cafile = os.environ.get(CAFILE_ENV_VAR) or None
    if cafile is not None and not os.path.isfile(cafile):
        raise Invalid(f"{CAFILE_ENV_VAR}: no certificate file at {cafile}")
    try:
        return ssl.create_default_context(cafile=cafile)
    except ssl.SSLError as exc:
        raise Invalid(f"{CAFILE_ENV_VAR}: {cafile} holds no certificate that can be read ({exc.reason})") from None


class Connection:
    """An open SMTP session with the server, logged in when the URL names a user."""

    def __init__(self, server: MailServer, smtp):
        self.server = server
        self._smtp = smtp

    def send(self, message: EmailMessage, sender_address: str, recipients: list[str]) -> dict[str, str]:
        """Send one message; returns the recipients the server refused (others got it),
        with the server's reply. A message refused as a whole is a MailFailed."""
        try:
            refused = self._smtp.send_message(message, from_addr=sender_address, to_addrs=recipients)
        except Exception as exc:
            raise failure(self.server, exc, "the message") from None
        return {address: _reply(*reply) for address, reply in refused.items()}


@contextmanager
def connection(server: MailServer) -> Iterator[Connection]:
    """A connection to `server` for the block: TLS as its scheme says, then the login."""
    import smtplib

    context = tls_context() if server.scheme != "smtp" else None
    try:
        if server.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    except Exception as exc:
        raise failure(server, exc, "the connection") from None
    try:
        _greet(server, smtp, context)
        yield Connection(server, smtp)
    finally:
        try:
            smtp.quit()
        except Exception:
            smtp.close()


def _greet(server: MailServer, smtp, context) -> None:
    try:
        smtp.ehlo()
        if server.scheme == "smtp+starttls":
            if not smtp.has_extn("starttls"):
                raise MailFailed(f"the mail server {server.display} does not offer STARTTLS: use smtps:// or smtp://")
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, server.password or "")
    except MailFailed:
        raise
    except Exception as exc:
        raise failure(server, exc, "the login" if server.user else "the connection") from None


def failure(server: MailServer, exc: BaseException, what: str) -> MailFailed:
    """One line saying what went wrong with `server`, never its password: the server's own
    words are cleaned of it where it stands as a word (a short password is not every
    letter like it)."""
    return MailFailed(mask_password(_describe(server, exc, what)))


def _describe(server: MailServer, exc: BaseException, what: str) -> str:
    import smtplib
    import ssl

    def said(text) -> str:
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        if not server.password:
            return text
        # The password as a word of its own: a short one is not every letter like it.
        return re.sub(rf"(?<![^\s:'\"]){re.escape(server.password)}(?![^\s:'\".,;])", "***", text)

    where = f"the mail server {server.display}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where} refused the login of {server.user!r}: {_reply(exc.smtp_code, said(exc.smtp_error))}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{address}: {said(_reply(*reply))}" for address, reply in exc.recipients.items())
        return f"{where} refused every recipient of {what}: {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} refused {what}: {_reply(exc.smtp_code, said(exc.smtp_error))}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where} does not support {what}: {said(exc)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection during {what}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"cannot verify the certificate of {where}: {said(exc.verify_message)} "
            f"(name a private certificate authority's file in {CAFILE_ENV_VAR})"
        )
    if isinstance(exc, ssl.SSLError):
        return f"no secure connection with {where}: {said(exc.reason or exc)}"
    if isinstance(exc, OSError):
        return f"cannot reach {where}: {said(exc.strerror or exc or type(exc).__name__)}"
    return f"{where} failed during {what}: {said(exc or type(exc).__name__)}"


def _reply(code, text) -> str:
    """An SMTP reply as one line: "550 5.1.1 mailbox unavailable"."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())

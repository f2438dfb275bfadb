"""A real SMTP server in the test process (aiosmtpd), and certificates made for it.

- `certificates(folder)` makes a private certificate authority and a certificate for
  localhost and 127.0.0.1 signed by it, with the `openssl` command;
- `smtp_server(...)` runs a server on a free port of 127.0.0.1 for a `with` block:
  plain, STARTTLS or SMTPS, with a login when asked, refusing every message after the
  first `refuse_after` and the recipients `refuse_recipients`; it yields the `Inbox` of what it received, and the URL to give.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

USER, PASSWORD = "reminders", "s3cret-Pa55"


def certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key), made in `folder`."""
    ca_key, ca, key, request, certificate = (folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    extensions = folder / "server.ext"
    extensions.write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=Test mail CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", *ec, "-keyout", key, "-out", request, "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out",
         certificate, "-days", "2", "-extfile", extensions],
    ]
    for command in commands:
        subprocess.run([str(part) for part in command], check=True, capture_output=True, timeout=60)
    return ca, certificate, key


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)

    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    def html(self) -> str:
        return self.message.get_body(("html",)).get_content().replace("\r\n", "\n")


@dataclass
class Inbox:
    """What the server received; it refuses every message after `refuse_after`."""

    refuse_after: int | None = None
    refuse_recipients: tuple[str, ...] = ()  # addresses it answers "no such mailbox"
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_after is not None and len(self.received) >= self.refuse_after:
            return "554 5.7.1 Too many messages today"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        if (login, password) == (USER, PASSWORD):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(*, tls: str | None = None, cert: tuple[Path, Path] | None = None, login: bool = False,
                refuse_after: int | None = None, refuse_recipients: tuple[str, ...] = ()):
    """A server for the block (tls None, "starttls" or "smtps"); yields its Inbox, whose
    `url` names it (with the login when `login`)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox(refuse_after=refuse_after, refuse_recipients=refuse_recipients)
    options: dict = {"hostname": "127.0.0.1", "port": free_port(), "server_hostname": "localhost"}
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert)
        options["ssl_context" if tls == "smtps" else "tls_context"] = context
        options["require_starttls"] = tls == "starttls"
    if login:
        # aiosmtpd knows of TLS begun with STARTTLS only; SMTPS is encrypted from the start.
        options.update(authenticator=inbox.authenticate, auth_require_tls=tls == "starttls")
    controller = Controller(inbox, **options)
    controller.start()
    scheme = {None: "smtp", "starttls": "smtp+starttls", "smtps": "smtps"}[tls]
    credentials = f"{USER}:{PASSWORD}@" if login else ""
    inbox.url = f"{scheme}://{credentials}localhost:{options['port']}"
    try:
        yield inbox
    finally:
        controller.stop()

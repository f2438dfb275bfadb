"""Settings that are not given on every command line: the mail server and the sender
of reminders, from the environment or from a configuration file.

A value is taken from its option first, then its environment variable, then the
configuration file: TOML at MBP_REGISTRY_CONFIG, or `config.toml` in the user's
configuration folder (on Linux `~/.config/mbp-registry/`):

    [mail]
    smtp = "smtp+starttls://reminders:secret@smtp.example.nhs.uk:587"
    from = "Mindfulness training lead <mbp.training@example.nhs.uk>"

A file that holds the mail server's password must be readable by its owner only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .db import APP_NAME
from .errors import Invalid
from .redact import mask_password

CONFIG_ENV_VAR = "MBP_REGISTRY_CONFIG"
SMTP_ENV_VAR = "MBP_REGISTRY_SMTP"
FROM_ENV_VAR = "MBP_REGISTRY_FROM"
MAIL_SETTINGS = {"smtp": SMTP_ENV_VAR, "from": FROM_ENV_VAR}


def config_path() -> Path:
    """The configuration file in force (it need not exist)."""
    named = os.environ.get(CONFIG_ENV_VAR)
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def _mail_section() -> dict:
    """The [mail] table of the configuration file ({} when there is no file)."""
    import tomllib

    path = config_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"config: {path} is not a valid TOML file: {exc}") from None
    except OSError as exc:
        raise Invalid(f"config: cannot read {path}: {exc.strerror or exc}") from None
    mail = data.get("mail", {})
    if not isinstance(mail, dict) or any(not isinstance(mail.get(name, ""), str) for name in MAIL_SETTINGS):
        raise Invalid(f"config: [mail] in {path} holds `smtp` and `from` as text")
    if "@" in mail.get("smtp", "") and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise Invalid(
            f"config: {path} holds the mail server's login and others may read it: "
            f"make it readable by you only (chmod 600 {path})"
        )
    return mail


def _setting_and_source(name: str, given: str | None, given_from: str) -> tuple[str | None, str]:
    """The setting `name` ("smtp" or "from") and where it comes from: `given` (an option or
    environment variable, named by `given_from`) first, else the configuration file's."""
    if given is not None and given.strip():
        return given.strip(), given_from
    return _mail_section().get(name, "").strip() or None, "config file"


def mail_setting(name: str, given: str | None) -> str | None:
    """The setting `name` ("smtp" or "from"): `given` (its option or environment variable,
    as the command line read them), else the configuration file's, else None."""
    return _setting_and_source(name, given, "option")[0]


def mail_for_sending(smtp: str | None, sender: str | None, dry_run: bool):
    """The mail server (None for a dry run that names none) and the sender as
    (display name, address), each from its option, environment variable or the
    configuration file; a setting needed and given nowhere is an error."""
    from .mail import parse_server
    from .mail import sender as parse_sender

    from_value = mail_setting("from", sender)
    if from_value is None:
        raise missing_mail_setting("from")
    from_address = parse_sender(from_value)
    url = mail_setting("smtp", smtp)
    if url is None and not dry_run:
        raise missing_mail_setting("smtp")
    return (parse_server(url) if url else None), from_address


def missing_mail_setting(name: str) -> Invalid:
    """The error for a setting that was needed and is given nowhere."""
    what = {"smtp": "no mail server", "from": "no sender address"}[name]
    option = {"smtp": "--smtp URL", "from": "--from ADDRESS"}[name]
    return Invalid(
        f"{name}: {what}: give {option}, set {MAIL_SETTINGS[name]}, or set `{name}` under [mail] in {config_path()}"
    )


def mail_configuration() -> dict:
    """The mail settings in force and where each comes from, for `config show` (the
    server's password never shown)."""
    path = config_path()
    shown = {"config_file": f"{path}{'' if path.is_file() else ' (none)'}"}
    for name, env_var in MAIL_SETTINGS.items():
        value, source = _setting_and_source(name, os.environ.get(env_var), env_var)
        label = {"smtp": "mail_server", "from": "mail_from"}[name]
        shown[label] = f"{mask_password(value)} (from {source})" if value else "not set"
    return shown

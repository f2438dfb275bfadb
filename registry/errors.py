"""The one exception hierarchy. Every message is written for the user to read."""


class RegistryError(Exception):
    """Base class of every error the registry reports to its user."""


class NotFound(RegistryError):
    """A referenced record does not exist."""


class Invalid(RegistryError):
    """A value breaks a rule of the registry."""


class Conflict(RegistryError):
    """The record already exists, or would break the identity of another."""


class Damaged(RegistryError):
    """Stored records break a rule the registry keeps (changed around it): `db check` names them."""


class SchemaOutOfDate(RegistryError):
    """The database schema is not at the newest migration."""


class DatabaseUnavailable(RegistryError):
    """The database cannot be reached or opened."""


class MailFailed(RegistryError):
    """The mail server could not be reached, or refused a message."""

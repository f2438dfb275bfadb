"""Keeping passwords out of anything the registry prints."""

import re

# Greedy up to the last "@" of the word: a password may itself contain "@".
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)\S*(@)")


def mask_password(text: str) -> str:
    """Hide the password of any URL written in `text`."""
    return _PASSWORD_IN_URL.sub(r"\1***\2", text)

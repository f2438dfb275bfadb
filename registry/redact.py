"""Keeping passwords out of anything the registry prints.

A password can reach a message in several forms, and each is hidden:

- in a URL's user information, `scheme://user:password@host` (the password may itself
  hold "@" or, in a URL that could not be read, a space: it runs to the last "@");
- in a URL's query string, `?password=...` or `&password=...`, up to the next "&";
- in a libpq key/value connection string, `password=...` or `password = '...'`;
- under a key spelled with percent-encoding (`pass%77ord=`, `password%3D`), or any key
  naming a password (`sslpassword=`), in any case.
"""

import re
from urllib.parse import unquote

# The user information of a URL: the password runs to the last "@" of the line. A host
# and port (`://host:587` then "/", a quote, white space, ": " or the end) is no login,
# so that the text of a message after it is never taken for a password.
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)(?!\d+(?:[/\s'\"?#]|:\s|$))[^\n]*(@)")
# A key and its value in a query string (after "?" or "&"): the value ends at "&" or "#".
_KEY = r"[\w.-]+?(?:%[0-9A-Fa-f]{2}[\w.-]*?)*"
_IN_QUERY = re.compile(rf"(?P<key>(?<=[?&]){_KEY})(?P<equals>=|%3[dD])(?P<value>[^&#\s]*)")
# A key and its value elsewhere (key/value strings, messages, a file name in a URL where
# "=" is "%3D"): a quoted value, or up to white space.
_KEY_VALUE = re.compile(
    rf"""(?P<key>(?<![\w%?&.-]){_KEY})(?P<equals>\s*=\s*|%3[dD])(?P<value>'(?:[^'\\]|\\.)*'?|\S*)"""
)


def _is_password(key: str) -> bool:
    return "password" in unquote(key).lower()


# A value hidden already, followed by the punctuation of the message around it.
_HIDDEN = re.compile(r"\*\*\*[:;,.)'\"]*")


def _hide(match: re.Match) -> str:
    if not _is_password(match["key"]) or _HIDDEN.fullmatch(match["value"]):
        return match[0]
    return f"{match['key']}{match['equals']}***"


def mask_password(text: str) -> str:
    """`text` with every password in it, in any of the forms above, shown as ***."""
    text = _PASSWORD_IN_URL.sub(r"\1***\2", text)
    text = _IN_QUERY.sub(_hide, text)
    return _KEY_VALUE.sub(_hide, text)

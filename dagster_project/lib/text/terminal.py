r"""Text from submissions made safe to print: file names and cell text cannot steer a terminal.

File names and cell values are chosen by whoever sends a file. A name holding a newline can
forge a second "ACCEPTED" line in the output, an escape sequence can rewrite the screen, and
a right-to-left override (U+202E) makes ``bao_cao<U+202E>xslx.exe`` read as
``bao_caoexe.xlsx``.
Such characters are shown escaped (``\n``, ``\x1b``, ``\u202e``); Vietnamese letters are
left as they are.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["json_text", "printable"]

# Unicode bidirectional controls: embeddings, overrides, isolates and the marks.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls, DEL, line/paragraph separators, bidi controls, and the lone surrogates
# that stand for bytes of a file name that are not valid UTF-8.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff]")
# What json.dumps leaves unescaped with ensure_ascii=False but a terminal still obeys.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte of an undecodable name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(name: str) -> str:
    r"""``name`` with control and bidi characters escaped, for one line of terminal output.

    Args:
        name: A file name, path, sheet name or message that may hold sender-chosen text.

    Returns:
        The same text where a newline reads ``\n``, ESC ``\x1b`` and U+202E ``\u202e``.
    """
    return _UNSAFE.sub(_escape, name)


def json_text(data: Any) -> str:
    r"""``data`` as indented JSON with Vietnamese kept readable and bidi controls escaped.

    ``json.dumps`` escapes C0 controls but, with ``ensure_ascii=False``, not DEL, C1
    controls or bidi overrides; those are written as ``\uXXXX`` escapes, which decode back
    to the same text. They can only occur inside JSON strings, so the result stays valid.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)

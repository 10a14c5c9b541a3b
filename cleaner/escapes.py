"""Text from documents and file names, made safe to print on a terminal.

A file name or an id is input: it can hold ESC and the other control characters a terminal
obeys (``\\x1b]0;...`` retitles the window, ``\\x1b[2J`` clears the screen, bidirectional
overrides reorder what is shown). Everything cleaner prints that came from input goes through
:func:`terminal_safe`, which shows such characters as ``⟨U+001B⟩`` instead of sending them.
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab excepted), DEL, and the bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with the characters a terminal would obey shown as ``⟨U+XXXX⟩``.

    >>> terminal_safe("a\\x1b[2Jb\\tc")
    'a⟨U+001B⟩[2Jb\\tc'
    """
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)

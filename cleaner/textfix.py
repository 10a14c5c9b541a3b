"""Text repair shared by the passes and the document model: the ftfy configuration, and the
repair of short fragments that are not part of the text (a title, a moved caption).

A leaf module (it imports nothing of cleaner), so :mod:`cleaner.document` can repair the text an
edit moves without importing the passes, and the passes can use the same ftfy settings.
"""

from __future__ import annotations

import unicodedata

import ftfy

# What ftfy may do. Line breaks are layout (cleaner.layout); NFC is a pass of its own.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization=None,
    explain=True,
)


def normalize_fragment(text: str) -> str:
    """Repair and tidy a short field that is not part of the text (an input record's title).

    >>> normalize_fragment("  Cafâ€™s  &amp; bars\\u00a0reopen ")
    'Caf’s & bars reopen'
    """
    fixed = ftfy.fix_text(text, config=FTFY_CONFIG._replace(explain=False))
    return " ".join(unicodedata.normalize("NFC", fixed).split())

"""Turn a rewritten line back into small, explainable replacements.

ftfy and Unicode normalisation rewrite a whole string; a reviewer wants to see ``"â€™" -> "’"``,
not the whole paragraph twice. :func:`span_edits` finds the changed spans with difflib.
"""

from __future__ import annotations

from difflib import SequenceMatcher

# Beyond this many changed characters one span is explanation enough (and difflib gets slow).
MAX_DIFF_CHARS = 4000


def span_edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """The ``(start, end, replacement)`` spans of ``old`` that turn it into ``new``.

    >>> span_edits("donâ€™t stop", "don’t stop")
    [(3, 6, '’')]
    >>> span_edits("same", "same")
    []
    """
    if old == new:
        return []
    # Trim the common ends first: it keeps difflib's quadratic worst case to the changed middle.
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    a, b = old[head : len(old) - tail], new[head : len(new) - tail]
    if len(a) + len(b) > MAX_DIFF_CHARS:
        return [(head, head + len(a), b)]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [(head + i1, head + i2, b[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]

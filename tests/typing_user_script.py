"""A user's script, as a user would write it: the project's ``mypy --strict`` run checks it
(``files = ["cleaner", "tests"]``), so every name it uses must be typed, not ``Any``.

Run by tests/test_api.py too, so it stays true code rather than a typing exercise.
"""

from __future__ import annotations

from collections.abc import Iterable

import cleaner
from cleaner import AppliedEdit, Cleaner, Record, Reject


def headline(text: str) -> str:
    record: Record = cleaner.clean_text(text)
    title: str | None = record.title
    captions: tuple[str, ...] = record.captions
    removed: tuple[AppliedEdit, ...] = record.removed
    rules: list[str] = [edit.rule for edit in removed]
    probability: float | None = record.lang_prob
    assert isinstance(rules, list) and isinstance(captions, tuple) and probability is not None
    return title or ""


def kept_texts(documents: Iterable[dict[str, str]]) -> list[str]:
    texts: list[str] = []
    c = Cleaner(languages=["en"], dedup=True, duplicate_threshold=0.9)
    for result in c.clean(documents):
        if isinstance(result, Record):
            texts.append(result.text)
        else:
            reject: Reject = result
            reason: str = reject.reason
            assert reason
    documents_out: int = c.stats.documents_out
    assert documents_out == len(texts)
    return texts


def main() -> str:
    from builders import ARTICLES

    text = "\n\n".join(ARTICLES[0])
    assert kept_texts([{"id": "a", "text": text}, {"id": "b", "text": text}]) == [
        "\n\n".join(ARTICLES[0][1:])
    ]
    return headline(text)


if __name__ == "__main__":
    print(main())

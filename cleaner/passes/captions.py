"""Photo captions: a line that ends in a photo credit is a caption, wherever it stands.

The credit formats (``REUTERS/Name``, ``(AP Photo/Name)``, ``Name/AFP via Getty Images``, ...)
live in ``rules/captions.toml``. A caption leaves the text and goes to the record's ``captions``
once, however often the scraper repeated it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from cleaner.document import Document, Edit

if TYPE_CHECKING:
    from cleaner.rules import RuleSet


@dataclass(frozen=True)
class MoveCaptions:
    """Move every line that ends in a photo credit from the text to ``captions``."""

    rules: RuleSet
    name: ClassVar[str] = "captions"
    prefix: ClassVar[str] = "caption"
    reads: ClassVar[tuple[str, ...]] = ("credit",)
    colour: ClassVar[tuple[str, str]] = ("#0550ae", "#ddf4ff")
    code_rules: ClassVar[tuple[str, ...]] = ()

    def __call__(self, doc: Document) -> Iterator[Edit]:
        for i, line in enumerate(doc.lines):
            rule = self.rules.first_match(line, self.name, ("credit",))
            if rule is not None:
                yield Edit.drop_line(self.name, rule.id, i, line, moved_to="captions")

"""What a pass is: a named object that looks at a document and proposes edits.

A pass never changes the document itself. It yields :class:`~cleaner.document.Edit` objects
naming its rule; the pipeline applies them and keeps the record. The same pass object is used
for every document (and in every worker process), so it holds configuration, never state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from cleaner.document import Document, Edit


class Pass(Protocol):
    """A cleaning step: ``name`` for the record, ``rule_ids`` it may emit, and the edits."""

    @property
    def name(self) -> str: ...

    @property
    def rule_ids(self) -> tuple[str, ...]: ...

    def __call__(self, doc: Document) -> Iterable[Edit]: ...

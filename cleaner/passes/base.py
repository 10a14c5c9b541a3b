"""What a pass is: a named object that looks at a document and proposes edits.

A pass never changes the document itself. It yields :class:`~cleaner.document.Edit` objects
naming its rule; the pipeline applies them and keeps the record. The same pass object is used
for every document (and in every worker process), so it holds configuration, never state.

A pass class declares itself, once, in class attributes (see :class:`PassClass`): the name the
record carries, the prefix of its rule ids, the rule ids its code writes, the rule placements
(``where``) it reads from the rule files, and its colour in the report. The registry
(:mod:`cleaner.passes`) lists the classes; everything else that needs a pass's name, rule ids or
colour asks the registry. The declaration is structural (plain class attributes, no base class),
so a pass module outside this package (``cleaner.dedup``) needs no import from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from cleaner.document import Document, Edit


class Pass(Protocol):
    """A cleaning step: ``name`` for the record, and the edits it proposes for a document.

    The rule ids it may write are its class's ``code_rules`` and the ids of the rules with
    ``pass = name`` (see :func:`cleaner.passes.record_rule_ids`).
    """

    @property
    def name(self) -> str: ...

    def __call__(self, doc: Document) -> Iterable[Edit]: ...


class PassClass(Protocol):
    """A pass's declaration, read from its class.

    - ``name``: what the record's ``removed`` entries say in ``pass``;
    - ``prefix``: every rule id of the pass starts with ``prefix + "."`` (``ws.nbsp``);
    - ``code_rules``: the rule ids the pass's code writes (rules not read from rule files);
    - ``reads``: the ``where`` placements of rule-file rules with ``pass = name`` the pass uses;
      empty for a pass that reads no rules. A pass that reads rules is built as ``cls(rules)``,
      any other as ``cls()``;
    - ``colour``: its tag colours in the report, ``(ink, background)`` as CSS colours.
    """

    name: str
    prefix: str
    code_rules: tuple[str, ...]
    reads: tuple[str, ...]
    colour: tuple[str, str]

    def __call__(self, *args: Any, **kwargs: Any) -> Pass: ...

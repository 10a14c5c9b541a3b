"""The registry: every pass, in the order the pipeline runs them. This is the one place to look.

Order matters within a round: text is repaired before rules look at it ("Share  this article"
only matches once spaces are collapsed), captions and junk go before the title is chosen (so a
leading "Advertisement" is not taken for a headline). The pipeline repeats the whole list until a
round changes nothing.
"""

from __future__ import annotations

from cleaner.dedup.repeats import RemoveRepeatedParagraphs
from cleaner.passes.base import Pass
from cleaner.passes.captions import MoveCaptions
from cleaner.passes.content import DEFAULT_CONTENT_MODE, FindContent
from cleaner.passes.junk import RemoveJunk
from cleaner.passes.normalize import ComposeUnicode, FixUnicode, TidyWhitespace
from cleaner.passes.title import ExtractTitle
from cleaner.rules import RuleSet

__all__ = ["Pass", "build_passes"]


def build_passes(rules: RuleSet, content: str = DEFAULT_CONTENT_MODE) -> list[Pass]:
    """The passes of one document, configured with ``rules``, in the order they run.

    ``content`` is the content pass's mode (``off``, ``conservative``, ``aggressive``); it runs
    after the title is taken, so the page's headline is never judged as page furniture.
    """
    return [
        FixUnicode(),
        ComposeUnicode(),
        TidyWhitespace(),
        MoveCaptions(rules),
        RemoveJunk(rules),
        ExtractTitle(),
        FindContent(content),
        RemoveRepeatedParagraphs(),
    ]

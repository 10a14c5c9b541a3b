"""UI and site junk: ad labels, share buttons, newsletter prompts, related-story blocks.

Where a rule applies is part of the rule (``rules/junk.toml``):

- ``line``: the whole paragraph is the junk phrase, anywhere ("Advertisement").
- ``edge``: the whole paragraph, but only inside the run of junk at the top or the bottom of the
  document, or inside a run of at least ``JUNK_RUN`` junk lines anywhere (a row of share buttons
  in the middle). "Email" or "Comments" alone mid-article may be a subheading.
- ``block``: a header such as "Read more:" or "Related coverage" and the headline-like lines
  that follow it (a list of links). A header followed by a bulleted list is left alone: that
  is a list the article itself presents.

A sentence that merely mentions such words never matches: rules match whole lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from cleaner.document import Document, Edit

if TYPE_CHECKING:
    from cleaner.rules import Rule, RuleSet

LINK_MAX_WORDS = 20
BLOCK_MAX_LINKS = 6
JUNK_RUN = 3
BULLETS = ("- ", "• ", "* ", "· ", "– ", "— ")
# The placements the pass matches: anywhere in the document, and (at the edges, in junk runs) all.
ANYWHERE = ("line", "block")
EVERYWHERE = ("line", "block", "edge")


def looks_like_link(line: str) -> bool:
    """A related-story link reads like a headline: short, without a closing period.

    >>> looks_like_link("Harbor bridge reopens after storm repairs")
    True
    >>> looks_like_link("The bridge reopened on Monday after three days of repairs.")
    False
    """
    return len(line.split()) <= LINK_MAX_WORDS and not line.rstrip().endswith((".", ";", ","))


@dataclass(frozen=True)
class RemoveJunk:
    """Remove junk lines according to the junk rules and where each applies."""

    rules: RuleSet
    name: ClassVar[str] = "junk"
    prefix: ClassVar[str] = "junk"
    reads: ClassVar[tuple[str, ...]] = ("line", "edge", "block")
    colour: ClassVar[tuple[str, str]] = ("#bc4c00", "#fff1e5")
    code_rules: ClassVar[tuple[str, ...]] = ()

    def _anywhere(self, line: str, every: Rule | None) -> Rule | None:
        """The first rule placed anywhere that takes ``line``, given ``every``, the first of
        every placement. The rules placed anywhere are those of every placement less the edge
        ones, in the same order: unless ``every`` is an edge rule, it is the answer."""
        if every is None or every.where != "edge":
            return every
        return self.rules.first_match(line, self.name, ANYWHERE)

    def __call__(self, doc: Document) -> Iterator[Edit]:
        lines = doc.lines
        # Each line's first rule of every placement, asked once: the loops below all read it.
        every = self.rules.first_matches(lines, self.name, EVERYWHERE)
        taken: set[int] = set()
        for i, found in enumerate(every):
            if found is None or i in taken:  # most lines: no rule of any placement takes them
                continue
            line = lines[i]
            rule = self._anywhere(line, found)
            if rule is None:
                continue
            if rule.where == "block" and i + 1 < len(lines) and lines[i + 1].startswith(BULLETS):
                continue
            taken.add(i)
            yield Edit.drop_line(self.name, rule.id, i, line)
            if rule.where == "block":
                yield from self._links_after(doc, i, rule, taken, every)
        # The junk runs at the two edges: there, "edge" rules apply too.
        edge_lines: list[int] = []
        for i in range(len(lines)):
            if i not in taken and every[i] is None:
                break
            edge_lines.append(i)
        for i in range(len(lines) - 1, -1, -1):
            if i not in taken and every[i] is None:
                break
            edge_lines.append(i)
        edge_lines.extend(self._junk_runs(lines, every))
        for i in sorted(set(edge_lines) - taken):
            found = every[i]
            if found is not None:
                taken.add(i)
                yield Edit.drop_line(self.name, found.id, i, lines[i])

    def _junk_runs(self, lines: list[str], every: list[Rule | None]) -> list[int]:
        """Lines inside runs of at least JUNK_RUN consecutive junk lines, wherever they stand
        (``every``: each line's first rule of every placement)."""
        found: list[int] = []
        run: list[int] = []
        for i, line in enumerate([*lines, ""]):
            if line and every[i] is not None:
                run.append(i)
                continue
            if len(run) >= JUNK_RUN:
                found.extend(run)
            run = []
        return found

    def _links_after(
        self, doc: Document, header: int, rule: Rule, taken: set[int], every: list[Rule | None]
    ) -> Iterator[Edit]:
        """The link lines under a block header, up to the next line that is not link-like."""
        for i in range(header + 1, min(header + 1 + BLOCK_MAX_LINKS, len(doc.lines))):
            line = doc.lines[i]
            if i in taken or not looks_like_link(line) or line.startswith(BULLETS) or every[i] is not None:
                break
            taken.add(i)
            yield Edit.drop_line(self.name, rule.id, i, line)

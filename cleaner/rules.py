"""Rules as data: loading the TOML rule files, layering user rules on top, matching lines.

The default rules ship inside the package (``cleaner/_rules`` in a wheel, ``rules/`` in a source
checkout). ``--rules DIR`` adds more files on top: a rule whose id was already defined is updated
field by field, so a user file can retune one pattern or say ``enabled = false`` without
repeating the whole rule. Files in a directory are read in sorted order.

A rule looks like this::

    [[rule]]
    id = "junk.advertisement"
    description = "Ad-slot labels the page layout left between paragraphs."
    pass = "junk"            # which pass uses it: a registered pass that reads rules
    where = "line"           # line | edge | block | credit (see WHERE): one the pass reads
    phrases = ["Advertisement", "Anzeige"]   # and/or
    pattern = '...'          # a regular expression
    requires = ["/"]         # optional: text the pattern cannot match without (a fast pre-test)
    remove = ["Advertisement"]               # examples it must remove
    keep = ["The advertisement ran twice."]  # examples it must leave alone
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import regex

from cleaner.memo import BoundedMemo
from cleaner.passes import rule_passes
from cleaner.shipped import shipped_rules_dir

WHERE = {
    "line": "the whole line, anywhere in the document",
    "edge": "the whole line, only inside the leading or trailing run of junk lines",
    "block": "a header line ('Read more:', 'Related coverage') and the headline-like lines after it",
    "credit": "a photo credit ending a line: the line is a caption",
    "evidence": "the pass decides on its own evidence (no pattern); the rule names it, holds its examples",
}

# Punctuation and bullets that decorate UI labels: "Read more »", "Share:", "• Twitter".
_DECORATION = " \t:;.,!?|»«›‹>→←•·*–—-_#()[]{}…\"'“”‘’"
# Seconds a rule's pattern may spend on one line (see Rule.matches).
PATTERN_TIMEOUT = 0.25
# Junk is short: a rule matches lines of at most this many words unless it says otherwise.
JUNK_MAX_WORDS = 40
# How far from the end of a line a photo credit can start.
CREDIT_TAIL = 300
# Lines whose first matching rule is remembered (passes look at every line in every round).
MATCH_CACHE_SIZE = 65536
# What the match cache gives for a line it has not seen (None is an answer: no rule takes it).
_UNKNOWN = object()


class RuleError(ValueError):
    """A rule file or rule that cannot be used; the message names the file and the rule id."""


def phrase_key(text: str) -> str:
    """The form a line is compared to phrases in: case-folded, undecorated, single-spaced.

    >>> phrase_key("  » SHARE  this article: ")
    'share this article'
    """
    # str.split() splits on what re's \s matches: the same as re.sub(r"\s+", " ", ...).strip().
    return " ".join(text.strip(_DECORATION).casefold().split())


@dataclass(frozen=True)
class Rule:
    """One rule: what it matches, where it applies, and the examples that pin it down."""

    id: str
    pass_name: str
    where: str
    description: str = ""
    phrases: frozenset[str] = frozenset()
    pattern: regex.Pattern[str] | None = None
    remove: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    max_words: int = 80
    requires: tuple[str, ...] = ()
    origin: str = ""
    enabled: bool = True
    # How many times the examples are printed in the document they are checked in (a caption
    # the scraper printed twice is evidence of its own).
    example_prints: int = 1
    # Defined by the shipped rule files alone (no user file touched it): tested, so matched
    # without the per-call time limit, inside its group's combined pattern (see _Segment).
    shipped: bool = False

    def matches(self, line: str, key: str | None = None, words: int | None = None) -> bool:
        """Whether ``line`` is what this rule describes (a whole line, or a credit ending it).

        ``key`` (the line's :func:`phrase_key`) and ``words`` (its word count) may be given by
        a caller that tries many rules on one line, so they are computed once.

        A pattern gets ``PATTERN_TIMEOUT`` seconds per line: user rules are untrusted, and a
        pattern that backtracks catastrophically on a crafted line must not stall a run. A line
        that times out is treated as not matching.
        """
        if self.phrases and (phrase_key(line) if key is None else key) in self.phrases:
            return True
        return self.pattern_matches(line, len(line.split()) if words is None else words, PATTERN_TIMEOUT)

    def pattern_matches(self, line: str, words: int, timeout: float | None) -> bool:
        """The pattern's part of :meth:`matches` (``words``: the line's word count); a line
        that takes longer than ``timeout`` seconds does not match."""
        if self.pattern is None:
            return False
        if self.requires and not any(token in line for token in self.requires):
            return False  # the cheap test first: the pattern cannot match without one of these
        if self.where == "credit" and words > self.max_words:
            return False
        try:
            return self._pattern_matches(line, timeout)
        except TimeoutError:
            return False

    def _pattern_matches(self, line: str, timeout: float | None) -> bool:
        """The pattern alone: a whole line, or (``credit``) a credit ending it."""
        assert self.pattern is not None
        if self.where == "credit":
            # A credit ends its line: look at the tail only (lookbehinds still see before it).
            start = max(0, len(line) - CREDIT_TAIL)
            return self.pattern.search(line, start, timeout=timeout) is not None
        return self.pattern.fullmatch(line.strip(), timeout=timeout) is not None


# A pattern that cannot share an alternation with others: it sets flags for the whole pattern
# ("(?i)"), refers to its own groups by number or name, or names groups that could clash.
_NOT_COMBINABLE = re.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]+\)|\\[1-9]|\\g<|\(\?P[<=]|\(\?<[a-zA-Z_]|\(\?&")


def _combinable(rule: Rule) -> bool:
    return rule.shipped and rule.pattern is not None and not _NOT_COMBINABLE.search(rule.pattern.pattern)


@dataclass(frozen=True)
class _Segment:
    """Consecutive rules of a group, matched together.

    Shipped whole-line rules that can be combined are one alternation (``combined``), each
    rule's pattern in a named group with its own flags, matched with no time limit: one call of
    the regex engine per line instead of one per rule. Any other rule (a user's, a credit, one
    that cannot be combined) is a segment of its own, matched through
    :meth:`Rule.pattern_matches` (with the time limit when it is a user's).
    """

    indexes: tuple[int, ...]
    combined: regex.Pattern[str] | None = None

    @classmethod
    def of(cls, rules: tuple[Rule, ...], indexes: list[int]) -> _Segment:
        parts = []
        for i in indexes:
            pattern = rules[i].pattern
            assert pattern is not None
            scope = "i" if pattern.flags & regex.IGNORECASE else "-i"
            parts.append(f"(?P<r{i}>(?{scope}:{pattern.pattern}))")
        return cls(tuple(indexes), regex.compile("|".join(parts), regex.VERSION0))

    def first(self, line: str) -> int | None:
        """The first rule of the segment, in order, whose pattern matches the whole ``line``:
        an alternation fully matching takes the first alternative that can."""
        assert self.combined is not None
        m = self.combined.fullmatch(line.strip())
        return None if m is None else int(str(m.lastgroup)[1:])


@dataclass(frozen=True)
class _RuleGroup:
    """The enabled rules of one pass and placement, compiled for :meth:`RuleSet.first_match`."""

    rules: tuple[Rule, ...]
    max_words: int
    phrases: dict[str, tuple[int, ...]]  # phrase key -> the rules that list it, in order
    segments: tuple[_Segment, ...]
    # When every pattern of the group requires some text: all of it, so that a line with none
    # of it is answered with one test instead of one per rule (most lines, for credits).
    gate: tuple[str, ...] | None = None
    # Each line's answer, remembered: passes ask about every line in every round.
    answers: BoundedMemo[str, Rule | None] = field(
        default_factory=lambda: BoundedMemo(MATCH_CACHE_SIZE), compare=False, repr=False
    )

    @classmethod
    def of(cls, rules: tuple[Rule, ...]) -> _RuleGroup:
        phrases: dict[str, tuple[int, ...]] = {}
        for i, rule in enumerate(rules):
            for phrase in rule.phrases:
                phrases[phrase] = (*phrases.get(phrase, ()), i)
        segments: list[_Segment] = []
        run: list[int] = []
        for i, rule in enumerate(rules):
            if rule.pattern is None:
                continue
            # A credit is searched for in a line's tail, where one alternation tries every
            # rule at every position: its rules' required text rules out far more, one by one.
            if _combinable(rule) and rule.where != "credit":
                run.append(i)
                continue
            if run:
                segments.append(_Segment.of(rules, run))
                run = []
            segments.append(_Segment((i,)))
        if run:
            segments.append(_Segment.of(rules, run))
        longest = max((r.max_words for r in rules), default=-1)
        patterned = [r for r in rules if r.pattern is not None]
        gate = None
        if patterned and all(r.requires for r in patterned):
            gate = tuple(dict.fromkeys(t for r in patterned for t in r.requires))
        return cls(rules, longest, phrases, tuple(segments), gate)

    def remembered(self, lines: Iterable[str]) -> list[Rule | None]:
        """:meth:`first_match` of each of ``lines``, from the group's memory where it has it."""
        answers = self.answers
        known = answers.get
        found: list[Rule | None] = []
        for line in lines:
            rule = known(line, _UNKNOWN)  # one look-up, not ``in`` then ``[]``
            if rule is _UNKNOWN:
                rule = answers.remember(line, self.first_match(line))
            found.append(cast("Rule | None", rule))
        return found

    def first_match(self, line: str) -> Rule | None:
        """The first rule, in order, that takes ``line`` (what trying each in turn would give)."""
        # Split no further than the group's longest rule allows: a longer line (most article
        # paragraphs) is told by the count reaching one more, whatever its length.
        words = len(line.split(None, self.max_words)) if self.max_words >= 0 else 0
        if words > self.max_words:
            return None
        rules = self.rules
        limit = len(rules)  # the first rule whose phrases take the line, if any
        if self.phrases:
            listed = self.phrases.get(phrase_key(line))
            if listed:
                limit = next((i for i in listed if words <= rules[i].max_words), limit)
        segments = self.segments
        if self.gate is not None and not any(token in line for token in self.gate):
            segments = ()  # no pattern of the group can match without one of these
        for segment in segments:
            if segment.indexes[0] >= limit:
                break
            if segment.combined is None:
                rule = rules[segment.indexes[0]]
                timeout = None if rule.shipped else PATTERN_TIMEOUT  # a user's rule is untrusted
                if words <= rule.max_words and rule.pattern_matches(line, words, timeout):
                    return rule
                continue
            i = segment.first(line)
            if i is None:
                continue
            if i >= limit:
                break
            if self._takes(i, line, words):
                return rules[i]
            # Rule i's pattern matches but its word limit or required text does not: ask the
            # rest of the segment one by one (rare: required text is a test the pattern implies).
            for j in segment.indexes:
                if i < j < limit and self._takes(j, line, words) and rules[j]._pattern_matches(line, None):
                    return rules[j]
        return rules[limit] if limit < len(rules) else None

    def _takes(self, i: int, line: str, words: int) -> bool:
        rule = self.rules[i]
        return words <= rule.max_words and (not rule.requires or any(t in line for t in rule.requires))


@dataclass
class RuleSet:
    """The enabled rules, by pass and placement, in a stable order (file order, then id)."""

    rules: list[Rule] = field(default_factory=list)
    _groups: dict[tuple[str, tuple[str, ...]], _RuleGroup] = field(default_factory=dict, repr=False)

    def select(self, pass_name: str, where: str | None = None) -> list[Rule]:
        return [
            r
            for r in self.rules
            if r.enabled and r.pass_name == pass_name and (where is None or r.where == where)
        ]

    def _group(self, pass_name: str, where: tuple[str, ...]) -> _RuleGroup:
        group = self._groups.get((pass_name, where))
        if group is None:
            group = _RuleGroup.of(tuple(r for r in self.select(pass_name) if r.where in where))
            self._groups[(pass_name, where)] = group
        return group

    def first_match(self, line: str, pass_name: str, where: tuple[str, ...]) -> Rule | None:
        """The first enabled rule of ``pass_name`` placed in ``where`` that matches ``line``.

        Passes ask about every line in every round, so answers are remembered (by each pass
        and placement's group); a line longer than every rule of the group allows is answered
        at once (most article paragraphs).
        """
        return self._group(pass_name, where).remembered((line,))[0]

    def first_matches(
        self, lines: Iterable[str], pass_name: str, where: tuple[str, ...]
    ) -> list[Rule | None]:
        """:meth:`first_match` of each of ``lines`` (a document's: the group is found once)."""
        return self._group(pass_name, where).remembered(lines)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def default_rules_dir() -> Path:
    """Where the shipped rules are: inside the installed package, or the checkout's rules/."""
    found = shipped_rules_dir()
    if found is None:
        raise RuleError("cleaner's default rules are missing: reinstall the package")
    return found


def rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    return [path]


def load_rules(extra: Iterable[Path] = (), *, defaults: bool = True) -> RuleSet:
    """Load the default rules and layer each path of ``extra`` (file or directory) on top."""
    paths: list[Path] = []
    if defaults:
        paths.extend(rule_files(default_rules_dir()))
    shipped = len(paths)
    for p in extra:
        if not p.exists():
            raise RuleError(f"{p}: no such rules file or directory")
        paths.extend(rule_files(p))
    raw: dict[str, dict[str, Any]] = {}
    touched: set[str] = set()  # ids a user's file defines or retunes
    for n, path in enumerate(paths):
        for entry in _read_rule_file(path):
            check_field_types(entry, str(path))  # here: the file named is the one that says it
            merged = raw.setdefault(entry["id"], {})
            merged.update(entry)
            merged["origin"] = str(path)
            if n >= shipped:
                touched.add(entry["id"])
    rules = [_compile(data) for data in raw.values()]
    return RuleSet([r if r.id in touched else dataclasses.replace(r, shipped=True) for r in rules])


def _read_rule_file(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open("rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RuleError(f"{path}: cannot read rules: {e}") from e
    entries = doc.get("rule", [])
    if not isinstance(entries, list):
        raise RuleError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise RuleError(f"{path}: rule #{i + 1} has no string 'id'")
    return entries


def compile_rule(data: dict[str, Any]) -> Rule:
    """One rule's merged fields as a :class:`Rule` (``origin``: the file it came from)."""
    return _compile(data)


def read_rule_file(path: Path) -> list[dict[str, Any]]:
    """The ``[[rule]]`` tables of one rules file, each with a string ``id``."""
    return _read_rule_file(path)


# The type each rule field must have (TOML gives ``enabled = "false"``, a string, as easily as
# ``enabled = false``): a wrong type is an error naming the file and rule, never a guess.
FIELD_TYPES: dict[str, tuple[type, str]] = {
    "id": (str, "a string"),
    "description": (str, "a string"),
    "pass": (str, "a string"),
    "where": (str, "a string"),
    "pattern": (str, "a string"),
    "phrases": (list, "a list of strings"),
    "remove": (list, "a list of strings"),
    "keep": (list, "a list of strings"),
    "requires": (list, "a list of strings"),
    "max_words": (int, "a whole number"),
    "enabled": (bool, "true or false"),
    "ignore_case": (bool, "true or false"),
}


def check_field_types(data: dict[str, Any], origin: str) -> None:
    """Every known field of a rule has its type (lists hold strings, numbers are not booleans)."""
    for name, value in data.items():
        if name not in FIELD_TYPES:
            continue
        kind, said = FIELD_TYPES[name]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if ok and kind is list:
            ok = all(isinstance(item, str) for item in value)
        if not ok:
            raise RuleError(
                f"{origin}: rule {data.get('id', '?')}: {name} = {value!r} must be {said}, "
                f"not {type(value).__name__}"
            )


def _compile(data: dict[str, Any]) -> Rule:
    rid, origin = data["id"], data.get("origin", "?")
    check_field_types(data, origin)
    where = data.get("where", "line")
    pass_name = data.get("pass", "junk")
    if where not in WHERE:
        raise RuleError(f"{origin}: rule {rid}: where = {where!r}, expected one of {sorted(WHERE)}")
    passes = rule_passes()  # which passes read rules, and where: the registry says
    if pass_name not in passes:
        raise RuleError(f"{origin}: rule {rid}: pass = {pass_name!r}, expected one of {tuple(passes)}")
    if where not in passes[pass_name]:
        raise RuleError(
            f"{origin}: rule {rid}: where = {where!r}, but pass {pass_name!r} reads only {passes[pass_name]}"
        )
    pattern = None
    if "pattern" in data:
        flags = regex.IGNORECASE if data.get("ignore_case", where != "credit") else 0
        source = data["pattern"]
        if where == "credit":
            # A credit closes a caption: it starts the line or follows a sentence's end
            # ("... 2022. REUTERS/Name"), never a running sentence ("a poll by Reuters/Ipsos.").
            source = f'(?:^|(?<=[.!?"”’)\\]|:;–—-] )|(?<=[.!?"”’)\\]]))\\s*(?:{source})\\s*$'
        try:
            pattern = regex.compile(source, flags | regex.VERSION0)
        except regex.error as e:
            raise RuleError(f"{origin}: rule {rid}: pattern does not compile: {e}") from e
    phrases = frozenset(phrase_key(p) for p in data.get("phrases", []))
    if pattern is None and not phrases and where != "evidence":
        raise RuleError(f"{origin}: rule {rid}: needs 'pattern' or 'phrases'")
    return Rule(
        id=rid,
        pass_name=pass_name,
        where=where,
        description=data.get("description", ""),
        phrases=phrases,
        pattern=pattern,
        remove=tuple(data.get("remove", ())),
        keep=tuple(data.get("keep", ())),
        max_words=int(data.get("max_words", 80 if where == "credit" else JUNK_MAX_WORDS)),
        requires=tuple(str(t) for t in data.get("requires", ())),
        origin=origin,
        enabled=bool(data.get("enabled", True)),
        example_prints=int(data.get("example_prints", 1)),
    )

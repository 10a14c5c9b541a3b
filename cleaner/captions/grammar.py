"""The credit grammar: what a photo credit is, so that captions are found by their shape.

A caption is a line that ends (less often: starts) with a credit. A credit is a sequence of
*parts* joined by the separators credits use, optionally opened by a *label* and optionally
wrapped in parentheses or brackets::

    credit := [OUTLET " "] LABEL LINK body    "Photo: Ana Ruiz/Harbour Post", "(AP Photo/NAME, File)"
            | body                            "NAME/AFP via Getty Images", "EPA-EFE/NAME"
    LINK   := ":" | "|" | "/" (after an OUTLET) | " by " | " courtesy of " | " von " | " de " | ...
              (a label ending in "." needs none: "Fot. PAP/NAME")
    body   := part (SEP part)*
    SEP    := "/" | "|" | ":" | "," | ";" | " via " | " for " | " on " | " - "
    part   := AGENCY | PICTURE-DESK | SUFFIX ("File", "Pool", "Handout") | @handle
            | ["Courtesy [of] "] NAME-OR-OUTLET

The label words, the known agencies and picture desks, the suffixes and the words that open a
text's credits rather than a picture's ("Reporting by ...") are data: ``rules/credits.toml``.
Parts are recognised with regular expressions built from that data (the ``regex`` module, with a
time limit); the parse itself is plain code, so each decision can say what it rests on.

A credit is *strong* (a caption on its own) when it has a picture label, or joins a known agency
or picture desk with a credit separator (``/``, `` via ``, `` for ``), or is a known picture desk
alone, or is a bracketed ``(NAME/OUTLET)`` after a sentence. Otherwise a credit-shaped tail is
*weak*: ``... on Monday. Ana Ruiz/Harbour Post`` may be a credit of an outlet nobody listed, and
needs other evidence (the line printed twice near the top, or the source's learned template).

Where a credit may start: at the line's start, or after a sentence's end or a separator
(``. ``, ``) ``, ``: ``, `` | ``, `` - ``), or as a bracketed group closing the line. Never in a
running sentence: "a poll by Reuters/Ipsos." and "He told the Associated Press that ..." are not
credits, and a part must be a capitalised name, so "Courtesy of the council, parking is free"
and "Photographer Ana Ruiz, 34, said" cannot parse.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, cast

import regex

from cleaner.memo import BoundedMemo
from cleaner.shipped import shipped_rules_dir

# Seconds the part patterns may spend on one line (the vocabulary is data a user may extend).
TIMEOUT = 0.25
# A line that opens with a credit is a caption when the rest is one short sentence.
LEADING_MAX_WORDS = 35
# How far from the end of a line a credit can start, in characters.
CREDIT_TAIL = 300
# How long a credit opening a line can be, in characters.
LEADING_MAX_CHARS = 120
# Lines whose credit is remembered.
CACHE_SIZE = 65536
# Parts whose kind is remembered (a site's names and outlets recur on every page).
PART_CACHE_SIZE = 65536
# What the memories give for a line they have not seen (None is an answer: no credit).
_UNKNOWN = object()
# A credit has at most this many parts ("REUTERS/NAME/File Photo" has three).
MAX_PARTS = 6
# A name or outlet has at most this many words.
MAX_PART_WORDS = 7

# Capitalised words that are not names: a part never starts with one ("By Jane Doe", "In Paris").
_STOP = (
    "By|In|On|At|And|Of|For|From|To|With|Via|As|The|A|An|He|She|It|They|We|I|You|This|That|These|"
    "His|Her|Their|Our|Its|But|Or|If|When|While|After|Before|According|Said|Says|Here|There|Why|How|"
    "What|Who|Where|Read|See|Click|Share|Follow|Subscribe|Sign|Watch|Listen|Posted|Updated|Published"
)
_PARTICLES = (
    "de|da|das|do|dos|del|della|di|du|des|van|von|der|den|ter|ten|la|le|al|el|bin|ibn|zu|af|y|e|i|"
    "und|of|the|and|&|für|för|og"
)
_STOP_SET = frozenset(_STOP.split("|"))
_PARTICLE_SET = frozenset(_PARTICLES.split("|"))
_ARTICLES = frozenset({"The", "THE", "the", "Le", "La", "Les", "El", "Der", "Die", "Das", "De", "Il", "Het"})
_TOKENS = regex.compile(r"[\s/|]+")
# The characters ``str.split()`` takes for white space and ``regex``'s ``\s`` does not: a line
# without them splits the same both ways (``str.split`` is several times cheaper).
_SPLIT_ONLY = re.compile(r"[\x1c-\x1f]")
_WORD_RUN = re.compile(r"\w+")
_OUTLET_IN_BRACKETS = regex.compile(r"\s+\(([^()]{2,60})\)$")
_WORD_DECORATION = ":|/()[],.;!?\"'”’“‘"
# The decoration as white space: a word that a line's token is, once undecorated, is a word of
# the line's text with its decoration made spaces (see CreditGrammar._words_in and _folded_words).
_UNDECORATE = str.maketrans(dict.fromkeys(_WORD_DECORATION, " "))
# The same for UTF-8 bytes: ASCII decoration and white space made spaces (a multi-byte
# character's bytes are none of them). str.split takes the white space outside ASCII too, and
# the decoration has curly quotes: those are made spaces before the text is encoded.
_UNDECORATE_BYTES = bytes(
    ord(" ") if chr(c) in _WORD_DECORATION or chr(c).isspace() else c for c in range(128)
) + bytes(range(128, 256))
_NON_ASCII_SPACE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NON_ASCII_GAPS = re.compile(
    "[" + _NON_ASCII_SPACE + "".join(c for c in _WORD_DECORATION if not c.isascii()) + "]"
)
_COPYRIGHT = frozenset({"©", "copyright"})
_JOINING = frozenset({"via", "for"})
_COURTESY = frozenset({"courtesy", "by", "von", "de", "por", "par"})
_HANDLE = regex.compile(r"@[\w.]{2,40}")
_ARABIC_PARTICLE = regex.compile(r"(?:al|el|ad|as|ben|bin)-\p{Lu}[\p{L}'’]*")
_FIRST_WORD_COLON = regex.compile(r"\s*([^\W\d]+)\s*:")
_SENTENCE_END = regex.compile(r'[.!?"”’]\s*$')
_LEADING = regex.compile(rf"(.{{4,{LEADING_MAX_CHARS}}}?)(?:\s+[|–—-]\s+|\.\s+)(?=\S)")
_BOUNDARY = regex.compile(r'(?:[.!?"”’)\]]\s+|[|:;–—-]\s+|[.!?"”’)\]](?=\p{Lu}))')
_SEPARATOR = regex.compile(
    r"(\s*/\s*|\s+\|\s+|\|\s*|\s*:\s+|,\s+|;\s+|\s+(?:via|for|on|VIA|FOR|ON)\s+|\s+[-–—]\s+)"
)
STRONG_SEPARATORS = frozenset({"/", "via", "for"})


def default_vocabulary_file() -> Path:
    """``credits.toml`` in the shipped rules folder."""
    folder = shipped_rules_dir()
    if folder is None:
        raise FileNotFoundError("cleaner's default rules are missing: reinstall the package")
    return folder / "credits.toml"


def _alternation(words: set[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _label_trie(labels: Iterable[str]) -> str:
    """The labels' alternation (:func:`_alternation`, matched without regard to case) as a trie
    of their lower-case forms: the same matches, tried in the same order. Labels that can match
    at one place are a chain of prefixes of each other (without case); the alternation tries the
    longest first, and so does the trie, whose end of a word is an optional tried last. (For
    the shipped labels, whose lower-case forms match what they match: the tests check it.)"""
    return _trie(sorted({label.lower() for label in labels}), regex.escape)


def _key(name: str) -> str:
    """How parts are compared with the vocabulary: exactly for short names ("AP", "PA"), without
    case otherwise ("REUTERS" is "Reuters")."""
    return name if len(name) <= 3 else name.casefold()


@dataclass(frozen=True)
class Vocabulary:
    """The words of credits (``rules/credits.toml``)."""

    labels: frozenset[str]
    source_labels: frozenset[str]
    connectors: frozenset[str]
    picture_desks: frozenset[str]
    agencies: frozenset[str]
    suffixes: frozenset[str]
    not_credits: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> Vocabulary:
        path = path or default_vocabulary_file()
        with path.open("rb") as f:
            data = tomllib.load(f)["credits"]
        return cls(**{name: frozenset(data.get(name, ())) for name in cls.__dataclass_fields__})

    @cached_property
    def known(self) -> dict[str, str]:
        """Agency, desk and suffix names by their comparison key: part -> "desk" | "agency" | "suffix"."""
        kinds: dict[str, str] = {}
        for kind, names in (
            ("suffix", self.suffixes),
            ("agency", self.agencies),
            ("desk", self.picture_desks),
        ):
            for name in names:
                kinds[_key(name)] = kind
                kinds[name.upper()] = kind
        return kinds


@cache
def shipped_vocabulary() -> Vocabulary | None:
    """The shipped vocabulary, read once per process (None if it is missing)."""
    try:
        return Vocabulary.load()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Credit:
    """A credit found at ``start`` of a line: how strong it is and what it rests on.

    ``basis`` names the evidence: "label" (a picture label), "agency" (a known agency or desk
    joined by a credit separator), "desk" (a picture desk alone), "bracket" (a bracketed
    NAME/OUTLET after a sentence), "shape" (a credit's shape with nothing known in it: weak).
    """

    start: int
    strong: bool
    basis: str
    parts: tuple[str, ...]
    separators: tuple[str, ...]
    bracketed: bool = False
    leading: bool = False
    label: str = ""  # the label word, case-folded, when there is one


class CreditGrammar:
    """Parses the end (or start) of a line as a credit; see the module docstring."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary.load()
        v = self.vocabulary
        not_credit = _alternation(set(v.not_credits))
        labels = set(v.labels) | set(v.source_labels)
        connectors = _alternation(set(v.connectors))
        # The shipped vocabulary is tested: its patterns run without a time limit, and its labels
        # are one trie (tried character by character, not label by label; see _label_trie).
        shipped = v == shipped_vocabulary()
        self._timeout = None if shipped else TIMEOUT
        label = (
            rf"(?P<label>(?i:{_label_trie(labels) if shipped else _alternation(labels)}))"
            rf"(?P<link>\s*[:|/]\s*|\s+(?i:{connectors})\s+|(?<=\.|(?i:\bof))\s+|(?<=©)\s*|\s*$)"
        )
        # Tried in turn: a label opening the credit ("Photo courtesy of NAME"), then one after an
        # outlet ("AP Photo/NAME", "Harbour Post Photo: NAME").
        self._labels_re = (
            regex.compile(rf"(?P<outlet>){label}"),
            regex.compile(rf"(?P<outlet>\S+(?: \S+){{0,{MAX_PART_WORDS - 1}}}?)\s{label}"),
        )
        self._courtesy = regex.compile(r"(?i:courtesy(?: of)?|by|von|de|por|par)\s+")
        self._labels = {w.casefold() for w in v.labels}
        self._source_labels = {w.casefold() for w in v.source_labels}
        self._not_credit = regex.compile(rf"(?i:{not_credit})\b")
        self._cache: BoundedMemo[str, Credit | None] = BoundedMemo(CACHE_SIZE)
        self._kinds: BoundedMemo[str, str | None] = BoundedMemo(PART_CACHE_SIZE)
        # Lines whose credit is not known yet that the first test (_may_hold_credit) let through.
        self._held: BoundedMemo[str, bool] = BoundedMemo(CACHE_SIZE)
        # Cheap first tests, before any pattern runs: most lines hold no label and no credit.
        self._label_words = {w.split()[0].casefold().strip(_WORD_DECORATION) for w in labels}
        # The same, UTF-8 encoded, for the tests on _folded_words; with "via" and "for".
        self._label_keys = frozenset(w.encode() for w in self._label_words)
        self._hold_keys = self._label_keys | {w.encode() for w in _JOINING}
        self._holding = _decorated_words(self._hold_keys)
        self._not_credit_words = {w.split()[0].casefold() for w in v.not_credits}
        # Words with decoration inside (a user's vocabulary may have one) defeat _words_in.
        self._plain_words = not any(
            c in _WORD_DECORATION or c.isspace() for word in self._label_words for c in word
        )
        self._agency_runs = _agency_runs(v.known)
        # The same runs UTF-8 encoded, for ASCII lines (only ASCII runs can be one of theirs).
        self._agency_ascii_runs = (
            (
                frozenset(run.encode() for run in self._agency_runs[0][0]),
                frozenset((a.encode(), b.encode()) for a, b in self._agency_runs[0][1]),
            )
            if self._agency_runs is not None
            else (frozenset(), frozenset())
        )

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_cache"] = BoundedMemo(CACHE_SIZE)  # a worker process starts with its own
        state["_kinds"] = BoundedMemo(PART_CACHE_SIZE)
        state["_held"] = BoundedMemo(CACHE_SIZE)
        return state

    # --- parts ---------------------------------------------------------------------------

    def part_kind(self, part: str) -> str | None:
        """What one part of a credit is: "desk", "agency", "suffix", "handle", "name" (a person's
        name: two to five capitalised words), "outlet" (any other capitalised name), or None.

        Answers are remembered: a site's names and outlets, and its navigation's words, come
        back on every page and at every place a credit may start."""
        kinds = self._kinds
        if part in kinds:
            return kinds[part]
        return kinds.remember(part, self._part_kind(part))

    def _part_kind(self, part: str) -> str | None:
        part = part.strip().rstrip(".").strip()
        if not part:
            return None
        known = self.vocabulary.known
        kind = known.get(_key(part)) or known.get(part.upper())
        if kind is not None:
            return kind
        if part.casefold() in self._labels:
            return None  # "Photo" is the label of a credit, not a party to it
        if part[0] == "@" and _HANDLE.fullmatch(part):
            return "handle"
        if part[0] == "©":
            return self.part_kind(part[1:])  # "Foto: © NAME"
        words = part.split()
        if words[0].casefold() in _COURTESY:
            courtesy = self._courtesy.match(part)
            if courtesy is not None:
                return self.part_kind(part[courtesy.end() :])
        if len(words) > MAX_PART_WORDS or self._opens_not_credit(part) or not self._is_name(words):
            return None
        capitalised = [w for w in words if w[:1].isupper()]
        if 2 <= len(capitalised) == len(words) <= 5 and not any(c.isdigit() for c in part):
            return "name"
        return "outlet"

    def _opens_not_credit(self, text: str) -> bool:
        """Whether ``text`` opens like a text's credits ("Reporting by ...", "Editing: ...")."""
        first = text.split(maxsplit=1)[0].casefold() if text.strip() else ""
        return first in self._not_credit_words and self._not_credit.match(text) is not None

    def _is_name(self, words: list[str]) -> bool:
        """Whether ``words`` are a capitalised name: "Ana Ruiz", "Miguel de Sousa", "The Harbour
        Times", "iStock", "Channel 4"; never one with a function word ("By Jane", "In Paris") or
        a word of a text's credits ("Reporting")."""
        start = 1 if len(words) > 1 and words[0] in _ARTICLES else 0
        for j, word in enumerate(words[start:], start):
            if self._name_word(word):
                continue
            inner = start < j < len(words) - 1
            if j > start and (word[0].isdigit() or (inner and word in _PARTICLE_SET)):
                continue
            if j > start and _ARABIC_PARTICLE.fullmatch(word):
                continue
            return False
        return True

    def _name_word(self, word: str) -> bool:
        if word in _STOP_SET or word.casefold() in self._not_credit_words:
            return False
        if not all(c.isalnum() or c in "'’.-" for c in word):
            return False
        return word[0].isupper() or (word[0].islower() and any(c.isupper() for c in word))

    def _split(self, body: str) -> tuple[list[str], list[str]] | None:
        """``body``'s parts and separators; None if it has too many parts, an empty one, or a
        first part that is no party to a credit (the common case, told before splitting the rest)."""
        first = _SEPARATOR.search(body)
        head = body if first is None else body[: first.start()]
        if not head.strip() or self.part_kind(head) is None:
            return None
        pieces = _SEPARATOR.split(body)
        parts, seps = pieces[0::2], [s.strip().casefold() or " " for s in pieces[1::2]]
        if len(parts) > MAX_PARTS or any(not p.strip() for p in parts):
            return None
        return parts, seps

    # --- a credit -----------------------------------------------------------------------

    def parse(self, text: str, after_sentence: bool = True) -> Credit | None:
        """``text`` read as a credit (the whole of it), with ``start`` 0; None if it is not one.

        ``after_sentence``: whether it follows a sentence's end (or starts the line), which a
        bracketed NAME/OUTLET needs to be strong.
        """
        return self._parse(text, after_sentence, labelled=True)

    def _parse(self, text: str, after_sentence: bool, labelled: bool, shaped: bool = True) -> Credit | None:
        """:meth:`parse`; ``labelled``: False when the line ``text`` is cut from has no label
        word (:meth:`_may_be_labelled`), so no label can open it; ``shaped``: False when it has
        no "/", no "|" and no known agency or picture desk (:meth:`_may_name_agency`), so only
        a label makes a credit of it (see below: without one, a credit is a desk alone, joins a
        known name, or has the NAME/OUTLET or NAME | OUTLET shape)."""
        text = text.strip()
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1].rstrip()
        bracketed = len(text) > 2 and _closing_bracket(text) == 0
        if bracketed:
            text = text[1:-1].strip()
        if not text or self._opens_not_credit(text):
            return None
        label_kind = None
        slashed = False
        outlet: str | None = None
        body = text
        match = self._label_match(text) if labelled else None
        if match is None and not shaped:
            return None
        if match is not None:
            label = match.group("label").casefold()
            outlet = match.group("outlet") or None
            body = text[match.end() :]
            # "Photo/NAME" and "AP Photo/NAME", but "Photographer / Videographer" is two jobs:
            # after a bare label, "/" must lead to someone (checked with the parts below).
            slashed = outlet is None and match.group("link").strip() == "/"
            if label in self._labels:
                label_kind = "picture"
            elif label in self._source_labels:
                label_kind = "source"
            if not body.strip():
                # A label alone is a credit only with an outlet before it: "(AP Photo)".
                if outlet is None or label_kind != "picture":
                    return None
                strong = self.part_kind(outlet) in ("agency", "desk") or bracketed
                return Credit(0, strong, "label", (outlet,), (), bracketed, label=label)
        if label_kind is not None:
            body = _OUTLET_IN_BRACKETS.sub(r"/\1", body)  # "Photo: NAME (Harbour Post)"
        split = self._split(body)
        if split is None:
            return None
        parts, seps = split
        kinds: list[str] = []
        for p in parts:
            kind = self.part_kind(p)
            if kind is None:
                return None  # every part must be a party to the credit: the first that is not ends it
            kinds.append(kind)
        if label_kind is not None and slashed and not {"name", "agency", "desk"} & set(kinds):
            return None
        known = {"agency", "desk"} & set(kinds)
        strong_link = bool(STRONG_SEPARATORS & set(seps))
        clean_parts = tuple(p.strip() for p in parts)
        if label_kind == "picture":
            # The outlet before the label is a party too: "Romas Photo/Shutterstock".
            parties = (outlet, *clean_parts) if outlet else clean_parts
            return Credit(0, True, "label", parties, tuple(seps), bracketed, label=label)
        if label_kind == "source":
            return Credit(0, "desk" in kinds, "label", clean_parts, tuple(seps), bracketed, label=label)
        if len(parts) == 1:
            if kinds[0] == "desk":
                return Credit(0, True, "desk", clean_parts, (), bracketed)
            return None  # a name alone ends many a headline: "Planning: Beginner's Guide"
        if known and strong_link:
            return Credit(0, True, "agency", clean_parts, tuple(seps), bracketed)
        # With nothing known in it, a credit's shape is NAME/OUTLET or NAME | OUTLET: "for" and
        # "via" join many a title-case headline ("Insights for Business Growth").
        credit_like = "/" in seps or "|" in seps
        if not credit_like or not ({"name", "agency", "desk"} & set(kinds)):
            return None
        strong = bracketed and after_sentence and "/" in seps and kinds[0] == "name"
        return Credit(0, strong, "bracket" if strong else "shape", clean_parts, tuple(seps), bracketed)

    def _label_match(self, text: str) -> regex.Match[str] | None:
        """The label opening ``text`` (after an outlet that parses as a part, if any)."""
        # The first words alone (a text is stripped: without "/", "|" and the characters only
        # str.split takes for white space, str.split gives the same tokens, more cheaply).
        if "/" in text or "|" in text or _SPLIT_ONLY.search(text):
            first = _TOKENS.split(text, MAX_PART_WORDS + 1)[: MAX_PART_WORDS + 1]
        else:
            first = text.split(None, MAX_PART_WORDS + 1)[: MAX_PART_WORDS + 1]
        words = {w.strip(_WORD_DECORATION).casefold() for w in first}
        if not words & self._label_words:
            return None
        for pattern in self._labels_re:
            try:
                match = pattern.match(text, timeout=self._timeout)
            except TimeoutError:
                return None
            if match is not None and (not match.group("outlet") or self.part_kind(match.group("outlet"))):
                return match
        return None

    def source_note(self, text: str) -> bool:
        """Whether ``text`` opens with a source label ("Source: ...", "Quelle: ..."): a line of a
        chart's or a text's sources, not a picture's description."""
        match = _FIRST_WORD_COLON.match(text)
        return match is not None and match.group(1).casefold() in self._source_labels

    def starts(self, line: str) -> list[int]:
        """Where a credit ending ``line`` may start, longest tail first (see the module docstring)."""
        begin = max(0, len(line) - CREDIT_TAIL)
        found = [0] if begin == 0 else []
        found += [m.end() for m in _BOUNDARY.finditer(line, begin) if m.end() < len(line)]
        return sorted(set(found))

    def _may_hold_credit(self, line: str) -> bool:
        """A cheap first test: a credit needs "/" or "|", a label, "via" or "for", or a known
        name closing the line (a picture desk alone)."""
        tail = line[-CREDIT_TAIL:]
        if "/" in tail or "|" in tail:
            return True
        if self._holds_word(tail):
            return True
        last = tail.rsplit(". ", 1)[-1].strip().rstrip(".")
        known = self.vocabulary.known
        return known.get(_key(last)) is not None or last.upper() in known

    def _holds_word(self, tail: str) -> bool:
        """Whether a token of ``tail`` (a line's end, without "/" and "|") is a label word,
        "via" or "for" once undecorated and case-folded."""
        if self._plain_words:
            # One of the words alone in its token, with decoration only around it: found by one
            # search of the case-folded text (see _decorated_words).
            return self._holding.search(tail.casefold()) is not None
        tokens = _TOKENS.split(tail) if _SPLIT_ONLY.search(tail) else tail.split()
        words = {w.strip(_WORD_DECORATION).casefold() for w in tokens}
        return bool(words & self._label_words or words & _JOINING)

    def _words_in(self, text: str, words: frozenset[bytes]) -> bool:
        """A necessary condition, tested at C speed, for a token of ``text`` (or of any text cut
        from it where a credit may start: after white space, "/", "|" or a decoration character)
        to be one of ``words`` (UTF-8 encoded) once undecorated and case-folded: with the
        decoration made spaces, the case-folded text has one of ``words`` as a
        white-space-separated word (:func:`_folded_words`). (Case-folding leaves decoration and
        white space as they are, and makes neither of any other character.) False means none is."""
        if not self._plain_words:
            return True
        return not words.isdisjoint(_folded_words(text))

    def _may_name_agency(self, line: str) -> bool:
        """A necessary condition, tested at C speed, for a part cut from ``line`` to be a known
        agency or picture desk (:meth:`part_kind`: the part is a name, or its case-folded or
        upper-cased form is one of the known keys).

        Such a part is cut at white space, separators, brackets, "©" or sentence ends, none of
        them a word character nor changed by case mappings, which map a line character by
        character. So each run of word characters of the part's case-folded (upper-cased) form
        is one of the case-folded (upper-cased) line's, in the same order: the name's first run
        is among the line's (followed by its second, when it has one). On an ASCII line the
        case-folded form alone tells (a part there equals a key only if their lower cases do),
        its runs cut at C speed (:func:`_ascii_runs`).
        """
        if self._agency_runs is None:
            return True
        folded, upper = self._agency_runs
        if line.isascii():
            singles, pairs = self._agency_ascii_runs
            runs = _ascii_runs(line)
            return not singles.isdisjoint(runs) or not pairs.isdisjoint(itertools.pairwise(runs))
        if _has_runs(line.casefold(), folded):
            return True
        return not line.isascii() and _has_runs(line.upper(), upper)

    def credit(self, line: str) -> Credit | None:
        """The strongest credit ending ``line`` (or, failing that, opening it); None if none.

        Answers are remembered: the passes ask about every line in every round, and the site
        stage asks again.
        """
        known = self._cache.get(line, _UNKNOWN)  # one look-up, not ``in`` then ``[]``
        if known is not _UNKNOWN:
            return cast("Credit | None", known)
        return self._cache.remember(line, self._credit(line))

    def known_without_credit(self, line: str) -> bool:
        """Whether :meth:`credit`'s memory has ``line`` with no credit (False: no credit is not
        known, which is not to say there is one)."""
        return self._cache.get(line, _UNKNOWN) is None

    def may_credit(self, lines: Sequence[str]) -> list[int]:
        """The indices of ``lines`` whose credit is not known to be none, from :meth:`credit`'s
        memory or its cheap first test (a line the test turns away is remembered as having
        none, as :meth:`credit` would): most lines have no credit, and the passes see them
        again in every round."""
        known = self._cache.get
        remember = self._cache.remember
        may_hold = self._may_hold_credit
        held = self._held
        found = []
        for i, line in enumerate(lines):
            answer = known(line, _UNKNOWN)
            if answer is None:
                continue
            if answer is _UNKNOWN and line not in held:
                if not may_hold(line.rstrip()):
                    remember(line, None)
                    continue
                held.remember(line, True)  # :meth:`credit` need not test it again
            found.append(i)
        return found

    def _credit(self, line: str) -> Credit | None:
        held = line in self._held  # the first test has said "maybe" (:meth:`may_credit`)
        line = line.rstrip()
        if not held and not self._may_hold_credit(line):
            return None
        # The credits ending the line are cut from its last CREDIT_TAIL characters or from the
        # bracketed group closing it; one opening it, from its first LEADING_MAX_CHARS.
        bracket = _closing_bracket(line)
        lo = max(0, len(line) - CREDIT_TAIL)
        if bracket is not None:
            lo = min(lo, bracket)
        tail = line[lo:]
        # Without a label word, no text cut from there opens with a label: the label patterns
        # need not be tried.
        labelled = self._words_in(tail, self._label_keys)
        shaped = "/" in tail or "|" in tail or self._may_name_agency(tail)
        if not labelled and not shaped:
            # Nor can a credit without a label end the line: one of NAME/OUTLET or NAME | OUTLET
            # shape needs the "/" or "|", any other a known agency or picture desk (see parse).
            # Only a labelled one opening the line may be left.
            if lo == 0 or not self._words_in(line[:LEADING_MAX_CHARS], self._label_keys):
                return None
            return self.leading_credit(line)
        best: Credit | None = None
        for start in self.starts(line):
            found = self._parse(line[start:], True, labelled, shaped)
            if found is not None:
                best = _stronger(
                    best,
                    dataclasses.replace(found, start=start),
                )
                if best.strong:
                    return best
        if bracket is not None and bracket > 0:
            after_sentence = bool(_SENTENCE_END.search(line[:bracket]))
            found = self._parse(line[bracket:], after_sentence, labelled, shaped)
            if found is not None:
                best = _stronger(best, dataclasses.replace(found, start=bracket, bracketed=True))
        if (best is None or not best.strong) and (
            labelled if lo == 0 else self._words_in(line[:LEADING_MAX_CHARS], self._label_keys)
        ):
            leading = self.leading_credit(line)
            if leading is not None:
                return leading
        return best

    def leading_credit(self, line: str) -> Credit | None:
        """A labelled credit opening the line, then the caption: "Photo: NAME/OUTLET | Crowds at ..."."""
        match = _LEADING.match(line)
        if match is None or len(line.split()) > LEADING_MAX_WORDS:
            return None
        if _BOUNDARY.search(line[match.end() :].rstrip().rstrip(".!?")):
            return None  # the caption after a leading credit is one sentence, not a paragraph
        found = self.parse(match.group(1))
        if found is None or not found.strong or found.basis != "label" or found.label in _COPYRIGHT:
            # "© Harbour Post. All rights reserved." opens a footer, not a caption
            return None
        return dataclasses.replace(found, leading=True)


def _decorated_words(words: Iterable[bytes]) -> re.Pattern[str]:
    """A white-space-separated token that is one of ``words`` (UTF-8 encoded, without
    decoration) with decoration only around it: "Photo:", "(via", "“file”" for "photo", "via",
    "file", in a case-folded text. White space is what ``regex``'s \\s takes (``re``'s but
    "\\x1c" to "\\x1f", see _SPLIT_ONLY), as the credit's tokens are cut (_TOKENS). The words are
    one alternation, written as a trie (each character tried once per place, not once per word).

    >>> pattern = _decorated_words([b"photo", b"photos", b"via"])
    >>> [bool(pattern.search(t)) for t in ["(photos: ana", "via", "photon", "a/photo", "“photo”", "a\x1cvia"]]
    [True, True, False, False, True, False]
    """
    decoration = "[" + re.escape(_WORD_DECORATION) + "]*"
    before, after = r"(?<!\S)(?<![\x1c-\x1f])", r"(?!\S)(?![\x1c-\x1f])"
    return re.compile(f"{before}{decoration}{_trie([w.decode() for w in words])}{decoration}{after}")


def _trie(words: Iterable[str], escape: Callable[[str], str] = re.escape) -> str:
    """A pattern matching exactly ``words`` (none empty), as a trie of their characters.

    >>> _trie(["for", "foto", "fotos", "via"])
    '(?:fo(?:r|to(?:s)?)|via)'
    """
    tree: dict[str, dict[str, Any]] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [escape(char) + pattern(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return pattern(tree)  # a group, or a sequence: either stands as one item in a pattern


def _folded_words(text: str) -> list[bytes]:
    """The words of ``text`` case-folded, with its decoration made spaces, UTF-8 encoded: what
    ``text.casefold().translate(_UNDECORATE).split()`` gives, encoded, cut at C speed
    (``str.translate`` looks each character of a line that is not ASCII up in a dict).

    >>> _folded_words("Fishermen at dawn.Photo: Ana\xa0Ruiz")
    [b'fishermen', b'at', b'dawn', b'photo', b'ana', b'ruiz']
    """
    if not text.isascii():
        text = _NON_ASCII_GAPS.sub(" ", text)
    return text.casefold().encode().translate(_UNDECORATE_BYTES).split()


_Runs = tuple[frozenset[str], frozenset[tuple[str, str]]]


def _first_runs(names: Iterable[str]) -> _Runs | None:
    """The names' first runs of word characters: alone for a name of one run, with the second
    for a longer one; None if a name has no word character (the test would not hold)."""
    singles: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for name in names:
        runs = _WORD_RUN.findall(name)
        if not runs:
            return None
        if len(runs) == 1:
            singles.add(runs[0])
        else:
            pairs.add((runs[0], runs[1]))
    return frozenset(singles), frozenset(pairs)


# ASCII letters (lower-cased), digits and "_" as they are; a space for every other byte: an
# ASCII text's case-folded runs of word characters are its bytes translated and split.
_ASCII_RUN_BYTES = bytes(
    ord(chr(c).lower()) if c < 128 and (chr(c).isalnum() or c == ord("_")) else ord(" ") for c in range(256)
)


def _ascii_runs(text: str) -> list[bytes]:
    """The runs of word characters of an ASCII ``text`` case-folded, UTF-8 encoded: what
    ``re.findall(r"\\w+", text.casefold())`` gives, encoded (\\w is [A-Za-z0-9_] there).

    >>> _ascii_runs("AP Photo/Ana_Ruiz, 2024")
    [b'ap', b'photo', b'ana_ruiz', b'2024']
    """
    return text.encode().translate(_ASCII_RUN_BYTES).split()


def _has_runs(text: str, first: _Runs) -> bool:
    """Whether ``text`` has one of the names' first runs (:func:`_first_runs`)."""
    singles, pairs = first
    runs = _WORD_RUN.findall(text)
    return not singles.isdisjoint(runs) or not pairs.isdisjoint(itertools.pairwise(runs))


def _agency_runs(known: dict[str, str]) -> tuple[_Runs, _Runs] | None:
    """For :meth:`CreditGrammar._may_name_agency`: the agency and desk keys' first runs, as the
    case-folded line shows them (the key, or its case-folded form) and as the upper-cased line
    does (the key); None if the test would not hold."""
    keys = [key for key, kind in known.items() if kind in ("agency", "desk")]
    folded = _first_runs([*keys, *(key.casefold() for key in keys)])
    upper = _first_runs(keys)
    return None if folded is None or upper is None else (folded, upper)


def _stronger(a: Credit | None, b: Credit) -> Credit:
    if a is None:
        return b
    rank = {"shape": 1}
    if b.strong and not a.strong:
        return b
    if b.strong == a.strong and rank.get(b.basis, 2) > rank.get(a.basis, 2):
        return b
    return a


def _closing_bracket(line: str) -> int | None:
    """Where the bracketed group closing ``line`` opens ("... Monday (Ana Ruiz/Harbour Post)")."""
    text = line.rstrip().rstrip(".")
    if not text or text[-1] not in ")]":
        return None
    opening = "(" if text[-1] == ")" else "["
    depth = 0
    for i in range(len(text) - 1, max(-1, len(text) - CREDIT_TAIL), -1):
        if text[i] in ")]":
            depth += 1
        elif text[i] in "([":
            depth -= 1
            if depth == 0:
                return i if text[i] == opening else None
    return None

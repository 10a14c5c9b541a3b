"""The headline: found once, kept in ``title``, and its repeats removed from the text.

Scrapers print the headline on top and often again below the captions. The title is the input
record's ``title`` when it has one; otherwise the first paragraph when it reads like a headline.
A repeat is a paragraph equal to the title up to case, punctuation and spacing, standing where
the scraper prints it: above the first paragraph of the article (captions and junk that stood
between are gone by then: the pipeline runs to a fixed point).

Whole pages open with the page's ``<title>``, which carries the site's name ("Ten Family Cars
Tested | Motor Weekly"), while the headline itself stands lower, after the menus. A page is a
document with at least PAGE_MIN_LEADING lines above its first prose paragraph. Its title is cut
at a separator into the headlines it may hold (:func:`page_title_cuts`): the side of as many
words as the rest, or any side when the rest names the URL's host (:func:`names_site`: its
letters, its longer words or its initials are the host's). The body line nearest the prose
that prints a cut, alone or (on a page) behind a breadcrumb trail, is the headline
(:func:`find_headline`): it goes to ``title`` (``title.headline``) and the page title is removed
(``title.page-title``); when the print only restyles the cut (capitals, quotes: :func:`restyled`)
or carries a breadcrumb, the page title's cut is the title as written and the print is removed.
When no line prints one, the headline-like line above the prose that shares most words with the
page title, helped by a byline or dateline below it, is taken (:func:`similar_headline`), down
to where the prose runs (:func:`prose_run`) when the first prose paragraph stands alone;
failing that, the site's name is cut from the page title (``title.site-name``), which is then
the title. A short page (fewer leading lines: a blog post, an extractor's output) takes a body
line only when it prints a cut exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar
from urllib.parse import urlsplit

from cleaner.content.features import is_byline, is_dateline
from cleaner.document import Document, Edit, MoveTarget

_WORD = re.compile(r"\w+")
HEADLINE_MAX_WORDS = 30
HEADLINE_MAX_CHARS = 300
REPEATED_HEADLINE_MAX_WORDS = 60
# Where a page title joins its headline and the site's name: "A | Site", "Site - A", "Site: A".
_AFFIX = re.compile(r"\s+[|\-–—·•»/~⋆]\s+|\s*::\s*|:\s+|\s+[|⋆]$")
PAGE_TITLE_MIN_WORDS = 2


def _letters(text: str) -> str:
    return "".join(_WORD.findall(text.casefold())).replace("_", "")


def _host_labels(host: str) -> list[str]:
    """The labels of a host that can name a site: not ``www``/``m`` and not the last (the TLD).

    >>> _host_labels("www.ers.usda.gov"), _host_labels("harbour-post.co.uk")
    (['ers', 'usda'], ['harbourpost', 'co'])
    """
    labels = host.casefold().replace("-", "").split(".")[:-1]
    return [label for label in labels if label and label not in ("www", "m")]


SITE_INITIALS_MAX_WORDS = 6
SITE_NAME_MAX_WORDS = 4
SITE_LABEL_MIN_LETTERS = 5
SITE_WORD_MIN_LETTERS = 4
SITE_SHORT_LABEL_MIN_LETTERS = 3


def names_site(part: str, host: str, loose: bool = False) -> bool:
    """Whether a part of a page title names the site the URL's host names: its letters are
    part of the host ("Harbour Post" on harbourpost.example), so are those of its longer words
    ("The Tide Studies Centre" on tidestudiescentre.example), or the initials of its capitalised
    words are a host label ("Economic Research Service" on ers.usda.gov). ``loose`` also
    accepts a long host label inside the part ("Harbour Post Weekend" on harbourpost.example):
    good enough to say that the side cut away is the site's, not to refuse a headline that
    names the site ("Pricing changes for Harbour Post readers").

    >>> names_site("Harbour Post", "www.harbourpost.example")
    True
    >>> names_site("Tide Lab of Northport", "tln.example.org")
    True
    >>> names_site("Storm closes bridge", "www.harbourpost.example")
    False
    >>> names_site("The Tide Studies Centre", "tidestudiescentre.example")
    True
    >>> names_site("Harbour Post Weekend", "harbourpost.example", loose=True)
    True
    """
    return Site.of(host).named_by(part, loose)


@dataclass(frozen=True)
class Site:
    """A URL's host and the labels that can name its site (:func:`_host_labels`), split once
    per page: each part and each side of the page title is checked against them
    (:func:`names_site` says how)."""

    host: str
    labels: tuple[str, ...]
    joined: str

    @classmethod
    def of(cls, host: str) -> Site:
        labels = tuple(_host_labels(host))
        return cls(host, labels, "".join(labels))

    def named_by(self, part: str, loose: bool = False) -> bool:
        """Whether ``part`` names this site: :func:`names_site`."""
        letters = _letters(part)
        if not letters or not self.host:
            return False
        labels = self.labels
        words = _WORD.findall(part)
        long_words = [w for w in words if len(w) >= SITE_WORD_MIN_LETTERS]
        longer = "".join(long_words).casefold() if len(long_words) >= 2 else ""
        initials = "".join(w[0] for w in words if w[0].isupper()).casefold()
        # A short part may hold a short label ("QRS Official" on qrs.example); a longer one only a long one.
        least = SITE_LABEL_MIN_LETTERS if len(words) > SITE_NAME_MAX_WORDS else SITE_SHORT_LABEL_MIN_LETTERS
        return (
            letters in self.joined
            or (len(longer) >= SITE_LABEL_MIN_LETTERS and longer in self.joined)
            or (len(words) <= SITE_INITIALS_MAX_WORDS and len(initials) >= 2 and initials in labels)
            or (loose and any(len(label) >= least and label in letters for label in labels))
        )


def _is_site(part: str, site: Site, cut_words: int = 0) -> bool:
    """Whether a whole side of a page title is the site's name: short, and naming the host; or,
    beside a cut of PAGE_TITLE_MIN_WORDS words or more, any single part naming the host (an
    institution's full name, "Dredging works | The Northport School of Coastal and Marine
    Engineering" on engineering.northport.example, is longer than many headlines).

    >>> site = Site.of("engineering.northport.example")
    >>> _is_site("The Northport School of Coastal and Marine Engineering", site, 2)
    True
    >>> _is_site("The Northport School of Coastal and Marine Engineering", site)
    False
    """
    if not site.named_by(part, loose=True):
        return False
    words = len(_WORD.findall(part))
    single = _AFFIX.search(part) is None
    return words <= SITE_INITIALS_MAX_WORDS or (cut_words >= PAGE_TITLE_MIN_WORDS and single)


def _beside_site(cut: str, rest: str, beside: str, site: Site, right: bool) -> bool:
    """Whether ``cut`` is a headline because the part beside it names the site ("Coffee - Tide
    Lab of Northport"). A page title reads headline first when the site's name stands between
    parts ("Plan for new runners - RUN | Powered by Acme": what follows the name is the
    site's tagline), so a cut right of the name counts only when all on its left names the
    site ("Acme - Help | Plans").

    >>> run = Site.of("run.acme.example")
    >>> _beside_site("Powered by Acme", "Plan for new runners - RUN", "RUN", run, True)
    False
    >>> _beside_site("Plans", "Acme - Help", "Help", Site.of("help.acme.example"), True)
    True
    >>> tln = Site.of("tln.example.org")
    >>> _beside_site("Coffee", "Tide Lab of Northport", "Tide Lab of Northport", tln, False)
    True
    """
    if not site.named_by(beside):
        return False
    return not right or all(site.named_by(part) for part in _AFFIX.split(rest) if part.strip())


def page_title_cuts(first: str, host: str = "") -> list[str]:
    """The headlines a page title may hold, most words first: the text on one side of a
    separator, when it has at least as many words as the side cut away (the site's name is the
    short side) and does not name the URL's host; when the side cut away names the host, the
    other side is a cut however short ("Coffee - Tide Lab of Northport" on tln.example.org).

    >>> page_title_cuts("Ten Family Cars Tested | Motor Weekly")
    ['Ten Family Cars Tested']
    >>> page_title_cuts("The Harbour Post - Storm closes bridge - Local")
    ['The Harbour Post - Storm closes bridge', 'Storm closes bridge - Local']
    >>> page_title_cuts("Harbour Post | Bridge Vote", host="harbourpost.com")
    ['Bridge Vote']
    >>> page_title_cuts("Tides | Tide Lab of Northport", host="tln.example.org")
    ['Tides']
    """
    return PageTitle(first, host).cuts


def _page_title_cuts(first: str, site: Site) -> list[str]:
    """:func:`page_title_cuts`, the host's labels split once."""
    cuts: list[str] = []
    matches = list(_AFFIX.finditer(first))
    for k, match in enumerate(matches):
        left, right = first[: match.start()].strip(), first[match.end() :].strip()
        # The parts next to the separator: the site's name may be one of several ("Help | HPS - ...").
        after = first[match.end() : matches[k + 1].start()] if k + 1 < len(matches) else right
        before = first[matches[k - 1].end() : match.start()] if k else left
        for cut, rest, beside, on_right in ((left, right, after, False), (right, left, before, True)):
            if not on_right and ":" in match.group():  # "Storm: what we know"; "Site: Storm"
                continue
            words = len(_WORD.findall(cut))
            # A cut before the site's name outnumbers what stands between them ("Ana Ruiz - ...").
            rest_words = len(_WORD.findall(rest)) if on_right else _words_before_site(rest, site)
            long_enough = words >= PAGE_TITLE_MIN_WORDS and words >= rest_words
            freed = _is_site(rest, site, words) or _beside_site(cut, rest, beside, site, on_right)
            if words and (long_enough or freed) and not site.named_by(cut) and cut not in cuts:
                cuts.append(cut)
    return sorted(cuts, key=lambda c: (-len(_WORD.findall(c)), -len(c)))


def _words_before_site(rest: str, site: Site) -> int:
    """The words of a page title's end before its last parts that name the site: a site's
    name in two parts ("Ana Ruiz - Garden Notes" on gardennotes.example) leaves its first
    ("Ana Ruiz"), which a headline before it must outnumber, not the whole name.

    >>> _words_before_site("Ana Ruiz - Garden Notes", Site.of("gardennotes.example"))
    2
    >>> _words_before_site("Ana Ruiz - Garden Notes", Site.of("harbourpost.example"))
    4
    """
    parts = _AFFIX.split(rest)
    while len(parts) > 1 and site.named_by(parts[-1], loose=True):
        parts.pop()
    return sum(len(_WORD.findall(part)) for part in parts)


def site_name_span(first: str, host: str = "") -> tuple[int, int] | None:
    """Where a page title's site name stands (with its separator), when no body line is the
    headline: a short last part after " | ", or a first or last part that is the host's name;
    the last part with the same words printed right before it, when a template and the site
    both added the name ("Ten Family Cars Tested | Motor Weekly | Motor Weekly").

    >>> first = "Ten Family Cars Tested | Motor Weekly"
    >>> start, end = site_name_span(first)
    >>> first[:start] + first[end:]
    'Ten Family Cars Tested'
    >>> site_name_span("Motor Weekly - Ten Family Cars Tested", "motorweekly.com")
    (0, 15)
    >>> site_name_span("Storm - what we know") is None
    True
    >>> site_name_span("Ten Family Cars Tested | Motor Weekly | Motor Weekly")
    (22, 52)
    """
    matches = list(_AFFIX.finditer(first))
    if not matches:
        return None
    last, head = matches[-1], matches[0]
    tail, lead = first[last.end() :], first[: head.start()]
    tail_words, lead_words = len(_WORD.findall(tail)), len(_WORD.findall(lead))
    rest_words = len(_WORD.findall(first[: last.start()]))
    short_tail = 0 < tail_words <= SITE_NAME_MAX_WORDS and tail_words < rest_words
    if short_tail and ("|" in last.group() or names_site(tail, host, loose=True)):
        return _repeated_before(first, matches, headline_key(tail)), len(first)
    rest_words = len(_WORD.findall(first[head.end() :]))
    if 0 < lead_words <= SITE_NAME_MAX_WORDS and lead_words < rest_words and names_site(lead, host):
        return 0, head.end()
    return None


def _repeated_before(first: str, matches: list[re.Match[str]], tail: str) -> int:
    """Where the run of parts ending a page title whose key is ``tail`` starts (its separator
    included): the last part, and any printed right before it with the same words."""
    k = len(matches) - 1
    while k > 0 and headline_key(first[matches[k - 1].end() : matches[k].start()]) == tail:
        k -= 1
    return matches[k].start()


HEADLINE_MIN_DICE = 0.6
HEADLINE_MIN_DICE_BYLINED = 0.2
HEADLINE_MIN_SHARED = 2
BYLINE_BONUS = 0.3
BYLINE_WINDOW = 4
MENU_ITEM_WORDS = 3
FRAGMENT_SHARE = 2 / 3


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


BREADCRUMB_MAX_WORDS = 6


def glued_tail(line: str, tails: Set[str]) -> str | None:
    """The headline a line prints after a breadcrumb trail glued to it ("Home News Ferry strike
    set for next week", "Blog: Ferry strike"): one of ``tails`` (headline keys) ending the
    line's key after at most BREADCRUMB_MAX_WORDS words, and no more words than the headline
    has; a single word only with a separator after it ("The Ferry strike" is a headline's own).

    >>> glued_tail("Home News Ferry strike set for next week", {"ferry strike set for next week"})
    'ferry strike set for next week'
    >>> glued_tail("Blog: Ferry strike", {"ferry strike"}), glued_tail("The Ferry strike", {"ferry strike"})
    ('ferry strike', None)
    >>> glued_tail("Islanders brace for ferry strike", {"ferry strike"}) is None
    True
    """
    return _glued_tail(line, headline_key(line), tails)


def _glued_tail(line: str, key: str, tails: Set[str]) -> str | None:
    """:func:`glued_tail`, given the line's headline key."""
    words = key.split()
    for k in range(1, min(BREADCRUMB_MAX_WORDS, len(words) // 2) + 1):
        tail = " ".join(words[k:])
        if tail in tails and (k > 1 or _BREADCRUMB_WORD.match(line)):
            return tail
    return None


# One word, then a separator: "Blog: ", "News / ", "Guides > ".
_BREADCRUMB_WORD = re.compile(r"\W*\w+\s*[:/|>»›\-–—]")


def similar_headline(
    lines: list[str], host: str = "", prose: int | None = None, bylined_only: bool = False
) -> int | None:
    """On a whole page whose title no body line prints, the headline-like line above the first
    prose paragraph that best matches it: the page title often words the headline a little
    differently ("Top 11 SEO Strategies | Site" over "11 SEO Strategies for 2025 to Boost
    Rankings"). A line needs HEADLINE_MIN_SHARED words in common with the page title (the
    site's name cut off) and a Dice overlap of HEADLINE_MIN_DICE, or of only
    HEADLINE_MIN_DICE_BYLINED when a byline or dateline follows it within BYLINE_WINDOW lines
    (where a headline stands: a related story's link sharing a few words has none). The best
    overlap wins, plus BYLINE_BONUS for the byline; the nearest the prose wins a tie.

    Never taken: a part of the page title that names the site or that the site-name cut
    removes (the logo's text in the menu); without a byline below, a line whose words are
    fewer than FRAGMENT_SHARE of the page title's, all of them in it, unless it is a whole part
    of the page title (a team, a section: "Northport vs Bayside" is not about "Bayside"); a
    breadcrumb trail glued to a line printed alone above the prose (:func:`glued_tail`: right
    above or below it, or as a table of contents' entry, it is what the trail leads to); any
    line when the page title stands whole in the body (it is the headline already). A page
    title without a separator may be the article's own headline (an extractor's output opens
    with it, above a table of contents), so under one a line is only taken when a menu stands
    above it: PAGE_MIN_LEADING lines of at most MENU_ITEM_WORDS words.

    >>> similar_headline(["Top 11 SEO Strategies for 2025 | Site", "Home", "Blog",
    ...     "11 SEO Strategies for 2025 to Boost Rankings", "x " * 30 + "end."])
    3
    >>> similar_headline(["Storm closes harbour bridge | Harbour Post", "Harbour Post Weekend",
    ...     "Sport", "x " * 30 + "end."]) is None
    True
    """
    return _similar_headline(PageLines(lines), PageTitle(lines[0], host), prose, bylined_only)


def _similar_headline(
    page: PageLines, page_title: PageTitle, prose: int | None = None, bylined_only: bool = False
) -> int | None:
    """:func:`similar_headline` on a page whose lines' keys and page title's facts are kept."""
    lines, first = page.lines, page_title.first
    if page.printed_again:
        return None
    site_named = _AFFIX.search(first) is not None
    parts, site, title = page_title.part_keys, page_title.site_keys, page_title.words
    if prose is None:
        prose = page.prose
    keys = page.keys_to(prose)
    printed = set(keys[1:prose])
    best, best_score = None, 0.0
    menu_items = 0
    for i in range(1, prose):
        line = lines[i]
        above, menu_items = menu_items, menu_items + (len(line.split()) <= MENU_ITEM_WORDS)
        # The cheapest tests first: most lines above the prose share no two words with the title.
        words = set(keys[i].split())  # the line's words (_words), from its key
        shared = len(title & words)
        if shared < HEADLINE_MIN_SHARED or not looks_like_headline(line, repeated=False):
            continue
        if is_byline(line) or is_dateline(line):
            continue
        if keys[i] in site or (not site_named and above < PAGE_MIN_LEADING):
            continue
        # A breadcrumb trail glued to a line printed alone above the prose: never the headline.
        if _glued_tail(line, keys[i], printed.difference((keys[i],))) is not None:
            continue
        dice = 2 * shared / (len(title) + len(words))
        after = lines[i + 1 : min(prose, i + 1 + BYLINE_WINDOW)]
        bylined = any(is_byline(x) or is_dateline(x) for x in after)
        if bylined_only and not bylined:
            continue
        fragment = words < title and len(words) < FRAGMENT_SHARE * len(title)
        if fragment and not bylined and keys[i] not in parts:
            continue  # a few of the title's words (a team, a section) with no byline below
        score = dice + BYLINE_BONUS * bylined
        if dice >= (HEADLINE_MIN_DICE_BYLINED if bylined else HEADLINE_MIN_DICE) and score >= best_score:
            best, best_score = i, score
    return best


def find_headline(
    lines: list[str], host: str = "", lead_only: bool = False, glued: bool = False
) -> int | None:
    """The body line a page title (``lines[0]``) names, or None: the line above the first
    prose paragraph, nearest it, that prints a cut of the page title (the headline stands
    right above the article; the site's name, when it is also a cut, stands in the header and
    a menu may link the same story higher up), or, on a page (``glued``) where none prints
    one alone, that prints one behind a breadcrumb trail; else (unless ``lead_only``) the first line
    anywhere that prints a cut, the cut of most words first, one holding the site's name last.

    >>> find_headline(["Tides | Tide Lab of Northport", "Tide Lab of Northport", "Home",
    ...     "Tides", "x " * 30 + "end."], host="tln.example.org")
    3

    >>> find_headline(["Ten Cars Tested | Motor Weekly", "Motor Weekly", "Ten Cars Tested", "Text."])
    2
    >>> find_headline(["Ten Cars Tested", "Home", "Ten Cars Tested", "Text."]) is None
    True
    """
    return _find_headline(PageLines(lines), PageTitle(lines[0], host), lead_only, glued)


def _find_headline(
    page: PageLines, page_title: PageTitle, lead_only: bool = False, glued: bool = False
) -> int | None:
    """:func:`find_headline` on a page whose lines' keys and page title's cuts are kept."""
    printed = page_title.cuts
    cuts = [headline_key(cut) for cut in printed]
    if not cuts:
        return None
    lines, keys = page.lines, page.keys_to(page.prose)
    lead = [i for i in range(1, page.prose) if keys[i] in page_title.cut_keys]
    if glued and not lead:
        lead = [i for i in range(1, page.prose) if page_title.glued_cut(lines[i], keys[i]) is not None]
    if lead:
        return lead[-1]
    if lead_only:
        return None
    # A cut holding the site's name (its logo's text, printed in every page's header) comes
    # last: the page title's last part when it names the site, else its first.
    parts = [part for part in _AFFIX.split(lines[0]) if part.strip()]
    named = [part for part in (parts[-1], parts[0]) if page_title.site.named_by(part, loose=True)][:1]
    site = {headline_key(cut) for cut in printed if named and named[0].strip() in cut}
    for cut in sorted(cuts, key=lambda c: c in site):
        found = page.find(cut)
        if found is not None:
            return found
    return None


def cut_to(first: str, line: str, host: str = "") -> tuple[int, int] | None:
    """The span of a page title to remove so that what is left is its cut that ``line``
    prints: the site's name and its separator, at either end. A colon only cuts a prefix
    ("Harbour Post: Storm closes bridge"): before one stands the headline's own first part
    ("Storm: what we know").

    >>> first = "Storm closes bridge | Harbour Post"
    >>> start, end = cut_to(first, "STORM CLOSES BRIDGE")
    >>> first[:start] + first[end:]
    'Storm closes bridge'
    >>> cut_to("Bridge repairs begin today: what we know", "Bridge repairs begin today") is None
    True
    """
    return PageTitle(first, host).cut_to(line)


def _span_of(first: str, key: str) -> tuple[int, int] | None:
    """The span :func:`cut_to` removes for the cut whose key is ``key``."""
    for match in _AFFIX.finditer(first):
        if headline_key(first[match.end() :]) == key:
            return 0, match.end()
        if headline_key(first[: match.start()]) == key and ":" not in match.group():
            return match.start(), len(first)
    return None


# What a template's typography turns plain text into: curled quotes, "--" made a dash, "..." an
# ellipsis.
_TYPOGRAPHY = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"', "—": "--", "…": "..."}
)


def restyled(printed: str, wording: str) -> bool:
    """Whether a body line prints a page title's wording restyled: in capitals (a stylesheet's
    doing) or with its quotes curled or straightened, its "--" made a dash or its "..." an
    ellipsis (a template's typography), the words otherwise the same. The page title keeps the
    wording as written. A headline in other case ("Startups" over "startups") is the site's
    own second wording, and is taken as printed.

    >>> restyled("FERRY STRIKE: WHAT IT’S LIKE", "Ferry strike: what it's like")
    True
    >>> restyled("Ferry strike: what it’s like", "Ferry strike: what it's like")
    True
    >>> restyled("Ferry Strike: What It's Like", "Ferry strike: what it's like")
    False
    >>> restyled("Ferry strike - what it's like", "Ferry strike: what it's like")
    False
    >>> restyled("Ferry strike—what it’s like…", "Ferry strike--what it's like..."), restyled("A—B", "A - B")
    (True, False)
    """
    if printed == wording:
        return False
    if printed.isupper() and not wording.isupper():
        return _styled(printed) == _styled(wording)
    return printed.translate(_TYPOGRAPHY) == wording.translate(_TYPOGRAPHY)


def _styled(text: str) -> str:
    return " ".join(text.translate(_TYPOGRAPHY).casefold().split())


def printed_cut(first: str, line: str, host: str = "") -> str | None:
    """The cut of a page title (its key) that ``line`` prints, alone or behind a breadcrumb.

    >>> printed_cut("Ferry strike | Harbour Post", "News: Ferry Strike", "harbourpost.example")
    'ferry strike'
    """
    return PageTitle(first, host).printed_cut(line)


def glued_cut(first: str, line: str, host: str = "") -> str | None:
    """The cut of a page title (its key) that ``line`` prints behind a breadcrumb trail
    (:func:`glued_tail`): only a cut beside the site's name, the rest of the page title ("A
    guide: ferry fares" printed as "Ferries guide: ferry fares" is no breadcrumb).

    >>> glued_cut("Ferry fares | Harbour Post", "Guides / Ferry fares", "harbourpost.example")
    'ferry fares'
    >>> glued_cut("Winter guide: ferry fares", "Ferries guide: ferry fares") is None
    True
    >>> glued_cut("Harbour Post: ferry fares", "Harbour Post: Ferry Fares", "harbourpost.example") is None
    True
    """
    return PageTitle(first, host).glued_cut(line)


class PageTitle:
    """A page's ``<title>`` on its site, and what each body line is compared against, worked
    out once per page: its key, its cuts (:func:`page_title_cuts`) and their keys and spans,
    the cuts standing beside the site's name. A page has hundreds of lines above its prose,
    each asked whether it prints a cut; the answers all hang on these few facts."""

    def __init__(self, first: str, host: str = "") -> None:
        self.first = first
        self.site = Site.of(host)
        self.key = headline_key(first)

    @cached_property
    def cuts(self) -> list[str]:
        return _page_title_cuts(self.first, self.site)

    @cached_property
    def cut_keys(self) -> frozenset[str]:
        return frozenset(headline_key(cut) for cut in self.cuts)

    @cached_property
    def site_span(self) -> tuple[int, int] | None:
        return site_name_span(self.first, self.site.host)

    @cached_property
    def part_keys(self) -> frozenset[str]:
        """The keys of the parts between its separators."""
        return frozenset(headline_key(part) for part in _AFFIX.split(self.first))

    @cached_property
    def site_keys(self) -> frozenset[str]:
        """The keys of the parts naming the site, and of what the site-name cut removes."""
        site = {
            headline_key(part) for part in _AFFIX.split(self.first) if self.site.named_by(part, loose=True)
        }
        span = self.site_span
        if span is not None:
            site.add(headline_key(self.first[span[0] : span[1]]))
        return frozenset(site)

    @cached_property
    def words(self) -> frozenset[str]:
        """Its words (:func:`_words`), the site's name cut away."""
        span, first = self.site_span, self.first
        return frozenset(_words(first[: span[0]] + first[span[1] :] if span else first))

    @cached_property
    def _spans(self) -> dict[str, tuple[int, int] | None]:
        return {key: _span_of(self.first, key) for key in self.cut_keys}

    @cached_property
    def sited(self) -> frozenset[str]:
        """The keys of the cuts whose span cut away names the site: the ones a breadcrumb
        trail may stand glued to (:func:`glued_cut`)."""
        first, sited = self.first, set()
        for cut in self.cuts:
            span = self.cut_to(cut)
            if span is not None and self.site.named_by(_AFFIX.sub(" ", first[span[0] : span[1]]), loose=True):
                sited.add(headline_key(cut))
        return frozenset(sited)

    def cut_to(self, line: str) -> tuple[int, int] | None:
        """:func:`cut_to`."""
        return self._spans.get(headline_key(line))

    def printed_cut(self, line: str) -> str | None:
        """:func:`printed_cut`."""
        key = headline_key(line)
        return key if key in self.cut_keys else self.glued_cut(line, key)

    def glued_cut(self, line: str, key: str | None = None) -> str | None:
        """:func:`glued_cut`; ``key`` is the line's headline key, when known."""
        if key is None:
            key = headline_key(line)
        if key in self.key:
            return None  # the page title printed (whole, or its cut with the site's name)
        return _glued_tail(line, key, self.sited) if self.sited else None


class PageLines:
    """A page's lines, with the headline keys of those down to where a search stops worked out
    once (the searches for the headline compare the same lines above the prose again and
    again), and where its prose starts."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._keys: list[str] = []

    def keys_to(self, stop: int) -> list[str]:
        """The headline keys of the lines (at least) down to ``stop``."""
        keys = self._keys
        if len(keys) < stop:
            keys.extend(map(headline_key, self.lines[len(keys) : stop]))
        return keys

    def key(self, i: int) -> str:
        """The headline key of line ``i`` (kept only when a search has reached it)."""
        return self._keys[i] if i < len(self._keys) else headline_key(self.lines[i])

    @cached_property
    def prose(self) -> int:
        return first_prose(self.lines)

    @property
    def menu_above(self) -> bool:
        """Whether the page's text stands above its first prose paragraph (at least
        PAGE_MIN_LEADING lines): a whole page, whose first line is its ``<title>``, not an
        article's headline."""
        return self.prose >= PAGE_MIN_LEADING

    def find(self, key: str) -> int | None:
        """The first line below the first whose headline key is ``key``. Below the keys worked
        out, a line's key is only worked out when the line holds the key's longest word: most
        lines of a long page do not, and the prose's keys are the cost."""
        keys, lines = self._keys, self.lines
        try:
            return keys.index(key, 1)
        except ValueError:
            pass
        probe = max(key.split(), key=len, default="")
        for i in range(max(len(keys), 1), len(lines)):
            if probe in lines[i].casefold() and headline_key(lines[i]) == key:
                return i
        return None

    @cached_property
    def printed_again(self) -> bool:
        """Whether the first line's words stand again on a line below."""
        return self.find(self.key(0)) is not None


def printed_whole(lines: list[str]) -> int | None:
    """Where the first line is printed again above the first prose paragraph (nearest it).

    >>> printed_whole(["Budget vote: what changes", "Home", "Budget Vote: What Changes", "x " * 30 + "end."])
    2
    """
    return _printed_whole(PageLines(lines))


def _printed_whole(page: PageLines) -> int | None:
    """:func:`printed_whole`, the lines' keys kept."""
    keys = page.keys_to(page.prose)
    found = [i for i in range(1, page.prose) if keys[i] == keys[0]]
    return found[-1] if found else None


def first_prose(lines: list[str]) -> int:
    """The index of the first prose line (len(lines) when there is none)."""
    return next((i for i, line in enumerate(lines) if is_prose_line(line)), len(lines))


PROSE_RUN_GAP = 3


def prose_run(lines: list[str]) -> int:
    """Where the prose runs: the first prose line with another at most PROSE_RUN_GAP lines
    below it (the first prose line when none has). A page may print a lone paragraph above its
    menus' end (a cookie notice, a disclosure, a promotion); the article's prose runs on.

    >>> prose_run(["Home", "cookies " * 30 + "ok.", "News", "Sport", "Headline", "x " * 30 + "a.",
    ...     "y " * 30 + "b."])
    5
    """
    first = None
    for i, line in enumerate(lines):
        if is_prose_line(line):
            if any(is_prose_line(below) for below in lines[i + 1 : i + 1 + PROSE_RUN_GAP]):
                return i
            first = i if first is None else first
    return len(lines) if first is None else first


def headline_key(text: str) -> str:
    """What two headlines must share to be the same: their words, case-folded.

    >>> headline_key("Russia Says It's Open") == headline_key("RUSSIA SAYS IT’S OPEN.")
    True
    >>> headline_key("Talks resume, in Cairo") == headline_key("TALKS RESUME IN CAIRO.")
    True
    """
    return " ".join(_WORD.findall(text.casefold()))


def looks_like_headline(line: str, repeated: bool) -> bool:
    """A first paragraph is a headline when it is short and does not end like a sentence.

    A first paragraph printed again further down is a headline even if it ends with a period.

    >>> looks_like_headline("Storm closes harbor bridge for second day", repeated=False)
    True
    >>> looks_like_headline("The storm closed the harbor bridge on Monday.", repeated=False)
    False
    """
    words = len(line.split())
    if repeated:
        return words <= REPEATED_HEADLINE_MAX_WORDS
    return (
        0 < words <= HEADLINE_MAX_WORDS
        and len(line) <= HEADLINE_MAX_CHARS
        and not line.endswith((".", ",", ";", ":"))
    )


PAGE_MIN_LEADING = 8
PROSE_WORDS = 25
# The fewest characters PROSE_WORDS words take (a letter each, a space between): a quick "no".
PROSE_MIN_CHARS = 2 * PROSE_WORDS - 1


def is_prose_line(line: str) -> bool:
    """A paragraph of the article's prose: PROSE_WORDS words or more, ending like a sentence
    (what a page's menus, link lists and headlines never are).

    >>> is_prose_line("word " * 24 + "end."), is_prose_line("Home | News | Sport")
    (True, False)
    """
    return (
        len(line) >= PROSE_MIN_CHARS
        and line.rstrip().endswith((".", "!", "?", '"', "”"))
        and len(line.split()) >= PROSE_WORDS
    )


def _host(doc: Document) -> str:
    url = doc.fields.get("url")
    if not isinstance(url, str):
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class ExtractTitle:
    """Take the headline into ``title`` and remove its repeats from the text."""

    name: ClassVar[str] = "title"
    prefix: ClassVar[str] = "title"
    reads: ClassVar[tuple[str, ...]] = ()
    colour: ClassVar[tuple[str, str]] = ("#1a7f37", "#dafbe1")
    code_rules: ClassVar[tuple[str, ...]] = (
        "title.first-line",
        "title.repeat",
        "title.page-title",
        "title.headline",
        "title.site-name",
    )

    def _page_title_cut(self, first: str, span: tuple[int, int]) -> Iterator[Edit]:
        """Remove the page title, its cut (all but ``span``, the site's name) into the title."""
        start, end = span
        if start == 0:
            yield Edit(self.name, "title.site-name", 0, 0, end)
            yield Edit(self.name, "title.page-title", 0, end, len(first), moved_to="title")
        else:
            yield Edit(self.name, "title.page-title", 0, 0, start, moved_to="title")
            yield Edit(self.name, "title.site-name", 0, start, len(first))

    def __call__(self, doc: Document) -> Iterator[Edit]:
        if not doc.lines:
            return
        done = {e.rule for e in doc.applied if e.pass_name == self.name} | doc.earlier_title_rules
        first, page = doc.lines[0], PageLines(doc.lines)
        if doc.title is None:
            key = page.key(0)
            menu = page.menu_above
            # A page title printed twice (the tab's and the share box's) on a whole page.
            twice = len(doc.lines) > 2 and page.key(1) == key and menu
            is_page = len(doc.lines) > 2 and (page.key(1) != key or twice) and not done
            if is_page:
                page_title = PageTitle(first, _host(doc))
                # The line printing a cut: above the prose, or (only a page's) anywhere.
                found = _find_headline(page, page_title, glued=menu)
                headline = found if menu or found is None or found < page.prose else None
                if headline is None and menu:
                    headline = _similar_headline(page, page_title)
                    run = prose_run(doc.lines)
                    if headline is None and run > page.prose:
                        headline = _similar_headline(page, page_title, run, bylined_only=True)
                if headline is not None and looks_like_headline(doc.lines[headline], repeated=True):
                    printed = doc.lines[headline]
                    cut = page_title.printed_cut(printed) if headline == found else None
                    span = None if cut is None else page_title.cut_to(cut)
                    moved: MoveTarget | None = "title"
                    if span is not None and (
                        cut != page.key(headline) or restyled(printed, first[: span[0]] + first[span[1] :])
                    ):
                        # Printed behind a breadcrumb, or restyled: the title is the page title's cut.
                        yield from self._page_title_cut(first, span)
                        moved = None
                    else:
                        yield Edit.drop_line(self.name, "title.page-title", 0, first)
                    if twice and headline != 1:
                        yield Edit.drop_line(self.name, "title.page-title", 1, doc.lines[1])
                    yield Edit.drop_line(self.name, "title.headline", headline, printed, moved_to=moved)
                    return
                if menu:
                    span = page_title.site_span
                else:  # a short page: its title names a line printed lower down
                    span = None if found is None else page_title.cut_to(doc.lines[found])
                if span is not None and looks_like_headline(first, repeated=False):
                    # The headline is the title without the site's name (taken next round).
                    yield Edit(self.name, "title.site-name", 0, span[0], span[1])
                    return
                whole = _printed_whole(page) if menu and _AFFIX.search(first) else None
                if whole is not None and whole > 1 and looks_like_headline(first, repeated=True):
                    # A headline with a colon or dash of its own, printed again above the prose:
                    # the print is the headline (where the article starts), unless it differs
                    # from the page title in case or quotes (the page title's are kept).
                    if doc.lines[whole] == first:
                        yield Edit.drop_line(self.name, "title.page-title", 0, first)
                        yield Edit.drop_line(self.name, "title.headline", whole, first, moved_to="title")
                    else:
                        yield Edit.drop_line(self.name, "title.first-line", 0, first, moved_to="title")
                        yield Edit.drop_line(self.name, "title.repeat", whole, doc.lines[whole])
                    return
            repeated = page.printed_again
            if len(doc.lines) < 2 or not key or not looks_like_headline(first, repeated):
                return
            moved_to: MoveTarget | None = "title"
        else:
            key, moved_to = headline_key(doc.title), None
        if not key:
            return
        position = 0
        if "title.first-line" not in done and page.key(0) == key:
            yield Edit.drop_line(self.name, "title.first-line", 0, first, moved_to=moved_to)
            position = 1
        # The scraper's second print stands right above the article. Any other paragraph equal to
        # the headline (a third copy opening the body, a subheading further down) is the
        # author's, and stays.
        second = doc.lines[position] if position < len(doc.lines) else None
        if "title.repeat" not in done and second is not None and page.key(position) == key:
            yield Edit.drop_line(self.name, "title.repeat", position, second)

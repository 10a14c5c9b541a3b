"""Rules are data: the shipped rules hold their own examples; user files layer on top."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from builders import B1, B2, B3, HEADLINE, default_cleaner
from click.testing import CliRunner

from cleaner.cli import cli
from cleaner.document import Document
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.rulecheck import check_examples, check_rule
from cleaner.rules import Rule, RuleError, RuleSet, load_rules, phrase_key

DEFAULT_RULES = list(default_cleaner().rules)


def write_rules(folder: Path, name: str, toml: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(toml, encoding="utf-8")
    return path


def clean_with(cleaner: CleaningSetup, lines: list[str]) -> list[str]:
    doc = Document("doc", "doc.txt", list(lines))
    run_passes(doc, cleaner.passes)
    return doc.lines


# --- the shipped rules -----------------------------------------------------------------------


def test_every_default_rules_examples_hold() -> None:
    assert check_examples(CleaningSetup.from_options()) == []


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=[r.id for r in DEFAULT_RULES])
def test_each_default_rule_removes_its_remove_examples_and_keeps_its_keep_examples(rule: Rule) -> None:
    failures = check_rule(rule, default_cleaner())
    assert [str(f) for f in failures] == []


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=[r.id for r in DEFAULT_RULES])
def test_each_default_rule_is_documented_and_pinned_by_examples(rule: Rule) -> None:
    assert rule.description
    assert rule.remove, "a rule needs examples it must remove"
    assert rule.keep, "a rule needs examples it must keep"
    assert rule.enabled


def test_default_rule_ids_are_unique_and_prefixed_by_their_pass() -> None:
    ids = [r.id for r in DEFAULT_RULES]
    assert len(ids) == len(set(ids))
    for rule in DEFAULT_RULES:
        prefix = {"junk": "junk.", "captions": "caption."}[rule.pass_name]
        assert rule.id.startswith(prefix), rule.id


def test_the_example_checker_reports_a_rule_that_misses_its_example(tmp_path: Path) -> None:
    write_rules(
        tmp_path,
        "weak.toml",
        """
[[rule]]
id = "junk.weak"
description = "Removes only the word Banner."
phrases = ["Banner"]
remove = ["Promo"]
keep = ["A banner hung over the street for the parade."]
""",
    )
    cleaner = CleaningSetup.from_options([tmp_path])
    failures = [f for f in check_examples(cleaner) if f.rule == "junk.weak"]
    assert [(f.example, f.expected, f.got) for f in failures] == [("Promo", "removed", "kept")]


def test_phrase_keys_ignore_case_decoration_and_spacing() -> None:
    assert phrase_key("  » SHARE  this article: ") == "share this article"
    assert phrase_key("- Advertisement -") == "advertisement"


# --- layering user rules ---------------------------------------------------------------------


def test_a_user_rule_with_enabled_false_disables_the_default(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    cleaner = CleaningSetup.from_options([tmp_path])
    assert clean_with(cleaner, [B1, "Advertisement", B2]) == [B1, "Advertisement", B2]
    # The rest of the default rules still apply.
    assert clean_with(cleaner, [B1, "Story continues below", B2]) == [B1, B2]


def test_a_disabled_rule_is_not_checked_against_its_examples(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    assert check_examples(CleaningSetup.from_options([tmp_path])) == []


def test_a_user_file_can_override_a_pattern(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.toml", "[[rule]]\nid = \"junk.comments\"\npattern = '\\d+ replies'\n")
    cleaner = CleaningSetup.from_options([tmp_path])
    (rule,) = [r for r in cleaner.rules if r.id == "junk.comments"]
    assert rule.pattern is not None and rule.pattern.pattern == r"\d+ replies"
    assert clean_with(cleaner, [B1, B2, "12 replies"]) == [B1, B2]
    assert clean_with(cleaner, [B1, B2, "12 comments"]) == [B1, B2, "12 comments"]


def test_an_override_changes_only_the_fields_it_names(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.toml", '[[rule]]\nid = "junk.advertisement"\ndescription = "Ads."\n')
    (rule,) = [r for r in load_rules([tmp_path]) if r.id == "junk.advertisement"]
    (default,) = [r for r in DEFAULT_RULES if r.id == "junk.advertisement"]
    assert rule.description == "Ads."
    assert (rule.phrases, rule.where, rule.pass_name, rule.remove) == (
        default.phrases,
        default.where,
        default.pass_name,
        default.remove,
    )
    assert rule.origin.endswith("mine.toml")


def test_a_user_file_can_add_a_rule(tmp_path: Path) -> None:
    write_rules(
        tmp_path,
        "mine.toml",
        '[[rule]]\nid = "junk.tip-line"\npattern = \'Tip line: [\\d-]+\'\nremove = ["Tip line: 555-0143"]\n',
    )
    cleaner = CleaningSetup.from_options([tmp_path])
    assert clean_with(cleaner, [B1, "Tip line: 555-0143", B2]) == [B1, B2]
    assert check_examples(cleaner) == []


def test_a_user_rule_file_can_be_given_directly(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "mine.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    cleaner = CleaningSetup.from_options([path])
    assert clean_with(cleaner, [B1, "Advertisement", B2]) == [B1, "Advertisement", B2]


def test_later_files_in_a_folder_override_earlier_ones(tmp_path: Path) -> None:
    write_rules(tmp_path, "10-off.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    write_rules(tmp_path, "20-on.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = true\n')
    cleaner = CleaningSetup.from_options([tmp_path])
    assert clean_with(cleaner, [B1, "Advertisement", B2]) == [B1, B2]


def test_later_rules_paths_override_earlier_ones(tmp_path: Path) -> None:
    first = write_rules(tmp_path / "a", "r.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    second = write_rules(tmp_path / "b", "r.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = true\n')
    assert clean_with(CleaningSetup.from_options([first, second]), [B1, "Advertisement", B2]) == [B1, B2]
    assert clean_with(CleaningSetup.from_options([second, first]), [B1, "Advertisement", B2]) == [
        B1,
        "Advertisement",
        B2,
    ]


def test_a_user_caption_rule_moves_lines_to_captions(tmp_path: Path) -> None:
    write_rules(
        tmp_path,
        "mine.toml",
        """
[[rule]]
id = "caption.harbour-photo"
pass = "captions"
where = "credit"
pattern = 'Harbour Photo Agency'
""",
    )
    caption = "The ferry leaves the quay at dawn. Harbour Photo Agency"
    doc = Document("doc", "doc.txt", [HEADLINE, B1, caption, B2])
    run_passes(doc, CleaningSetup.from_options([tmp_path]).passes)
    assert doc.captions == [caption]
    assert doc.lines == [B1, B2]


def test_rules_command_lists_rule_ids_and_marks_disabled_ones(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.toml", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    result = CliRunner().invoke(cli, ["rules", "--rules", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("junk.advertisement ")]
    assert line.endswith("(disabled)")


# --- errors ----------------------------------------------------------------------------------


def test_a_bad_regex_raises_a_rule_error_naming_the_file_and_the_rule(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "broken.toml", "[[rule]]\nid = \"junk.broken\"\npattern = '(unclosed'\n")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path])
    assert str(path) in str(info.value)
    assert "junk.broken" in str(info.value)


def test_a_bad_override_of_a_default_pattern_names_the_user_file(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "broken.toml", "[[rule]]\nid = \"junk.comments\"\npattern = '[z-a]'\n")
    with pytest.raises(RuleError, match=r"junk\.comments") as info:
        load_rules([tmp_path])
    assert str(path) in str(info.value)


def test_an_unknown_where_is_rejected(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "w.toml", '[[rule]]\nid = "junk.w"\nwhere = "footer"\nphrases = ["x"]\n')
    with pytest.raises(RuleError, match="where") as info:
        load_rules([tmp_path])
    assert str(path) in str(info.value) and "junk.w" in str(info.value)


def test_an_unknown_pass_is_rejected(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "p.toml", '[[rule]]\nid = "junk.p"\npass = "title"\nphrases = ["x"]\n')
    with pytest.raises(RuleError, match="pass") as info:
        load_rules([tmp_path])
    assert str(path) in str(info.value) and "junk.p" in str(info.value)


def test_a_rule_without_pattern_or_phrases_is_rejected(tmp_path: Path) -> None:
    write_rules(tmp_path, "e.toml", '[[rule]]\nid = "junk.empty"\ndescription = "Nothing to match."\n')
    with pytest.raises(RuleError, match=r"junk\.empty"):
        load_rules([tmp_path])


def test_a_rule_without_an_id_is_rejected(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "n.toml", '[[rule]]\nphrases = ["x"]\n')
    with pytest.raises(RuleError, match="id") as info:
        load_rules([tmp_path])
    assert str(path) in str(info.value)


def test_a_file_that_is_not_toml_is_rejected_naming_the_file(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "bad.toml", "[[rule]\nid = \n")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path])
    assert str(path) in str(info.value)


def test_a_missing_rules_path_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no such"):
        load_rules([tmp_path / "missing"])


def test_non_toml_files_in_a_rules_folder_are_ignored(tmp_path: Path) -> None:
    write_rules(tmp_path, "README.md", "not rules")
    assert len(load_rules([tmp_path])) == len(DEFAULT_RULES)


def test_default_rules_alone_give_the_same_rules_as_the_cleaner() -> None:
    assert [r.id for r in load_rules()] == [r.id for r in DEFAULT_RULES]
    assert clean_with(default_cleaner(), [HEADLINE, B1, B2, B3]) == [B1, B2, B3]


# --- matching: shipped rules combined, user rules one by one with a time limit ---------------


def first_rule_one_by_one(
    rules: list[Rule], line: str, pass_name: str, where: tuple[str, ...]
) -> Rule | None:
    """The definition first_match must keep: each enabled rule of the group tried in turn."""
    group = [r for r in rules if r.enabled and r.pass_name == pass_name and r.where in where]
    words = len(line.split())
    return next((r for r in group if words <= r.max_words and r.matches(line)), None)


def every_example_line(rules: list[Rule]) -> list[str]:
    lines = [line for rule in rules for line in (*rule.remove, *rule.keep)]
    return [*lines, *(f"  {line}  " for line in lines), B1, HEADLINE, "", "12 comments", "Share"]


def as_shipped(rules: RuleSet) -> RuleSet:
    """The same rules as if they shipped with cleaner (combined, matched without time limit)."""
    return RuleSet([dataclasses.replace(r, shipped=True) for r in rules])


def test_the_combined_match_is_the_first_rule_in_order_on_every_example() -> None:
    rules = load_rules()
    for line in every_example_line(list(rules)):
        for pass_name, where in (("junk", ("line", "block")), ("junk", ("line", "block", "edge"))):
            assert rules.first_match(line, pass_name, where) == first_rule_one_by_one(
                list(rules), line, pass_name, where
            ), line


def test_shipped_rules_are_marked_shipped_and_a_rule_a_user_file_touches_is_not(tmp_path: Path) -> None:
    write_rules(tmp_path, "mine.toml", '[[rule]]\nid = "junk.comments"\nmax_words = 3\n')
    rules = {r.id: r for r in load_rules([tmp_path])}
    assert rules["junk.advertisement"].shipped
    assert not rules["junk.comments"].shipped


def test_an_earlier_rule_wins_over_a_later_one_that_also_matches(tmp_path: Path) -> None:
    # Two shipped-like rules in one alternation: the first in file order names the removal,
    # even when the second matches the same line; a word limit that rules out the first hands
    # the line to the second.
    write_rules(
        tmp_path,
        "a.toml",
        "[[rule]]\nid = \"junk.first\"\npattern = 'tip line: .*'\nmax_words = 3\n"
        "[[rule]]\nid = \"junk.second\"\npattern = 'tip .*'\n",
    )
    rules = as_shipped(load_rules([tmp_path], defaults=False))
    assert rules.first_match("Tip line: 555", "junk", ("line",)).id == "junk.first"  # type: ignore[union-attr]
    assert rules.first_match("Tip line: 555 0143 now", "junk", ("line",)).id == "junk.second"  # type: ignore[union-attr]
    assert rules.first_match("Nothing here", "junk", ("line",)) is None


def test_a_user_rule_between_shipped_ones_keeps_its_place_in_the_order(tmp_path: Path) -> None:
    # The user's override of junk.comments matches what a later shipped rule matches too.
    write_rules(tmp_path, "mine.toml", "[[rule]]\nid = \"junk.comments\"\npattern = '\\d+ min read'\n")
    rules = load_rules([tmp_path])
    expected = first_rule_one_by_one(list(rules), "5 min read", "junk", ("line", "block", "edge"))
    assert expected is not None and expected.id == "junk.comments"
    assert rules.first_match("5 min read", "junk", ("line", "block", "edge")) == expected


def test_a_pattern_with_its_own_global_flags_still_matches_as_written(tmp_path: Path) -> None:
    # "(?-i)" would change every rule of an alternation: such a rule is matched on its own.
    write_rules(
        tmp_path,
        "a.toml",
        "[[rule]]\nid = \"junk.upper\"\npattern = '(?-i)TIP'\n"
        "[[rule]]\nid = \"junk.other\"\npattern = 'ok'\n",
    )
    rules = as_shipped(load_rules([tmp_path], defaults=False))
    assert rules.first_match("TIP", "junk", ("line",)).id == "junk.upper"  # type: ignore[union-attr]
    assert rules.first_match("tip", "junk", ("line",)) is None
    assert rules.first_match("OK", "junk", ("line",)).id == "junk.other"  # type: ignore[union-attr]


def test_a_catastrophic_user_pattern_among_shipped_rules_times_out_instead_of_stalling(
    tmp_path: Path,
) -> None:
    write_rules(tmp_path, "evil.toml", "[[rule]]\nid = \"user.evil\"\npattern = '(a|aa)+$'\n")
    assert load_rules([tmp_path]).first_match("a" * 40 + "b", "junk", ("line", "block")) is None


def test_a_group_whose_patterns_all_require_text_still_matches_a_line_with_it(tmp_path: Path) -> None:
    write_rules(
        tmp_path,
        "a.toml",
        '[[rule]]\nid = "caption.one"\npass = "captions"\nwhere = "credit"\n'
        "pattern = 'ONE/\\w+'\nrequires = [\"ONE/\"]\n"
        '[[rule]]\nid = "caption.two"\npass = "captions"\nwhere = "credit"\n'
        "pattern = 'TWO/\\w+'\nrequires = [\"TWO/\"]\n",
    )
    for rules in (load_rules([tmp_path], defaults=False), as_shipped(load_rules([tmp_path], defaults=False))):
        assert rules.first_match("A harbour at dawn. TWO/Kim", "captions", ("credit",)).id == "caption.two"  # type: ignore[union-attr]
        assert rules.first_match("A harbour at dawn. ONE/Kim", "captions", ("credit",)).id == "caption.one"  # type: ignore[union-attr]
        assert rules.first_match("A harbour at dawn. Kim", "captions", ("credit",)) is None


def test_a_line_is_taken_or_not_by_its_word_count_around_the_longest_rule(tmp_path: Path) -> None:
    # The group counts a line's words no further than its longest rule allows: at, just over and
    # far over that count, the answer is what trying each rule in turn gives.
    write_rules(
        tmp_path,
        "a.toml",
        "[[rule]]\nid = \"junk.short\"\npattern = 'tip(\\s+\\w+)*'\nmax_words = 3\n"
        "[[rule]]\nid = \"junk.long\"\npattern = 'tip(\\s+\\w+)*'\nmax_words = 6\n"
        '[[rule]]\nid = "junk.phrase"\nphrases = ["tip line"]\nmax_words = 6\n',
    )
    rules = as_shipped(load_rules([tmp_path], defaults=False))
    for count in (1, 2, 3, 4, 6, 7, 8, 60):
        for line in ("tip" + " line" * (count - 1), "  tip" + "\tline" * (count - 1) + " "):
            expected = first_rule_one_by_one(list(rules), line, "junk", ("line",))
            assert rules.first_match(line, "junk", ("line",)) == expected, line
            assert (expected is None) == (count > 6)

"""Rules are data: the shipped rules hold their own examples; user files layer on top."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import B1, B2, B3, HEADLINE, default_cleaner
from click.testing import CliRunner

from cleaner.cli import cli
from cleaner.document import Document
from cleaner.pipeline import CleaningSetup, run_passes
from cleaner.rulecheck import check_examples, check_rule
from cleaner.rules import Rule, RuleError, load_rules, phrase_key

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

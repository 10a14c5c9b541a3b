"""The run's settings (``--stats``' ``settings``): what decides the output, and nothing else."""

from __future__ import annotations

from pathlib import Path

from cleaner.options import DedupOptions, RunOptions
from cleaner.readers import ReadOptions
from cleaner.rules import load_rules
from cleaner.settings import as_options, rules_digest, run_settings


def _rules_file(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "r.toml").write_text(body, encoding="utf-8")
    return root


def test_the_rules_digest_changes_with_what_decides_and_only_with_that(tmp_path: Path) -> None:
    default = rules_digest(load_rules())
    assert default == rules_digest(load_rules())  # stable
    off = _rules_file(tmp_path / "off", '[[rule]]\nid = "junk.advertisement"\nenabled = false\n')
    assert rules_digest(load_rules([off])) != default
    described = _rules_file(
        tmp_path / "doc", '[[rule]]\nid = "junk.advertisement"\ndescription = "Another description."\n'
    )
    assert rules_digest(load_rules([described])) == default  # documentation decides nothing


def test_the_options_re_create_the_settings_and_name_only_what_differs() -> None:
    assert as_options(RunOptions(sources=["in"], destination=None)) == []
    options = RunOptions(
        sources=["in"],
        destination=None,
        rules=[Path("mine")],
        languages=["en", "de"],
        read=ReadOptions(text_field="body"),
        dedup=DedupOptions(enabled=False, duplicate_threshold=0.9, boilerplate_min_docs=3),
    )
    assert as_options(options) == [
        "--rules",
        "mine",
        "--lang",
        "en,de",
        "--text-field",
        "body",
        "--no-dedup",
        "--dup-threshold",
        "0.9",
        "--boilerplate-min-docs",
        "3",
    ]
    settings = run_settings(options, load_rules())
    assert settings["dedup"]["duplicate_threshold"] == 0.9 and settings["read"]["text_field"] == "body"
    assert settings["rules"]["files"] == ["mine"] and settings["libraries"]["datasketch"]


def test_the_content_mode_and_the_size_limit_are_settings() -> None:
    options = RunOptions(
        sources=["in"], destination=None, read=ReadOptions(max_doc_bytes=4096), content="off"
    )
    assert as_options(options) == ["--max-doc-bytes", "4096", "--content", "off"]
    rules = load_rules()
    settings = run_settings(options, rules)
    assert settings["content"] == "off" and settings["read"]["max_doc_bytes"] == 4096
    assert run_settings(RunOptions(sources=["in"], destination=None), rules)["content"] != "off"

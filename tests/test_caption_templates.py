"""Captions by evidence other than the credit alone: printed twice near the top, or in a credit
shape the source's pages share (learned in the site stage, kept by ``--state``)."""

from __future__ import annotations

import json
from pathlib import Path

from builders import ARTICLES, B1, B2, B3, B4, HEADLINE, clean, rules_applied
from click.testing import CliRunner

from cleaner.captions.templates import (
    CaptionTemplates,
    TemplateCollector,
    learn_templates,
    line_shapes,
    template_candidates,
)
from cleaner.cli import cli
from cleaner.document import Document
from cleaner.pipeline import CleaningSetup, run_passes

# A credit with no label and no known agency: weak alone.
WEAK = "Lifeboat crews train off the north pier on Tuesday. Ines Ford/Harbour Post"


# --- caption.repeated ------------------------------------------------------------------------


def test_a_weak_credit_printed_twice_near_the_top_is_a_caption() -> None:
    doc = clean([HEADLINE, WEAK, WEAK, B1, B2])
    assert doc.captions == [WEAK]
    assert doc.lines == [B1, B2]
    assert rules_applied(doc, "captions") == ["caption.repeated", "caption.repeated"]


def test_a_weak_credit_printed_once_stays_text() -> None:
    doc = clean([HEADLINE, WEAK, B1, B2])
    assert WEAK in doc.lines and doc.captions == []


def test_a_weak_credit_printed_twice_far_down_and_apart_stays_text() -> None:
    filler = [f"Paragraph {n} of the report describes the harbour works in some detail." for n in range(12)]
    lines = [HEADLINE, *filler, WEAK, B1, B2, WEAK]
    doc = clean(lines)
    assert doc.captions == []


def test_a_weak_credit_printed_twice_in_a_row_anywhere_is_a_caption() -> None:
    filler = [f"Paragraph {n} of the report describes the harbour works in some detail." for n in range(12)]
    doc = clean([HEADLINE, *filler, WEAK, WEAK, B1])
    assert doc.captions == [WEAK]


def test_a_headline_printed_twice_is_a_headline_whatever_its_last_words() -> None:
    headline = "Council and unions meet again. Harbour Council/Dock Workers Union"
    doc = clean([headline, headline, B1, B2])
    assert doc.title == headline
    assert doc.captions == []


def test_a_strong_credit_printed_twice_is_one_caption_by_its_credit() -> None:
    caption = "Crowds at the gate on Monday. Photo: Ines Ford/Harbour Post"
    doc = clean([HEADLINE, caption, caption, B1])
    assert rules_applied(doc, "captions") == ["caption.credit", "caption.credit"]


# --- shapes ----------------------------------------------------------------------------------


def test_a_caption_line_gives_its_shape_with_the_name_as_a_slot() -> None:
    assert ("{NAME}/Harbour Post", "Ines Ford") in line_shapes(WEAK)
    assert line_shapes("(Harbour Post Photo: Ines Ford) crowds at the gate") == []  # no description
    assert line_shapes(B1) == []


def test_a_document_gives_each_shape_once() -> None:
    doc = Document("d", "d.txt", [WEAK, B1, WEAK.replace("Ines Ford", "Tom Ashby")])
    shapes = template_candidates(doc)
    assert [s for s, _ in shapes].count("{NAME}/Harbour Post") == 1


def test_a_template_needs_enough_documents_and_different_names() -> None:
    collector = TemplateCollector()
    for n in range(5):
        collector.add("harbourpost.example", n, [("{NAME}/Harbour Post", f"Person {n}")])
        collector.add("harbourpost.example", n, [("Ines Ford/{NAME}", "Harbour Post")])
    learned = learn_templates(collector, min_docs=5)
    assert learned.shapes == {"harbourpost.example": {"{NAME}/Harbour Post": 5}}
    assert len(learn_templates(collector, min_docs=6)) == 0
    assert len(learn_templates(collector, min_docs=5, exclude=frozenset({0}))) == 0


def test_templates_round_trip_through_json() -> None:
    templates = CaptionTemplates()
    templates.add("a.example", "{NAME}/A", 7)
    assert CaptionTemplates.from_json(json.loads(json.dumps(templates.to_json()))).shapes == templates.shapes


# --- the site stage, through the command line ------------------------------------------------

PHOTOGRAPHERS = ["Ines Ford", "Tom Ashby", "Mara Quist", "Owen Price", "Lena Vogt", "Sam Okoye"]


def corpus(path: Path, docs: list[tuple[str, str, list[str]]]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for doc_id, url, lines in docs:
            f.write(json.dumps({"id": doc_id, "url": url, "text": "\n\n".join(lines)}) + "\n")
    return path


def harbour_post(count: int, names: list[str] = PHOTOGRAPHERS) -> list[tuple[str, str, list[str]]]:
    """``count`` articles of one site, each with one caption in the site's weak credit shape."""
    docs = []
    for n in range(count):
        headline, *body = ARTICLES[n % len(ARTICLES)]
        caption = f"Scene number {n} at the harbour this week. {names[n % len(names)]}/Harbour Post"
        docs.append(
            (f"hp{n}", f"https://harbourpost.example/{n}", [f"{headline} ({n})", body[0], caption, *body[1:]])
        )
    return docs


def run(args: list[str]) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["run", *args, "-", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def caption_rules(record: dict[str, object]) -> list[str]:
    return [e["rule"] for e in record["removed"] if e["pass"] == "captions"]  # type: ignore[attr-defined]


def test_a_sites_recurring_credit_shape_is_learned_and_moves_its_captions(tmp_path: Path) -> None:
    records = run([str(corpus(tmp_path / "in.jsonl", harbour_post(6)))])
    assert [caption_rules(r) for r in records] == [["caption.site-template"]] * 6
    assert records[2]["captions"] == ["Scene number 2 at the harbour this week. Mara Quist/Harbour Post"]
    assert all("Harbour Post" not in str(r["text"]) for r in records)


def test_the_templates_do_not_depend_on_input_order(tmp_path: Path) -> None:
    docs = [*harbour_post(6), ("other", "https://other.example/1", [HEADLINE, B1, B2])]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    forward = run([str(corpus(tmp_path / "a" / "in.jsonl", docs))])
    backward = run([str(corpus(tmp_path / "b" / "in.jsonl", docs[::-1]))])
    assert ["caption.site-template"] in [caption_rules(r) for r in forward]
    assert sorted(forward, key=lambda r: str(r["id"])) == sorted(backward, key=lambda r: str(r["id"]))


def test_too_few_pages_teach_no_template(tmp_path: Path) -> None:
    records = run([str(corpus(tmp_path / "in.jsonl", harbour_post(4)))])
    assert [caption_rules(r) for r in records] == [[]] * 4


def test_one_sites_template_is_not_another_sites(tmp_path: Path) -> None:
    stranger = (
        "x",
        "https://elsewhere.example/1",
        [HEADLINE, B1, "Boats in the bay at dusk today. Ines Ford/Harbour Post", B2],
    )
    records = run([str(corpus(tmp_path / "in.jsonl", [*harbour_post(6), stranger]))])
    assert caption_rules(records[-1]) == []


def test_the_same_name_every_time_is_not_a_template(tmp_path: Path) -> None:
    records = run([str(corpus(tmp_path / "in.jsonl", harbour_post(6, names=["Ines Ford"])))])
    assert [caption_rules(r) for r in records] == [[]] * 6


def test_state_keeps_the_templates_for_tomorrows_batch(tmp_path: Path) -> None:
    state = tmp_path / "state"
    run([str(corpus(tmp_path / "today.jsonl", harbour_post(6))), "--state", str(state)])
    assert "{NAME}/Harbour Post" in json.loads((state / "captions.json").read_text())["harbourpost.example"]
    tomorrow = [
        (
            "t1",
            "https://harbourpost.example/t1",
            [HEADLINE, B1, "Gulls over the pier at noon today. Ada Lind/Harbour Post", B3, B4],
        )
    ]
    (record,) = run([str(corpus(tmp_path / "tomorrow.jsonl", tomorrow)), "--state", str(state)])
    assert caption_rules(record) == ["caption.site-template"]


def test_a_state_of_an_older_format_is_refused_clearly(tmp_path: Path) -> None:
    state = tmp_path / "state"
    src = corpus(tmp_path / "in.jsonl", harbour_post(1))
    run([str(src), "--state", str(state)])
    settings = json.loads((state / "settings.json").read_text())
    settings["state_version"] = 1
    (state / "settings.json").write_text(json.dumps(settings))
    result = CliRunner().invoke(cli, ["run", str(src), "-", "--state", str(state)])
    assert result.exit_code == 1
    assert "state format version 1" in result.output and "new --state directory" in result.output


def test_an_evidence_rule_can_be_turned_off_like_any_rule(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        '[[rule]]\nid = "caption.repeated"\nenabled = false\n', encoding="utf-8"
    )
    cleaner = CleaningSetup.from_options([tmp_path])
    doc = Document("doc", "doc.txt", [HEADLINE, WEAK, WEAK, B1, B2])
    run_passes(doc, cleaner.passes)
    assert doc.captions == []
    strong = "Crowds at the gate on Monday. Photo: Ines Ford/Harbour Post"
    doc = Document("doc", "doc.txt", [HEADLINE, strong, B1])
    run_passes(doc, cleaner.passes)
    assert doc.captions == [strong]

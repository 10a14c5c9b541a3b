"""Golden tests: the repository's seeds/ through the real command line, against what we expect.

- ``tests/seed_expectations/<id>.json`` says, per seed, the title, captions, language and
  paragraphs the output must have (and, for a syndicated copy, which document it duplicates).
- ``tests/golden/seeds.jsonl`` is the whole output of ``cleaner run seeds/ -``, compared byte for
  byte. After an intended change, regenerate it and review the diff::

      CLEANER_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleaner.cli import cli
from cleaner.document import AppliedEdit, replay
from cleaner.layout import split_paragraphs

TESTS = Path(__file__).resolve().parent
SEEDS = TESTS.parent / "seeds"
EXPECTATIONS = TESTS / "seed_expectations"
SNAPSHOT = TESTS / "golden" / "seeds.jsonl"
ORIGINAL_SEED = "000_4c010927cfb4d571"

EXPECTED = {
    path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(EXPECTATIONS.glob("*.json"))
}

SEEDS_EXPECTED = sorted(EXPECTED)


def run_on_seeds(*options: str) -> tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]]:
    """``cleaner run seeds/ -`` with ``options``: the raw output, its records and the rejects."""
    with tempfile.TemporaryDirectory() as tmp:
        rejects_path = Path(tmp) / "rejects.jsonl"
        result = CliRunner().invoke(cli, ["run", str(SEEDS), "-", "--rejects", str(rejects_path), *options])
        assert result.exit_code == 0, (result.output, result.exception)
        rejects_text = rejects_path.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").split("\n") if line]
    rejects = [json.loads(line) for line in rejects_text.split("\n") if line]
    return result.stdout_bytes, records, rejects


@pytest.fixture(scope="module")
def seed_run() -> tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]]:
    return run_on_seeds()


@pytest.fixture(scope="module")
def output(seed_run: tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in seed_run[1]}


@pytest.fixture(scope="module")
def rejects(seed_run: tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {reject["id"]: reject for reject in seed_run[2]}


@pytest.fixture(scope="module")
def output_without_dedup() -> dict[str, dict[str, Any]]:
    """Every seed cleaned on its own: what a syndicated copy's record would have held."""
    return {record["id"]: record for record in run_on_seeds("--no-dedup")[1]}


def record_of(
    seed: str, output: dict[str, dict[str, Any]], fallback: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The seed's output record; for a duplicate (not in the output) its record cleaned on its own."""
    if EXPECTED[seed]["duplicate_of"] is not None:
        return fallback[seed]
    assert seed in output, f"{seed} is not in the output"
    return output[seed]


# --- the whole run ---------------------------------------------------------------------------


def test_every_seed_is_in_the_output_or_the_rejects(
    seed_run: tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    _, records, rejects = seed_run
    ids = [r["id"] for r in records] + [r["id"] for r in rejects]
    assert sorted(ids) == sorted(path.stem for path in SEEDS.glob("*.txt"))


def test_seeds_come_out_in_input_order(output: dict[str, dict[str, Any]]) -> None:
    assert list(output) == sorted(output)


def test_output_matches_the_snapshot_byte_for_byte(
    seed_run: tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    raw = seed_run[0]
    if os.environ.get("CLEANER_UPDATE_GOLDEN") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_bytes(raw)
    assert SNAPSHOT.exists(), "no snapshot yet: run with CLEANER_UPDATE_GOLDEN=1 to create it"
    expected = SNAPSHOT.read_bytes()
    if raw != expected:
        got = raw.decode("utf-8").split("\n")
        want = expected.decode("utf-8").split("\n")
        changed = [json.loads(line)["id"] for line in got if line and line not in want]
        pytest.fail(
            f"output differs from {SNAPSHOT.name} (records changed: {changed}); if intended, "
            "regenerate with CLEANER_UPDATE_GOLDEN=1 and review the diff"
        )


def test_a_file_destination_gets_the_same_bytes_as_stdout(
    tmp_path: Path, seed_run: tuple[bytes, list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    result = CliRunner().invoke(cli, ["run", str(SEEDS), str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.jsonl").read_bytes() == seed_run[0]


@pytest.mark.parametrize("seed", sorted(path.stem for path in SEEDS.glob("*.txt")))
def test_each_records_removed_list_replays_its_input_into_its_text(
    seed: str, output: dict[str, dict[str, Any]], output_without_dedup: dict[str, dict[str, Any]]
) -> None:
    record = output[seed] if seed in output else output_without_dedup[seed]
    text = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8-sig")
    applied = [AppliedEdit.from_json(entry) for entry in record["removed"]]
    assert replay(split_paragraphs(text), applied) == record["text"].split("\n\n")


# --- per seed, against its expectation -------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS_EXPECTED)
def test_seed_title_captions_and_language_match_the_expectation(
    seed: str, output: dict[str, dict[str, Any]], output_without_dedup: dict[str, dict[str, Any]]
) -> None:
    record, expected = record_of(seed, output, output_without_dedup), EXPECTED[seed]
    assert record["title"] == expected["title"]
    assert record["captions"] == expected["captions"]
    assert record["lang"] == expected["lang"]


@pytest.mark.parametrize("seed", SEEDS_EXPECTED)
def test_seed_paragraphs_match_the_expectation(
    seed: str, output: dict[str, dict[str, Any]], output_without_dedup: dict[str, dict[str, Any]]
) -> None:
    record = record_of(seed, output, output_without_dedup)
    assert record["text"].split("\n\n") == EXPECTED[seed]["paragraphs"]


@pytest.mark.parametrize("seed", SEEDS_EXPECTED)
def test_seed_removals_the_expectation_lists_are_on_the_record(
    seed: str, output: dict[str, dict[str, Any]], output_without_dedup: dict[str, dict[str, Any]]
) -> None:
    record = record_of(seed, output, output_without_dedup)
    removed = [entry["text"] for entry in record["removed"]]
    assert [text for text in EXPECTED[seed]["removed_junk"] if text not in removed] == []


@pytest.mark.parametrize("seed", [s for s, e in EXPECTED.items() if e["duplicate_of"] is not None])
def test_a_syndicated_copy_is_rejected_as_a_near_duplicate_of_the_original(
    seed: str, output: dict[str, dict[str, Any]], rejects: dict[str, dict[str, Any]]
) -> None:
    assert seed not in output
    assert rejects[seed]["reason"] == "near-duplicate"
    assert rejects[seed]["duplicate_of"] == EXPECTED[seed]["duplicate_of"]
    assert EXPECTED[seed]["duplicate_of"] in output


@pytest.mark.parametrize("seed", [s for s, e in EXPECTED.items() if e["duplicate_of"] is None])
def test_an_original_seed_is_kept(seed: str, output: dict[str, dict[str, Any]]) -> None:
    assert seed in output


# --- the original seed -----------------------------------------------------------------------


def test_original_seed_title_is_the_headline(output: dict[str, dict[str, Any]]) -> None:
    assert (
        output[ORIGINAL_SEED]["title"]
        == "Russia Says It's Open To More U.S. Talks But Dismisses Idea of Putin-Biden Summit"
    )


def test_original_seed_has_one_caption_with_its_credit(output: dict[str, dict[str, Any]]) -> None:
    (caption,) = output[ORIGINAL_SEED]["captions"]
    assert caption.startswith("Russian Deputy Foreign Minister Sergei Ryabkov arrives")
    assert caption.endswith("REUTERS/Denis Balibouse")


def test_original_seed_has_the_ten_paragraphs_of_the_article(output: dict[str, dict[str, Any]]) -> None:
    paragraphs = output[ORIGINAL_SEED]["text"].split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[0].startswith("Russia is open to more high-level talks")
    assert paragraphs[-1].endswith("declined to comment on them.")


def test_original_seed_text_has_no_ui_junk_headline_or_caption(output: dict[str, dict[str, Any]]) -> None:
    text = output[ORIGINAL_SEED]["text"]
    assert "font change" not in text
    assert "REUTERS/" not in text
    assert "Dismisses Idea" not in text


def test_original_seed_is_english(output: dict[str, dict[str, Any]]) -> None:
    assert output[ORIGINAL_SEED]["lang"] == "en"
    assert output[ORIGINAL_SEED]["lang_prob"] > 0.9


def test_original_seed_every_removal_names_a_pass_and_a_rule(output: dict[str, dict[str, Any]]) -> None:
    removed = output[ORIGINAL_SEED]["removed"]
    assert removed
    for entry in removed:
        assert isinstance(entry["pass"], str) and entry["pass"], entry
        assert isinstance(entry["rule"], str) and entry["rule"], entry
    assert {(e["pass"], e["rule"]) for e in removed} >= {
        ("title", "title.first-line"),
        ("title", "title.repeat"),
        ("captions", "caption.credit"),
        ("junk", "junk.font-controls"),
    }

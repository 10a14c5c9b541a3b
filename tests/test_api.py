"""The public Python API: ``cleaner.clean_text``, ``cleaner.Cleaner``, ``Record`` and ``Reject``.

The API is not a second implementation: ``Cleaner().clean(records)`` must give, byte for byte,
the records and rejects ``cleaner run`` writes for the same records in a file.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import runpy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from builders import ARTICLES, article_body, article_text
from click.testing import CliRunner
from test_dedup import FOOTER, article

import cleaner
from cleaner import Cleaner, Record, Reject, Rejected, clean_text
from cleaner.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def corpus() -> list[dict[str, Any]]:
    """Records with everything the corpus stages decide: two outlets whose pages carry their
    footer, a story syndicated from one outlet to the other, an id used twice, an empty record, a
    record without text, one in German, an input title and pass-through fields (``notes`` too)."""
    records: list[dict[str, Any]] = []
    for outlet, seed in (("brackwater.example", 100), ("eastmoor.example", 200)):
        for n in range(8):
            body = article(seed + n)
            lines = [f"Council notes, week {n + 1}", *body, *FOOTER]
            records.append(
                {
                    "id": f"{outlet.split('.')[0]}-{n}",
                    "url": f"https://www.{outlet}/news/{n}",
                    "text": "\n\n".join(lines),
                    "section": "local",
                }
            )
    syndicated = dict(records[3], id="eastmoor-syndicated", url="https://eastmoor.example/wire/3")
    records.append(syndicated)
    records.append({"id": "brackwater-1", "text": article_text(0), "notes": ["kept as is"]})
    records.append({"id": "empty", "text": "   \n\n"})
    records.append({"id": "no-text", "body": "the scraper put it elsewhere"})
    records.append(
        {
            "id": "german",
            "text": "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen. "
            "Die Bibliotheken bleiben am Sonntag geschlossen, sagte die Bürgermeisterin.",
        }
    )
    records.append({"id": "titled", "title": ARTICLES[1][0], "text": article_body(1), "score": 0.5})
    return records


def cli_run(tmp_path: Path, records: list[dict[str, Any]], *options: str) -> tuple[list[str], list[str]]:
    source = tmp_path / "corpus.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    args = ["run", str(source), str(out), "--rejects", str(rejects), "-q", *options]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8").splitlines(), rejects.read_text(encoding="utf-8").splitlines()


def api_run(results: Iterator[Record | Reject]) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    rejected: list[str] = []
    for result in results:
        (kept if isinstance(result, Record) else rejected).append(result.to_json())
    return kept, rejected


# --- one document ----------------------------------------------------------------------------


def test_clean_text_takes_the_seeds_headline() -> None:
    expected = json.loads(
        (Path(__file__).parent / "seed_expectations" / "001_harbor-bridge-vote.json").read_text()
    )
    record = clean_text((SEEDS / "001_harbor-bridge-vote.txt").read_text(encoding="utf-8"))
    assert record.title == expected["title"]
    assert list(record.captions) == expected["captions"]


def test_clean_text_gives_what_cleaner_run_gives_for_one_text_file(tmp_path: Path) -> None:
    seed = SEEDS / "000_4c010927cfb4d571.txt"
    result = CliRunner().invoke(cli, ["run", str(seed), "-", "-q"], catch_exceptions=False)
    line = result.stdout.splitlines()[0]
    record = clean_text(seed.read_text(encoding="utf-8"), id="000_4c010927cfb4d571", source=seed.name)
    assert record.to_json() == line


def test_clean_text_uses_a_given_title_and_passes_fields_through() -> None:
    record = clean_text(article_body(2), title=ARTICLES[2][0], fields={"url": "https://x.example/a"})
    assert record.title == ARTICLES[2][0]
    assert record.text == article_body(2)
    assert dict(record.fields) == {"url": "https://x.example/a"}
    assert record.to_dict()["url"] == "https://x.example/a"


def test_clean_text_raises_rejected_for_a_document_it_would_not_keep() -> None:
    with pytest.raises(Rejected) as empty:
        clean_text("Advertisement\n\nShare this article")
    assert empty.value.reject.reason == "empty"
    with pytest.raises(Rejected) as german:
        clean_text(
            "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen, "
            "sagte die Bürgermeisterin der Stadt.",
            lang="en",
        )
    assert german.value.reject.reason == "language"
    assert clean_text(article_text(3), lang="en,de").lang == "en"  # a wanted language is kept


def test_clean_text_layers_user_rules(tmp_path: Path) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(
        '[[rule]]\nid = "junk.tip-line"\npass = "junk"\nphrases = ["Send us your tips"]\n'
        'remove = ["Send us your tips"]\nkeep = ["Readers send us tips every week."]\n',
        encoding="utf-8",
    )
    text = article_text(4, "Send us your tips")
    assert "Send us your tips" in clean_text(text).text
    record = clean_text(text, rules=rules)
    assert "Send us your tips" not in record.text
    assert "junk.tip-line" in [e.rule for e in record.removed]


# --- Record and Reject -----------------------------------------------------------------------


def test_a_record_is_immutable_and_typed() -> None:
    record = clean_text(article_text(5, "Advertisement"), fields={"tags": ["rail"]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.fields["tags"] = []  # type: ignore[index]
    assert isinstance(record.captions, tuple) and isinstance(record.removed, tuple)
    edit = next(e for e in record.removed if e.rule == "junk.advertisement")
    assert (edit.pass_name, edit.text) == ("junk", "Advertisement")
    assert isinstance(record.lang_prob, float)
    copy: Record = pickle.loads(pickle.dumps(record))  # as a worker process sends it back
    assert copy == record and copy.fields == {"tags": ["rail"]}
    with pytest.raises(TypeError):
        copy.fields["tags"] = []  # type: ignore[index]  # read-only still


def test_to_dict_and_to_json_are_one_output_line() -> None:
    record = clean_text(article_text(0), id="a", fields={"url": "https://x.example/a", "title": "ignored"})
    data = record.to_dict()
    assert list(data)[:8] == ["id", "source", "title", "text", "captions", "lang", "lang_prob", "removed"]
    assert list(data)[8:] == ["url"]  # an input field named like a contract field is not repeated
    assert json.loads(record.to_json()) == data
    assert "\n" not in record.to_json()


def test_a_reject_gives_its_reject_line() -> None:
    (reject,) = Cleaner().clean([{"id": "x", "body": "no text"}], source="in.jsonl")
    assert isinstance(reject, Reject)
    assert reject.to_json() == (
        '{"id":"x","source":"in.jsonl","reason":"missing-text","detail":"field \'text\' is missing","line":1}'
    )


def test_an_output_line_reads_back_into_the_record_that_wrote_it(tmp_path: Path) -> None:
    out, rejects = cli_run(tmp_path, corpus())
    assert out and rejects
    for line in out:
        assert Record.from_dict(json.loads(line)).to_json() == line
    for line in rejects:
        assert Reject.from_dict(json.loads(line)).to_json() == line
    passed_notes = Record.from_dict({**json.loads(out[0]), "notes": "a field of the input"})
    assert passed_notes.notes == () and passed_notes.fields["notes"] == "a field of the input"


# --- a corpus --------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_cleaner_clean_equals_cleaner_run_byte_for_byte(tmp_path: Path, jobs: int) -> None:
    records = corpus()
    expected_out, expected_rejects = cli_run(tmp_path, records)
    c = Cleaner()
    out, rejects = api_run(c.clean(records, source="corpus.jsonl", jobs=jobs))  # 2: records come back pickled
    assert out == expected_out
    assert rejects == expected_rejects
    # The corpus stages did decide something: a duplicate, a renamed id, both outlets' footers.
    reasons = [json.loads(line)["reason"] for line in rejects]
    assert sorted(reasons) == ["empty", "missing-text", "near-duplicate"]
    assert c.stats.removals["boilerplate.site"] == 16 * len(FOOTER)
    assert any(json.loads(line)["id"] == "brackwater-1#2" for line in out)
    assert c.stats.documents_in == len(records) == c.stats.documents_out + c.stats.documents_rejected


def test_cleaner_options_mean_what_the_run_options_mean(tmp_path: Path) -> None:
    records = corpus()
    expected = cli_run(
        tmp_path, records, "--lang", "en", "--boilerplate-min-docs", "9", "--dup-threshold", "0.95"
    )
    c = Cleaner(languages=["en"], boilerplate_min_docs=9, duplicate_threshold=0.95)
    assert api_run(c.clean(records, source="corpus.jsonl")) == expected
    expected = cli_run(tmp_path, records, "--no-dedup")
    assert api_run(Cleaner(dedup=False).clean(records, source="corpus.jsonl")) == expected


def test_a_cleaner_is_reused_and_its_stats_are_the_last_runs() -> None:
    c = Cleaner()
    first = list(c.clean(corpus()))
    assert c.stats.documents_in == len(first)
    second = list(c.clean([article_text(0)]))
    assert [r.to_json() for r in first] == [r.to_json() for r in c.clean(corpus())]
    assert len(second) == 1 and c.stats.documents_in == len(first)  # the last clean's counts


class LazyRow(Mapping[str, Any]):
    """A mapping that is not a dict and reads its values on demand (as datasets' rows do)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def test_any_mapping_and_plain_strings_are_documents() -> None:
    records = corpus()
    as_dicts = [r.to_json() for r in Cleaner().clean(records)]
    assert [r.to_json() for r in Cleaner().clean(LazyRow(r) for r in records)] == as_dicts
    strings = list(Cleaner().clean([article_text(0), article_text(1)], source="feed"))
    assert [r.id for r in strings] == ["feed:1", "feed:2"]
    assert [r.text for r in strings if isinstance(r, Record)] == [article_body(0), article_body(1)]


def test_a_value_that_is_no_document_is_rejected_not_raised() -> None:
    results = list(Cleaner().clean([article_text(0), 42, ["a list"]]))  # type: ignore[list-item]
    assert [type(r).__name__ for r in results] == ["Record", "Reject", "Reject"]
    assert isinstance(results[1], Reject) and results[1].detail == "a int, not a mapping or a string"


def test_without_dedup_results_stream_as_documents_are_read() -> None:
    read: list[int] = []

    def documents() -> Iterator[str]:
        for n in range(3):
            read.append(n)
            yield article_text(n)

    results = Cleaner(dedup=False).clean(documents())
    next(results)
    assert read == [0]  # the first result came before the second document was read
    results = Cleaner().clean(documents())
    read.clear()
    next(results)
    assert read == [0, 1, 2]  # with dedup, the whole input is read first


def test_the_public_names_are_exported_and_typed() -> None:
    assert set(cleaner.__all__) >= {"clean_text", "Cleaner", "Record", "Reject", "Rejected"}
    assert all(getattr(cleaner, name) is not None for name in cleaner.__all__)
    assert (Path(cleaner.__file__).parent / "py.typed").is_file()
    with pytest.raises(AttributeError):
        _ = cleaner.no_such_name  # type: ignore[attr-defined]


def test_the_typed_user_script_runs() -> None:
    """tests/typing_user_script.py is what mypy --strict checks as a user's code (see pyproject)."""
    namespace = runpy.run_path(str(Path(__file__).parent / "typing_user_script.py"))
    assert namespace["main"]() == ARTICLES[0][0]

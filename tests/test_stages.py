"""The per-document stages both engines share: ids made unique, the duplicate decision, the
rendered line, the counts, and the reasons a document is rejected."""

from __future__ import annotations

import io
from collections import Counter

from builders import B1, B2, default_cleaner, make_document

from cleaner.dedup.documents import Duplicate
from cleaner.readers import ReadOptions, parse_jsonl_line, read_jsonl_stream
from cleaner.records import BAD_INPUT_REASONS, Reason, Reject
from cleaner.stages import Cleaned, Dropped, clean_one, finish, note_warnings, rename, render, unique_id
from cleaner.stats import RunStats


def test_bad_input_reasons_are_the_reading_failures_only() -> None:
    assert {r for r in Reason if r.bad_input} == BAD_INPUT_REASONS
    assert Reason.INVALID_JSON.bad_input and Reason.BINARY.bad_input
    assert not Reason.NEAR_DUPLICATE.bad_input and not Reason.LANGUAGE.bad_input
    assert not Reason.EMPTY.bad_input
    assert Reason.NEAR_DUPLICATE.value == "near-duplicate"  # the reject line's reason, unchanged


def test_unique_id_takes_the_first_free_suffix() -> None:
    assert unique_id("x", {"x"}) == ("x#2", 2)
    assert unique_id("x", {"x", "x#2", "x#3"}) == ("x#4", 4)
    assert unique_id("x", {"x"}, start=5) == ("x#5", 5)


def test_a_renamed_document_notes_it_and_a_renamed_reject_is_a_new_reject() -> None:
    doc, warning = rename(make_document([B1], doc_id="story"), "story#2")
    assert doc.id == "story#2"
    assert doc.notes == ["duplicate id 'story', renamed 'story#2'"]
    assert warning is None  # the note is the warning, said once with the document's other notes
    assert note_warnings(doc) == ["story.txt: duplicate id 'story', renamed 'story#2'"]
    reject = Reject("r", "f.jsonl", Reason.INVALID_JSON, "bad", line=3)
    renamed, said = rename(reject, "r#2")
    assert said == "f.jsonl: duplicate id 'r', renamed 'r#2'"
    assert renamed == Reject("r#2", "f.jsonl", Reason.INVALID_JSON, "bad", line=3)
    assert reject.id == "r"


def test_finish_drops_a_duplicate_and_leaves_others_as_stage_one_left_them() -> None:
    result = clean_one(make_document([B1, B2]), default_cleaner(), sketch=False)
    assert isinstance(result, Cleaned)
    kept = finish(result, None, [], 10)
    assert kept is result
    dropped = finish(result, Duplicate("first", 0.93), [], 10)
    assert isinstance(dropped, Dropped)
    assert dropped.reject.reason is Reason.NEAR_DUPLICATE
    assert dropped.reject.detail == "estimated Jaccard 0.93 with first"
    assert dropped.reject.duplicate_of == "first"


def test_render_builds_the_report_item_only_when_asked() -> None:
    result = clean_one(make_document(["Advertisement", B1]), default_cleaner(), sketch=False)
    plain = render(result)
    assert plain.report is None and plain.line is not None and plain.reason is None
    assert plain.removals == Counter({"junk.advertisement": 1})
    kept = render(result, keep=True)
    assert kept.report is not None and kept.report.record is not None and kept.report.reject is None
    assert kept.report.input_lines == ("Advertisement", B1)
    bad = render(Dropped(Reject("f:2", "f.jsonl", Reason.INVALID_JSON, "Expecting value", line=2)), keep=True)
    assert bad.warning == "f.jsonl:2: invalid-json: Expecting value"
    assert bad.report is not None and bad.report.input_lines is None and bad.report.record is None


def test_one_parser_reads_a_jsonl_line_whatever_split_the_file() -> None:
    data = b'\xef\xbb\xbf{"id": "a", "text": "Body."}\n\n{"id": 1\n\xff\n'
    whole = list(read_jsonl_stream(io.BytesIO(data), "f.jsonl", ReadOptions()))
    by_line = [
        parse_jsonl_line(raw, "f.jsonl", n, ReadOptions()) for n, raw in enumerate(data.splitlines(True), 1)
    ]
    assert [item for item in by_line if item is not None] == whole
    assert [type(item).__name__ for item in whole] == ["Document", "Reject", "Reject"]
    assert [item.reason for item in whole if isinstance(item, Reject)] == [Reason.INVALID_JSON] * 2


def test_stats_merge_adds_every_count() -> None:
    a = RunStats(3, 2, Counter({Reason.LANGUAGE: 1}), Counter({"junk.ad": 2}), 10, ["x.csv"], 4, 40)
    b = RunStats()
    b.add_outcome(None, Counter({"junk.ad": 1, "ws.trim": 1}), 5)
    b.add_outcome(Reason.LANGUAGE, Counter(), 0)
    b.documents_in = 2
    merged = RunStats().merge(a).merge(b)
    assert merged.to_json() == {
        "documents_in": 5,
        "documents_out": 3,
        "documents_rejected": 2,
        "rejected": {"language": 2},
        "removals": {"junk.ad": 3, "ws.trim": 1},
        "chars_removed": 15,
        "skipped_files": ["x.csv"],
        "index_paragraphs": 4,
        "index_bytes": 40,
    }
    assert merged.balanced

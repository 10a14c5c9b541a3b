"""Documents, edits, and how edits are applied, recorded and replayed."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import (
    AppliedEdit,
    Document,
    Edit,
    MoveTarget,
    apply_edits,
    apply_one,
    replay,
    unapply,
)


def doc_of(*lines: str) -> Document:
    return Document("doc", "doc.txt", list(lines))


def edit(line: int, start: int, end: int, replacement: str = "", rule: str = "test.rule") -> Edit:
    return Edit("test", rule, line, start, end, replacement)


# --- Document --------------------------------------------------------------------------------


def test_document_text_is_its_paragraphs_joined_by_blank_lines() -> None:
    assert doc_of("First.", "Second.").text == "First.\n\nSecond."


def test_a_document_and_its_edits_travel_pickled_unchanged() -> None:
    doc = Document("doc", "doc.txt", ["Photo: Ann Lee", "Share this", "Body of the story."])
    apply_edits(doc, [Edit("captions", "captions.credit", 0, 0, 14, moved_to="captions"), edit(1, 0, 10)])
    apply_edits(doc, [edit(0, 0, 4, "Text")])
    back = pickle.loads(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL))
    assert back == doc and back is not doc
    assert [e.dropped for e in back.applied] == [True, True, False]
    assert back.applied[0].moved_to == "captions" and back.applied[2].replacement == "Text"
    with pytest.raises(AttributeError):  # still frozen
        back.applied[0].text = "changed"


def test_a_new_document_has_no_title_captions_or_edits() -> None:
    doc = doc_of("Body.")
    assert (doc.title, doc.captions, doc.applied, doc.fields) == (None, [], [], {})


def test_drop_line_spans_the_whole_line() -> None:
    e = Edit.drop_line("junk", "junk.ad", 3, "Advertisement")
    assert (e.line, e.start, e.end, e.replacement, e.moved_to) == (3, 0, len("Advertisement"), "", None)


# --- apply_edits: one edit -------------------------------------------------------------------


def test_an_edit_replaces_a_span_of_a_line() -> None:
    doc = doc_of("It was donâ€™t.", "Next.")
    assert apply_edits(doc, [edit(0, 10, 13, "’")]) == 1
    assert doc.lines == ["It was don’t.", "Next."]


def test_an_applied_edit_records_what_it_removed_and_where() -> None:
    doc = doc_of("Fish &amp; chips")
    apply_edits(doc, [Edit("ftfy", "ftfy.unescape-html", 0, 5, 10, "&")])
    assert doc.applied == [AppliedEdit("ftfy", "ftfy.unescape-html", 0, 5, "&amp;", "&")]


def test_an_edit_removing_a_whole_line_drops_the_paragraph() -> None:
    doc = doc_of("Body one.", "Advertisement", "Body two.")
    apply_edits(doc, [Edit.drop_line("junk", "junk.ad", 1, "Advertisement")])
    assert doc.lines == ["Body one.", "Body two."]


def test_an_edit_leaving_only_white_space_drops_the_paragraph() -> None:
    doc = doc_of("Body.", "x  ")
    apply_edits(doc, [edit(1, 0, 1)])
    assert doc.lines == ["Body."]


def test_an_edit_that_changes_nothing_is_not_applied() -> None:
    doc = doc_of("Body.")
    assert apply_edits(doc, [edit(0, 2, 2)]) == 0
    assert doc.applied == []


def test_an_insertion_is_applied() -> None:
    doc = doc_of("Body")
    assert apply_edits(doc, [edit(0, 4, 4, ".")]) == 1
    assert doc.lines == ["Body."]
    assert doc.applied[0].text == ""


def test_no_edits_apply_nothing() -> None:
    doc = doc_of("Body.")
    assert apply_edits(doc, []) == 0
    assert doc.lines == ["Body."]


# --- apply_edits: a batch --------------------------------------------------------------------


def test_edits_apply_top_to_bottom_and_left_to_right_whatever_their_order() -> None:
    doc = doc_of("aa bb", "cc")
    apply_edits(doc, [edit(1, 0, 2, "C"), edit(0, 3, 5, "B"), edit(0, 0, 2, "A")])
    assert doc.lines == ["A B", "C"]
    assert [(e.line, e.at, e.text) for e in doc.applied] == [(0, 0, "aa"), (0, 2, "bb"), (1, 0, "cc")]


def test_later_edits_on_a_line_are_shifted_by_earlier_ones() -> None:
    doc = doc_of("x &amp; y &amp; z")
    apply_edits(doc, [edit(0, 2, 7, "&"), edit(0, 10, 15, "&")])
    assert doc.lines == ["x & y & z"]
    # Positions are recorded as they were when each edit was applied.
    assert [e.at for e in doc.applied] == [2, 6]


def test_growing_replacements_shift_later_edits_too() -> None:
    doc = doc_of("a-b-c")
    apply_edits(doc, [edit(0, 1, 2, " -- "), edit(0, 3, 4, " -- ")])
    assert doc.lines == ["a -- b -- c"]


def test_an_edit_overlapping_one_already_applied_is_skipped() -> None:
    doc = doc_of("abcdef")
    assert apply_edits(doc, [edit(0, 0, 3, "X"), edit(0, 2, 5, "Y")]) == 1
    assert doc.lines == ["Xdef"]
    assert len(doc.applied) == 1


def test_adjacent_edits_do_not_overlap() -> None:
    doc = doc_of("abcdef")
    assert apply_edits(doc, [edit(0, 0, 3, "X"), edit(0, 3, 6, "Y")]) == 2
    assert doc.lines == ["XY"]


def test_an_edit_on_a_line_already_dropped_is_skipped() -> None:
    doc = doc_of("Body.", "Share this", "Next.")
    edits = [Edit.drop_line("junk", "junk.share", 1, "Share this"), edit(1, 6, 10, "THIS")]
    assert apply_edits(doc, edits) == 1
    assert doc.lines == ["Body.", "Next."]


def test_of_two_edits_starting_together_the_shorter_applies_and_the_line_drop_waits() -> None:
    # The drop is skipped this round, to be proposed again on the new text if still relevant.
    doc = doc_of("Share  this")
    edits = [Edit.drop_line("junk", "junk.share", 0, "Share  this"), edit(0, 0, 7, "Share ")]
    assert apply_edits(doc, edits) == 1
    assert doc.lines == ["Share this"]


def test_dropping_a_line_shifts_the_edits_on_the_lines_below() -> None:
    doc = doc_of("Advertisement", "Body one.", "Fish &amp; chips.")
    edits = [Edit.drop_line("junk", "junk.ad", 0, "Advertisement"), edit(2, 5, 10, "&")]
    assert apply_edits(doc, edits) == 2
    assert doc.lines == ["Body one.", "Fish & chips."]
    # The second edit happened on what was then line 1.
    assert [(e.line, e.text) for e in doc.applied] == [(0, "Advertisement"), (1, "&amp;")]


def test_dropping_several_lines_in_one_batch() -> None:
    doc = doc_of("Ad", "Body.", "Ad", "Ad", "End.")
    drops = [Edit.drop_line("junk", "junk.ad", i, "Ad") for i in (3, 0, 2)]
    assert apply_edits(doc, drops) == 3
    assert doc.lines == ["Body.", "End."]
    assert [e.line for e in doc.applied] == [0, 1, 1]


def test_an_edit_moved_to_title_sets_the_title() -> None:
    doc = doc_of("Headline ", "Body.")
    apply_edits(doc, [Edit("title", "title.first-line", 0, 0, 9, "", "title")])
    assert doc.title == "Headline"
    assert doc.lines == ["Body."]


def test_an_edit_moved_to_captions_adds_the_caption_once() -> None:
    caption = "A view of the port. REUTERS/Jane Doe"
    doc = doc_of(caption, "Body.", caption)
    drops = [Edit.drop_line("captions", "caption.reuters", i, caption, "captions") for i in (0, 2)]
    assert apply_edits(doc, drops) == 2
    assert doc.captions == [caption]
    assert [e.moved_to for e in doc.applied] == ["captions", "captions"]


# --- apply_one and replay --------------------------------------------------------------------


def test_apply_one_refuses_an_edit_that_does_not_match_the_line() -> None:
    lines = ["Body."]
    with pytest.raises(ValueError, match="does not match"):
        apply_one(lines, AppliedEdit("junk", "junk.ad", 0, 0, "Advertisement"))


def test_replay_rebuilds_the_output_from_the_input_and_the_applied_edits() -> None:
    original = ["Advertisement", "It was donâ€™t.", "x &amp; y &amp; z", "Ad", "End."]
    doc = doc_of(*original)
    apply_edits(doc, [Edit.drop_line("junk", "junk.ad", 0, "Advertisement"), edit(1, 10, 13, "’")])
    apply_edits(doc, [edit(1, 2, 7, "&"), edit(1, 10, 15, "&"), Edit.drop_line("junk", "junk.ad", 2, "Ad")])
    assert doc.lines == ["It was don’t.", "x & y & z", "End."]
    assert replay(original, doc.applied) == doc.lines


def test_replay_does_not_change_its_input() -> None:
    original = ["Advertisement", "Body."]
    replay(original, [AppliedEdit("junk", "junk.ad", 0, 0, "Advertisement")])
    assert original == ["Advertisement", "Body."]


def test_replay_of_no_edits_is_the_input() -> None:
    assert replay(["A.", "B."], []) == ["A.", "B."]


# --- AppliedEdit JSON ------------------------------------------------------------------------


def test_to_json_names_the_pass_the_rule_and_the_text() -> None:
    applied = AppliedEdit("junk", "junk.ad", 4, 0, "Advertisement")
    assert applied.to_json() == {
        "pass": "junk",
        "rule": "junk.ad",
        "text": "Advertisement",
        "line": 4,
        "at": 0,
    }


def test_to_json_includes_a_replacement_and_a_destination_only_when_there_are_some() -> None:
    replaced = AppliedEdit("ftfy", "ftfy.fix-encoding", 0, 3, "â€™", "’").to_json()
    moved = AppliedEdit("captions", "caption.reuters", 1, 0, "Port. REUTERS/J Doe", "", "captions").to_json()
    assert replaced["replacement"] == "’" and "to" not in replaced
    assert moved["to"] == "captions" and "replacement" not in moved


@pytest.mark.parametrize(
    "applied",
    [
        AppliedEdit("junk", "junk.ad", 0, 0, "Advertisement"),
        AppliedEdit("ftfy", "ftfy.fix-encoding", 2, 7, "â€™", "’"),
        AppliedEdit("whitespace", "ws.zero-width", 1, 3, "\u200b"),
        AppliedEdit("title", "title.first-line", 0, 0, "Headline", "", "title"),
        AppliedEdit("captions", "caption.ap", 5, 0, "Fire. (AP Photo/Jo Ray)", "", "captions"),
        AppliedEdit("test", "test.insert", 0, 4, "", "."),
    ],
)
def test_applied_edit_round_trips_through_json(applied: AppliedEdit) -> None:
    assert AppliedEdit.from_json(applied.to_json()) == applied
    assert AppliedEdit.from_json(json.loads(json.dumps(applied.to_json()))) == applied


# --- the inverse: un-applying the edits ------------------------------------------------------


def test_an_edit_that_empties_its_paragraph_is_recorded_as_dropping_it_whole() -> None:
    doc = doc_of("Advertisement \u2028", "Body.")  # white space that strip() knows, no trim rule does
    apply_edits(doc, [edit(0, 0, len("Advertisement"))])
    (applied,) = doc.applied
    assert applied.dropped
    assert (applied.at, applied.text, applied.replacement) == (0, "Advertisement \u2028", "")
    assert applied.to_json()["dropped"] is True
    assert AppliedEdit.from_json(json.loads(json.dumps(applied.to_json()))) == applied
    assert unapply(doc.lines, doc.applied) == ["Advertisement \u2028", "Body."]


def test_an_edit_that_leaves_text_is_not_a_drop_and_says_nothing_about_it() -> None:
    doc = doc_of("Foobar")
    apply_edits(doc, [edit(0, 0, 3)])
    assert not doc.applied[0].dropped and "dropped" not in doc.applied[0].to_json()
    assert unapply(doc.lines, doc.applied) == ["Foobar"]


def test_a_part_removed_and_a_paragraph_removed_above_it_un_apply_differently() -> None:
    # The same output, "bar", from two inputs: only the dropped flag tells them apart.
    part, whole = doc_of("Foobar"), doc_of("Foo", "bar")
    apply_edits(part, [edit(0, 0, 3)])
    apply_edits(whole, [edit(0, 0, 3)])
    assert part.lines == whole.lines == ["bar"]
    assert unapply(part.lines, part.applied) == ["Foobar"]
    assert unapply(whole.lines, whole.applied) == ["Foo", "bar"]


def test_replacements_un_apply_to_the_original_text() -> None:
    doc = doc_of("Caf\u00c3\u00a9 &amp; bar", "Last.")
    apply_edits(doc, [edit(0, 3, 5, "\u00e9"), edit(0, 6, 11, "&")])
    apply_edits(doc, [edit(1, 0, 5)])
    assert doc.lines == ["Caf\u00e9 & bar"]
    assert unapply(doc.lines, doc.applied) == ["Caf\u00c3\u00a9 &amp; bar", "Last."]


def test_an_edit_that_does_not_fit_does_not_un_apply() -> None:
    with pytest.raises(ValueError):
        unapply(["Other text"], [AppliedEdit("test", "t.r", 0, 0, "Caf\u00c3\u00a9", "Caf\u00e9")])
    with pytest.raises(ValueError):
        unapply(["x"], [AppliedEdit("test", "t.r", 5, 0, "Gone", dropped=True)])


# --- apply_edits: the whole-paragraph shortcut is the general path ----------------------------


def _apply_edits_plainly(doc: Document, edits: list[Edit]) -> int:
    """apply_edits as first written, every edit cut and joined the same way: the reference the
    shortcut for whole paragraphs dropped is checked against."""
    from cleaner.document import _take_moved

    dropped_above, current_line, shift, last_end, line_gone, count = 0, -1, 0, -1, False, 0
    for e in sorted(edits, key=lambda e: (e.line, e.start, e.end)):
        if e.line != current_line:
            current_line, shift, last_end, line_gone = e.line, 0, -1, False
        if line_gone or e.start < last_end:
            continue
        index, at = e.line - dropped_above, e.start + shift
        line = doc.lines[index]
        removed = line[at : e.end + shift]
        if not removed and not e.replacement:
            continue
        if (line[:at] + e.replacement + line[e.end + shift :]).strip():
            applied = AppliedEdit(e.pass_name, e.rule, index, at, removed, e.replacement, e.moved_to)
        else:
            applied = AppliedEdit(e.pass_name, e.rule, index, 0, line, "", e.moved_to, dropped=True)
        before = len(doc.lines)
        apply_one(doc.lines, applied)
        doc.applied.append(applied)
        count += 1
        _take_moved(doc, applied)
        if len(doc.lines) < before:
            dropped_above, line_gone = dropped_above + 1, True
        else:
            shift, last_end = shift + len(e.replacement) - (e.end - e.start), e.end
    return count


@st.composite
def _lines_and_edits(draw: st.DrawFn) -> tuple[list[str], list[Edit]]:
    lines = draw(st.lists(st.text(alphabet="ab ", min_size=1, max_size=6), min_size=1, max_size=5))
    edits = []
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):
            target: MoveTarget | None = draw(st.sampled_from([None, "captions", "title"]))
            edits.append(Edit.drop_line("junk", "junk.x", i, lines[i], moved_to=target))
        else:
            start = draw(st.integers(0, len(lines[i])))
            end = draw(st.integers(start, len(lines[i])))
            edits.append(Edit("ftfy", "ftfy.x", i, start, end, draw(st.sampled_from(["", "c", " ", "dd"]))))
    return lines, edits


@settings(max_examples=400, deadline=None)
@given(_lines_and_edits())
def test_applying_edits_is_what_applying_each_the_general_way_gives(
    case: tuple[list[str], list[Edit]],
) -> None:
    lines, edits = case
    fast, plain = Document("d", "s", list(lines)), Document("d", "s", list(lines))
    assert apply_edits(fast, edits) == _apply_edits_plainly(plain, edits)
    assert (fast.lines, fast.applied, fast.title, fast.captions) == (
        plain.lines,
        plain.applied,
        plain.title,
        plain.captions,
    )

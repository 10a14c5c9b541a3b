"""Near-duplicates: repeated paragraphs, site boilerplate across documents, duplicate documents.

The corpora here are generated from invented outlets: bodies are built from varied vocabulary
so that different articles share no long runs of words, as real articles do not.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import datasketch  # noqa: F401  (the tests compare with it; no test's deadline should pay for that)
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.cli import cli
from cleaner.dedup.boilerplate import ParagraphCollector, find_boilerplate
from cleaner.dedup.buckets import KeyMix
from cleaner.dedup.documents import KNOWN_BANDS, DocumentIds, DocumentIndex, LshBands, document_lsh
from cleaner.dedup.minhash import (
    DOCUMENT_SKETCH,
    PARAGRAPH_SKETCH,
    SketchSettings,
    estimated_jaccard,
    estimated_jaccards_back,
    permutations,
    signature,
    signatures,
    words_of,
)
from cleaner.dedup.repeats import RemoveRepeatedParagraphs
from cleaner.document import Document
from cleaner.pipeline import run_passes

SUBJECTS = [
    "The harbour board",
    "A group of teachers",
    "The regional water utility",
    "Two local farmers",
    "The county sheriff",
    "A panel of engineers",
    "The city library",
    "Several shop owners",
    "The school district",
    "A hospital spokeswoman",
    "The ferry operator",
    "Residents of Eastmoor",
]
VERBS = [
    "approved",
    "questioned",
    "delayed",
    "welcomed",
    "criticised",
    "funded",
    "reviewed",
    "rejected",
    "postponed",
    "announced",
    "defended",
    "examined",
]
OBJECTS = [
    "a plan to widen the coastal road",
    "new rules for night parking",
    "the cost of repairing the pier",
    "a proposal to merge two primary schools",
    "the budget for winter gritting",
    "a survey of flood defences",
    "a scheme to plant oak trees",
    "the closure of the old quarry",
    "an upgrade of the sewage works",
    "a festival on the village green",
    "the price of bus passes",
    "a study of cliff erosion",
]
DETAILS = [
    "on Monday",
    "after a long debate",
    "despite objections",
    "at a packed meeting",
    "in a late vote",
    "without a formal hearing",
    "following complaints",
    "for the third time this year",
    "with a narrow majority",
    "ahead of the spring elections",
    "in a written statement",
    "by email",
]
NUMBERS = ["12", "48", "305", "7,500", "19", "64", "2.4 million", "880", "31", "5", "1,200", "77"]


def article(seed: int, paragraphs: int = 5) -> list[str]:
    """A plausible local-news body whose paragraphs share little with other seeds' paragraphs."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        s, v, o, d, n = (rng.choice(x) for x in (SUBJECTS, VERBS, OBJECTS, DETAILS, NUMBERS))
        s2, v2, o2 = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
        out.append(f"{s} {v} {o} {d}, and {s2.lower()} {v2} {o2} at a cost of {n} pounds.")
    return out


FOOTER = [
    "The Brackwater Sentinel is published by the Sentinel Media Cooperative, 14 Quay Street, Brackwater.",
    "Sentinel Plus · Members' lounge",
]
QUOTE = "“We will not close the ferry while I am mayor,” Mayor Tomas Lindqvist told the meeting on Tuesday."


def write_outlet(root: Path, order: list[int]) -> None:
    """12 articles of one outlet in root/brackwater; 10 carry the footer, 2 share a quote."""
    folder = root / "brackwater"
    folder.mkdir(parents=True)
    for rank, i in enumerate(order):
        body = article(1000 + i)
        if i in (2, 7):
            body.insert(2, QUOTE)
        lines = [f"Council notes, week {i + 1}", "", *body]
        if i < 10:
            lines += FOOTER
        (folder / f"{rank:02d}_story{i:02d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def run_cli(args: list[str]) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["run", *args, "-", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def removed_by(record: dict[str, object], rule: str) -> list[str]:
    return [e["text"] for e in record["removed"] if e["rule"] == rule]  # type: ignore[attr-defined]


@settings(deadline=None)  # the first example imports datasketch (and scipy)
@given(st.lists(st.text(alphabet="ab cd.\u00e9", max_size=40), max_size=6))
def test_signatures_are_datasketchs_minhash_value_for_value(texts: list[str]) -> None:
    """cleaner computes datasketch 2's ``affine32`` MinHash itself (numpy, no scipy import):
    one batch per document must give datasketch's ``update_batch`` values exactly; empty and
    punctuation-only texts keep the all-max signature."""
    import xxhash
    from datasketch import MinHash

    from cleaner.dedup.minhash import shingles

    for sketch in (PARAGRAPH_SKETCH, DOCUMENT_SKETCH):
        batch = signatures(texts, sketch)
        assert batch.shape == (len(texts), sketch.num_perm)
        for row, text in zip(batch, texts, strict=True):
            reference = MinHash(
                num_perm=sketch.num_perm,
                seed=sketch.seed,
                hashfunc=xxhash.xxh32_intdigest,
                scheme=sketch.scheme,
            )
            reference.update_batch(shingles(text, sketch.shingle_words))
            assert np.array_equal(row, reference.hashvalues)
            assert np.array_equal(row, signature(text, sketch))


def test_site_boilerplate_no_rule_names_is_removed_everywhere_but_a_shared_quote_stays(
    tmp_path: Path,
) -> None:
    write_outlet(tmp_path, list(range(12)))
    records = run_cli([str(tmp_path)])
    assert len(records) == 12
    for record in records:
        text = str(record["text"])
        assert FOOTER[0] not in text and FOOTER[1] not in text
    with_footer = [r for r in records if removed_by(r, "boilerplate.site")]
    assert len(with_footer) == 10
    assert all(sorted(removed_by(r, "boilerplate.site")) == sorted(FOOTER) for r in with_footer)
    quoted = [r for r in records if QUOTE in str(r["text"])]
    assert len(quoted) == 2


def test_boilerplate_decision_does_not_depend_on_input_order(tmp_path: Path) -> None:
    write_outlet(tmp_path / "a", list(range(12)))
    write_outlet(tmp_path / "b", list(reversed(range(12))))

    def removals(root: Path) -> dict[str, list[str]]:
        return {
            str(r["title"]): sorted(e["text"] for e in r["removed"] if e["pass"] == "boilerplate")  # type: ignore[attr-defined]
            for r in run_cli([str(root)])
        }

    assert removals(tmp_path / "a") == removals(tmp_path / "b")


def test_boilerplate_needs_min_docs_and_share_of_the_source() -> None:
    collected = ParagraphCollector()
    line = "Tip line: 555-0143, or write to the newsroom"
    for doc in range(10):
        paragraphs = [*article(doc, 3), *([line] if doc < 4 else [])]
        sigs = np.stack([signature(p, PARAGRAPH_SKETCH) for p in paragraphs])
        collected.add("outlet", doc, sigs)
    assert len(find_boilerplate(collected, min_docs=5)) == 0  # in 4 documents only
    assert len(find_boilerplate(collected, min_docs=3, min_share=0.5)) == 0  # 4 of 10 < half
    index = find_boilerplate(collected, min_docs=3, min_share=0.3)
    assert index.matches("outlet", signature(line, PARAGRAPH_SKETCH))
    assert not index.matches("another outlet", signature(line, PARAGRAPH_SKETCH))


def test_a_source_with_fewer_documents_than_min_docs_finds_none_beside_one_that_has_enough() -> None:
    line = "Tip line: 555-0143, or write to the newsroom"
    collected = ParagraphCollector()
    for doc in range(9):
        group = "big outlet" if doc < 6 else "small outlet"  # 6 and 3 documents, the same footer
        sigs = np.stack([signature(p, PARAGRAPH_SKETCH) for p in [*article(doc, 3), line]])
        collected.add(group, doc, sigs)
    index = find_boilerplate(collected, min_docs=4)
    assert index.matches("big outlet", signature(line, PARAGRAPH_SKETCH))
    assert not index.matches("small outlet", signature(line, PARAGRAPH_SKETCH))
    assert len(find_boilerplate(collected, min_docs=7)) == 0


def test_an_adjacent_near_repeat_goes_and_a_far_repeat_stays() -> None:
    body = article(5, 5)
    near = body[1].replace("pounds", "pounds in total")
    doc = Document("d", "d.txt", [body[0], body[1], near, body[2], body[3], body[1], body[4]])
    doc.title = "Council notes"
    run_passes(doc, [RemoveRepeatedParagraphs()])
    assert [e.rule for e in doc.applied] == ["repeat.paragraph"]
    assert doc.applied[0].text == near
    assert doc.lines.count(body[1]) == 2  # the far copy is the author's


def test_a_repeat_is_looked_for_only_within_the_window() -> None:
    body = article(7, 6)
    lines = [body[0], body[1], body[2], body[0], body[3], body[3]]
    doc = Document("d", "d.txt", list(lines))
    run_passes(doc, [RemoveRepeatedParagraphs(window=2)])
    assert doc.lines == lines[:4] + lines[4:5]  # body[0] is 3 back: the author's; body[3] goes
    wide = Document("d", "d.txt", list(lines))
    run_passes(wide, [RemoveRepeatedParagraphs(window=3)])
    assert wide.lines == lines[:3] + lines[4:5]
    # A window wider than the document compares every pair, as no window does.
    widest = Document("d", "d.txt", list(lines))
    run_passes(widest, [RemoveRepeatedParagraphs(window=10_000)])
    unbounded = Document("d", "d.txt", list(lines))
    run_passes(unbounded, [RemoveRepeatedParagraphs(window=0)])
    assert widest.lines == unbounded.lines == wide.lines


def test_a_short_line_repeats_only_exactly_and_a_doubled_single_word_stays() -> None:
    doc = Document("d", "d.txt", ["Key facts", "Key facts", "Key figures", "▼", "▼"])
    run_passes(doc, [RemoveRepeatedParagraphs()])
    assert doc.lines == ["Key facts", "Key figures", "▼", "▼"]


def test_duplicate_documents_keep_the_first_and_name_it(tmp_path: Path) -> None:
    original = article(42, 8)
    copy = [*original[:3], original[3] + " The report was updated later.", *original[4:]]
    other = article(43, 8)
    lines = [
        json.dumps({"id": i, "url": f"https://{host}/{i}", "text": "\n\n".join(body)})
        for i, host, body in (
            ("a", "one.example", original),
            ("b", "two.example", copy),
            ("c", "one.example", other),
        )
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    records = run_cli([str(src), "--rejects", str(rejects)])
    assert [r["id"] for r in records] == ["a", "c"]
    (reject,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert reject["reason"] == "near-duplicate" and reject["duplicate_of"] == "a"


def test_lsh_candidates_are_verified_before_a_document_is_rejected() -> None:
    index = DocumentIndex(threshold=0.8)
    a = signature(" ".join(article(1, 10)), DOCUMENT_SKETCH)
    b = a.copy()
    b[: int(len(b) * 0.3)] += 1  # shares LSH bands with a, but only 70% of its positions
    assert estimated_jaccard(a, b) < 0.8
    index.add("a", 0, a)
    index.add("b", 1, b)
    assert index.decide() == {}
    index.add("a-again", 2, a.copy())
    assert {pos: d.of for pos, d in index.decide().items()} == {2: "a"}


def test_a_document_linking_two_earlier_ones_joins_them_and_the_first_is_kept() -> None:
    index = DocumentIndex(threshold=0.8)
    base = signature(" ".join(article(3, 10)), DOCUMENT_SKETCH)
    left, right = base.copy(), base.copy()
    left[:20] += 1  # 0.84 with base, 0.69 with right
    right[-20:] += 1
    index.add("left", 0, left)
    index.add("right", 1, right)
    index.add("bridge", 2, base)
    assert {pos: d.of for pos, d in index.decide().items()} == {1: "left", 2: "left"}


def test_state_deduplicates_tomorrow_against_today(tmp_path: Path) -> None:
    state = tmp_path / "state"
    today = tmp_path / "today.jsonl"
    tomorrow = tmp_path / "tomorrow.jsonl"
    body = "\n\n".join(article(7, 8))
    today.write_text(json.dumps({"id": "t1", "text": body}) + "\n", encoding="utf-8")
    tomorrow.write_text(json.dumps({"id": "t2", "text": body}) + "\n", encoding="utf-8")
    assert [r["id"] for r in run_cli([str(today), "--state", str(state)])] == ["t1"]
    assert run_cli([str(tomorrow), "--state", str(state)]) == []
    settings = json.loads((state / "settings.json").read_text())
    assert settings["paragraph_sketch"]["datasketch"] and settings["state_version"] == 3


def test_state_with_other_settings_stops_with_a_clear_error(tmp_path: Path) -> None:
    state = tmp_path / "state"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "\n\n".join(article(9))}) + "\n", encoding="utf-8")
    run_cli([str(src), "--state", str(state)])
    result = CliRunner().invoke(cli, ["run", str(src), "-", "--state", str(state), "--dup-threshold", "0.9"])
    assert result.exit_code == 1
    assert "other settings" in result.output and "document_threshold" in result.output


def test_a_state_of_an_older_format_version_is_refused_naming_its_file_and_the_versions(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "\n\n".join(article(9))}) + "\n", encoding="utf-8")
    run_cli([str(src), "--state", str(state)])
    meta = state / "settings.json"
    meta.write_text(meta.read_text().replace('"state_version": 3', '"state_version": 2'))
    result = CliRunner().invoke(cli, ["run", str(src), "-", "--state", str(state)])
    assert result.exit_code == 1
    assert "state format version 2" in result.output and "version 3 only" in result.output
    assert "settings.json" in result.output


def test_a_document_signature_from_its_paragraphs_is_the_signature_of_its_whole_text() -> None:
    from cleaner.dedup.repeats import document_signature, paragraph_signatures_of

    rng = random.Random(11)
    words = ["Harbour", "ferry", "ß", "ﬁne", "x1", "it's", "—", "de"]
    for n in range(300):
        lines = [
            " ".join(rng.choice(words) for _ in range(rng.choice([1, 1, 2, 3, 5, 120])))
            for _ in range(rng.randint(1, 5))
        ]
        if n % 2:
            paragraph_signatures_of(lines)  # the hashes remembered, as in a run
        text = "\n\n".join(lines)
        assert np.array_equal(document_signature(lines), signature(text, DOCUMENT_SKETCH)), lines


def test_verified_pairs_are_minhashlsh_candidates_that_verify() -> None:
    from datasketch import LeanMinHash, MinHashLSH

    from cleaner.dedup.documents import LSH_WEIGHTS

    rng = random.Random(5)
    bodies = [article(seed, 6) for seed in range(12)]
    texts = []
    for n in range(60):  # copies of 12 stories, each with a few paragraphs changed or dropped
        body = list(bodies[n % 12])
        for _ in range(rng.randrange(3)):
            body[rng.randrange(len(body))] = " ".join(article(100 + n, 1))
        texts.append("\n\n".join(body[: rng.randrange(4, 7)]))
    index = DocumentIndex()
    lsh = MinHashLSH(threshold=0.8, num_perm=128, weights=LSH_WEIGHTS)
    expected = set()
    for n, text in enumerate(texts):
        sig = signature(text, DOCUMENT_SKETCH)
        index.add(f"d{n}", n, sig)
        lean = LeanMinHash(seed=1, hashvalues=sig, scheme="affine32")
        expected |= {
            (other, n) for other in lsh.query(lean) if estimated_jaccard(sig, index.sigs[other]) >= 0.8
        }
        lsh.insert(n, lean)
    assert index.verified_pairs() == sorted(expected) and len(expected) > 10


def test_the_collector_keeps_every_row_across_its_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.dedup.boilerplate as boilerplate

    monkeypatch.setattr(boilerplate, "COLLECTOR_BLOCK", 5)
    collected = ParagraphCollector()
    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 2**32, size=(13, PARAGRAPH_SKETCH.num_perm), dtype=np.uint32)
    collected.add("a", 0, sigs[:7])  # across the first block's end
    collected.add("b", 1, sigs[7:7])  # a document without paragraphs
    collected.add("b", 2, sigs[7:])
    assert collected.count() == 13 and collected.doc_groups == {0: 0, 1: 1, 2: 1}
    assert collected.codes().tolist() == [0] * 7 + [1] * 6
    assert collected.doc_numbers().tolist() == [0] * 7 + [2] * 6
    rows = np.array([1, 4, 5, 9, 12])
    for chosen in (rows, np.arange(2, 12)):  # rows gathered from each block, or read as views
        mixed = KeyMix(len(chosen))
        collected.mix_band(mixed, chosen, 8, 12)
        expected = KeyMix(len(chosen))
        expected.add(sigs[chosen, 8:12])
        assert np.array_equal(mixed.value(), expected.value())
    assert np.array_equal(collected.signatures(rows, 8, 12), sigs[rows, 8:12])
    assert collected.group_documents().tolist() == [1, 2]
    assert collected.group_documents(frozenset({1})).tolist() == [1, 1]
    assert np.array_equal(collected.signatures(rows[::-1]), sigs[rows[::-1]])


def test_the_document_index_keeps_every_signature_across_its_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.dedup.documents as documents

    monkeypatch.setattr(documents, "DOCUMENT_BLOCK", 3)
    texts = ["\n\n".join(article(seed % 4, 5)) for seed in range(8)]  # four stories, twice each
    sigs = np.stack([signature(text, DOCUMENT_SKETCH) for text in texts])
    index = DocumentIndex()
    for n, sig in enumerate(sigs):
        index.add(f"d{n}", n, sig)
    assert np.array_equal(index.sigs, sigs) and len(index) == 8
    assert np.array_equal(index.signatures(np.array([7, 0, 4])), sigs[[7, 0, 4]])
    assert list(index.ids) == [f"d{n}" for n in range(8)] and list(index.positions) == list(range(8))
    assert index.verified_pairs() == [(0, 4), (1, 5), (2, 6), (3, 7)]
    assert index.verified_pairs(sigs) == [(0, 4), (1, 5), (2, 6), (3, 7)]
    assert sorted(index.decide()) == [4, 5, 6, 7]


def test_document_ids_are_kept_compactly_and_read_back_as_given() -> None:
    ids = DocumentIds()
    given = ["harbourpost-1", "Süddeutsche Kurier/Ärger", "", "lone-\ud800-surrogate", "harbourpost-1"]
    for doc_id in given:
        ids.append(doc_id)
    assert list(ids) == given and len(ids) == 5
    assert ids[-4] == "Süddeutsche Kurier/Ärger" and ids[2] == ""
    with pytest.raises(IndexError):
        ids[5]


def test_paragraphs_that_share_no_band_key_are_no_boilerplate() -> None:
    collected = ParagraphCollector()
    rng = np.random.default_rng(11)
    for doc in range(6):  # enough documents for a template, but each paragraph its own
        collected.add("quietvalley.example", doc, rng.integers(0, 2**32, size=(3, 64), dtype=np.uint32))
    assert len(find_boilerplate(collected, min_docs=5)) == 0


# --- datasketch's values without datasketch in a run ---------------------------------------


@pytest.mark.parametrize("sketch", [PARAGRAPH_SKETCH, DOCUMENT_SKETCH])
def test_the_permutations_are_the_ones_datasketch_draws(sketch: SketchSettings) -> None:
    import xxhash
    from datasketch import MinHash

    reference = MinHash(
        num_perm=sketch.num_perm, seed=sketch.seed, hashfunc=xxhash.xxh32_intdigest, scheme=sketch.scheme
    )
    ours = permutations(sketch)
    assert np.array_equal(ours.a, reference.permutations[0])
    assert np.array_equal(ours.b, reference.permutations[1])
    assert np.array_equal(ours.empty, reference.hashvalues)
    assert ours.a.dtype == ours.b.dtype == ours.empty.dtype == np.uint32


@pytest.mark.parametrize(("threshold", "num_perm", "weights"), sorted(KNOWN_BANDS))
def test_the_known_bands_are_the_ones_minhashlsh_picks(
    threshold: float, num_perm: int, weights: tuple[float, float]
) -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    assert KNOWN_BANDS[threshold, num_perm, weights] == (lsh.b, lsh.r)
    assert document_lsh(threshold, num_perm, weights) == LshBands(lsh.b, lsh.r)


def test_an_unlisted_threshold_gets_minhashlshs_bands_all_the_same() -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=0.83, num_perm=128, weights=(0.05, 0.95))
    assert document_lsh(0.83, 128) == LshBands(lsh.b, lsh.r)


TOKEN_TEXTS = st.text(alphabet=st.sampled_from(list("aZ9_ .,'-\n\tßİﬁéΣσ日\u0301")), max_size=60)


@given(TOKEN_TEXTS)
def test_words_are_cut_as_the_regex_cuts_them(text: str) -> None:
    import re

    assert words_of(text) == [w.encode() for w in re.findall(r"\w+", text.casefold())]


@settings(deadline=None)
@given(words=st.lists(st.sampled_from(["harbour", "Ferry", "x1", "ß", "it's", "—"]), max_size=40))
def test_a_long_text_streamed_gives_the_hashes_and_edges_of_a_short_one(words: list[str]) -> None:
    from array import array

    from cleaner.dedup import minhash

    text = " ".join(words)
    whole = array("I")
    edges = minhash.hash_into(text, 3, whole)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(minhash, "LONG_TEXT", 0)
        patched.setattr(minhash, "STREAM_WORDS", 4)
        streamed = array("I")
        assert minhash.hash_into(text, 3, streamed) == edges
    assert streamed == whole


def test_the_similarities_a_distance_back_are_those_of_each_pair() -> None:
    paragraphs = ["Tip line", "Tip line", "The harbour reopens on Monday.", "The harbour reopens Monday.", ""]
    sigs = [signature(p, PARAGRAPH_SKETCH) for p in paragraphs]
    for distance in (1, 2, 4, 5, 7):
        back = estimated_jaccards_back(sigs, distance)
        assert back == [
            estimated_jaccard(sigs[i], sigs[i - distance]) if i >= distance else 0.0 for i in range(len(sigs))
        ]
    assert estimated_jaccards_back(sigs, 1)[1] == 1.0
    assert estimated_jaccards_back([], 1) == []


def test_with_no_window_a_paragraph_is_compared_with_every_kept_one_before_it() -> None:
    doc = Document(
        "d",
        "s",
        ["Tip line for the harbour desk", "A different paragraph here.", "Tip line for the harbour desk"],
    )
    run_passes(doc, [RemoveRepeatedParagraphs(window=0)])
    assert doc.lines == ["Tip line for the harbour desk", "A different paragraph here."]
    kept = Document("d", "s", list(doc.input_lines))
    run_passes(kept, [RemoveRepeatedParagraphs(window=1)])
    assert kept.lines == list(doc.input_lines)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Tip line",
                "Tip",
                "The harbour reopens on Monday.",
                "The harbour reopens Monday.",
                "  ",
                "a b c",
            ]
        ),
        max_size=12,
    )
)
def test_with_a_window_of_one_a_paragraph_goes_when_the_kept_one_before_it_is_close(lines: list[str]) -> None:
    doc = Document("d", "s", list(lines))
    edits = list(RemoveRepeatedParagraphs()(doc))
    expected: list[int] = []
    kept: list[int] = []
    sigs = [signature(line, PARAGRAPH_SKETCH) for line in lines]
    for i, line in enumerate(lines):
        close = bool(kept) and kept[-1] == i - 1 and estimated_jaccard(sigs[i], sigs[i - 1]) >= 0.8
        if close and len(line.split()) >= 2:
            expected.append(i)
        else:
            kept.append(i)
    assert [e.line for e in edits] == expected
    assert all(e.rule == "repeat.paragraph" and e.start == 0 and e.end == len(lines[e.line]) for e in edits)

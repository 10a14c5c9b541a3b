"""The Spark engine's executor-side pieces against the local engine's, without Spark jobs.

These run without pyspark and Java (``tests/test_spark.py``, which needs both, has the rest): the
id renaming by family, the byte-range JSONL reader, stages 1 and 3 as the tasks call them, and
the LSH band keys against datasketch's ``MinHashLSH``. The texts are invented for these tests.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
from builders import BODY

from cleaner.api import Cleaner, Stages
from cleaner.dedup.boilerplate import BoilerplateIndex
from cleaner.document import Document
from cleaner.pipeline import CleaningSetup
from cleaner.readers import ReadOptions, SourceFile, read_bounded_line, read_jsonl, read_text_file
from cleaner.records import Reason, Reject, output_record
from cleaner.spark import tasks
from cleaner.spark.engine import settings_for
from cleaner.stages import Cleaned, clean_one

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# The vocabulary of the LSH corpus: the words of the suite's body paragraphs; edits bring in others.
WORDS = sorted({word for paragraph in BODY for word in paragraph.split()})
EDITS = ("harbour", "ferry", "storm", "delayed", "approved", "rejected", "quietly")


def test_renaming_by_family_replays_the_local_engines_sequence() -> None:
    rng = random.Random(11)
    for _ in range(200):
        ids = [rng.choice(["a", "a#2", "a#3", "b", "a#2#2", "c#x"]) for _ in range(rng.randrange(1, 12))]
        items = [Reject(i, "s", Reason.EMPTY) for i in ids]
        expected = [item.id for item in Stages(Cleaner(dedup=False)).unique_ids(items)]
        renamed: dict[int, str] = {}
        for family in {tasks.id_family(i) for i in ids}:
            members = [(p, i) for p, i in enumerate(ids) if tasks.id_family(i) == family]
            renamed.update((p, new) for p, new, _ in tasks.rename_family(members))
        assert [renamed.get(p, i) for p, i in enumerate(ids)] == expected, ids


def test_byte_range_reading_equals_the_jsonl_reader(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        b'\xef\xbb\xbf{"id": "first", "text": "Body one."}',
        b"",
        b"   ",
        b'{"id": 1, "text": "two"}\r',
        b"{bad",
        b'{"text": "caf\xe9"}',
        b"[1, 2]",
        b'{"id": "t", "text": 5}',
        b'{"text": "no id here"}',
    ]
    path.write_bytes(b"\n".join(lines) + b'\n{"id": "last", "text": "no newline at the end"}')
    assert_byte_ranges_read_as_the_jsonl_reader(path, ReadOptions())


def test_byte_range_reading_rejects_too_large_lines_as_the_jsonl_reader_does(tmp_path: Path) -> None:
    path = tmp_path / "large.jsonl"
    long_text = "The harbour plan was approved. " * 8
    lines = [
        b'\xef\xbb\xbf{"id": "bom", "text": "Body."}',  # 34 bytes with its mark and newline, 31 without
        json.dumps({"id": "long", "text": long_text}).encode(),
        b'{"id": "fits", "text": "Body two."}',
        b"{" + b" " * 300 + b"}",
        json.dumps({"id": "last-long", "text": long_text}).encode(),  # no newline at the end
    ]
    path.write_bytes(b"\n".join(lines))
    for limit in (31, 32, 33, 34, 100):
        options = ReadOptions(max_doc_bytes=limit)
        got = assert_byte_ranges_read_as_the_jsonl_reader(path, options)
        assert ("large.jsonl:2", "large.jsonl", Reason.TOO_LARGE) in got
        assert ("large.jsonl:5", "large.jsonl", Reason.TOO_LARGE) in got


def assert_byte_ranges_read_as_the_jsonl_reader(
    path: Path, options: ReadOptions
) -> list[tuple[str, str, object]]:
    """Read ``path`` whole with read_jsonl and in byte ranges of many sizes with read_chunk: the
    same items, rejects with the same details (a too-large line's size included)."""

    def key(item: Document | Reject) -> tuple[str, str, object, object]:
        return item.id, item.source, getattr(item, "reason", None), getattr(item, "detail", None)

    expected = [key(i) for i in read_jsonl(SourceFile(path, path.name), options)]
    size = path.stat().st_size
    for split in (1, 2, 7, 16, 40, size, size + 5):
        got = []
        newlines = 0
        for start in range(0, size, split):
            end = start + split if start + split < size else 1 << 62
            for _, item in tasks.read_chunk(str(path), path.name, start, end, 1 + newlines, options):
                got.append(key(item))
            newlines += tasks.count_newlines(str(path), start, start + split)
        assert got == expected, split
    return [k[:3] for k in expected]


class MeasuredStream(io.BytesIO):
    """A byte stream that remembers the most bytes one read returned."""

    most = 0

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.most = max(self.most, len(line))
        return line


def test_a_huge_line_is_measured_without_being_held_whole() -> None:
    huge = b'{"id": "huge", "text": "' + b"x" * (3 << 20) + b'"}\n'
    stream = MeasuredStream(huge + b'{"id": "next"}\n')
    raw, size = read_bounded_line(stream, 1000)
    assert (len(raw), size) == (1001, len(huge))
    assert stream.most <= 1 << 20  # the rest was read past a block at a time
    assert read_bounded_line(stream, 1000) == (b'{"id": "next"}\n', 15)
    assert read_bounded_line(stream, 1000) == (b"", 0)


def test_stage_one_and_stage_three_are_the_local_functions() -> None:
    settings = tasks.Settings(rules=CleaningSetup.from_options().rules)
    name = "004_derby-late-winner.txt"
    row = tasks.stage_one_row(0, read_text_file(SourceFile(SEEDS / name, name)), None, settings)
    assert row[3] is True and row[5] is not None and len(row[6]) == row[7] * 64 * 4
    nothing = tasks.Finishing(BoilerplateIndex())
    result, _, _ = tasks.finish(row[-1], row[6], "004#2", name[:-4], None, None, settings, nothing)
    local = clean_one(read_text_file(SourceFile(SEEDS / name, name)), CleaningSetup.from_options())
    assert isinstance(result, Cleaned) and isinstance(local, Cleaned)
    local.doc.id = "004#2"
    local.doc.notes.append("duplicate id '004_derby-late-winner', renamed '004#2'")
    assert output_record(result.doc, result.lang) == output_record(local.doc, local.lang)


def lsh_corpus(seed: int = 5) -> list[np.ndarray]:
    """Document signatures of invented texts, with near-copies at several distances."""
    from cleaner.dedup.minhash import DOCUMENT_SKETCH, signature

    rng = random.Random(seed)
    sigs = []
    for _ in range(40):
        words = [rng.choice(WORDS) for _ in range(80)]
        sigs.append(signature(" ".join(words), DOCUMENT_SKETCH))
        for changes in (2, 8, 20):
            edited = list(words)
            for _ in range(changes):
                edited[rng.randrange(len(edited))] = rng.choice(EDITS)
            sigs.append(signature(" ".join(edited), DOCUMENT_SKETCH))
    return sigs


def test_band_keys_pair_exactly_what_minhashlsh_pairs() -> None:
    from datasketch import MinHash

    from cleaner.dedup.documents import document_lsh
    from cleaner.dedup.minhash import DOCUMENT_SKETCH

    def to_minhash(sig: np.ndarray) -> MinHash:
        return MinHash(num_perm=len(sig), hashvalues=sig, scheme=DOCUMENT_SKETCH.scheme)

    from datasketch import MinHashLSH

    from cleaner.dedup.documents import LSH_WEIGHTS

    sigs = lsh_corpus()
    settings = settings_for(Cleaner())
    lsh = MinHashLSH(threshold=0.8, num_perm=128, weights=LSH_WEIGHTS)
    assert (lsh.b, lsh.r) == (document_lsh(0.8, 128).b, document_lsh(0.8, 128).r)
    for number, sig in enumerate(sigs):
        lsh.insert(number, to_minhash(sig))
    expected = {(a, b) for a, sig in enumerate(sigs) for b in lsh.query(to_minhash(sig)) if a < b}
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for position, sig in enumerate(sigs):
        raw = np.asarray(sig, dtype=tasks.SIG_DTYPE).tobytes()
        for band, key, at in tasks.band_rows(position, raw, settings.bands):
            buckets.setdefault((band, key), []).append(at)
    got = {pair for members in buckets.values() for pair in tasks.bucket_pairs(members)}
    assert got == expected and len(expected) > 40

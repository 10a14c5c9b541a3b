"""Speed, side by side on the same documents: the naive loop, cleaner, and datatrove's dedup.

Run by hand, never in the test suite (datatrove is installed in the bench environment only):

    python -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install -e . datatrove tokenizers orjson spacy "xxhash<4"
    /tmp/benchvenv/bin/python bench/bench_speed.py --documents 5000

Each variant runs in its own process, so each peak RSS is its own (``ru_maxrss`` of the
process and of its worker processes). (a), (b) and (c) run in turn, ``--rounds`` times, and each
figure is the median of its rounds: on a shared machine a neighbour's burst then costs every
variant alike instead of one. (a) is timed from its first document (its imports excluded);
(b) and (c) are whole ``cleaner run`` processes, start-up included:

(a) the naive loop a user would write: ``ftfy.fix_text``, ``langdetect.detect`` on the whole
    text, a datasketch ``MinHash`` per paragraph with its default hash, in one Python loop;
(b) ``cleaner run --jobs 1`` and (c) ``cleaner run --jobs 2``;
(f) the floor: only the parts no cleaner can skip, done cleaner's way in one loop (JSON in and
    out, ftfy on non-ASCII lines, language, paragraph and document signatures), timed like (a);
(d) duplicate-document detection alone: cleaner's signatures + ``DocumentIndex.decide`` against
    datatrove's MinHash deduplication (signature, buckets, cluster) with the same number of
    hashes and the same bands, datatrove's text normalisation set to what cleaner's shingles do
    (case-folded, punctuation dropped; numbers and accents kept), and the duplicates each finds
    next to the exact answer: the documents that an earlier one (or a chain of them) matches at
    exact Jaccard >= 0.8 over the same 3-word shingles;
(e) language identification: cleaner's ``detect_language`` against ``langdetect.detect`` on
    whole texts, speed and agreement, on ../shared/corpus when it is there.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "corpus"


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def variant_naive(path: Path) -> dict[str, float]:
    import ftfy
    import langdetect
    from datasketch import MinHash

    langdetect.DetectorFactory.seed = 0
    docs = 0
    start = time.perf_counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = ftfy.fix_text(json.loads(line)["text"])
            with contextlib.suppress(langdetect.LangDetectException):
                langdetect.detect(text)
            for para in text.split("\n"):
                words = para.lower().split()
                if not words:
                    continue
                m = MinHash(num_perm=128)
                for i in range(max(1, len(words) - 2)):
                    m.update(" ".join(words[i : i + 3]).encode())
            docs += 1
    return {"docs": docs, "seconds": time.perf_counter() - start}


def variant_floor(path: Path) -> dict[str, float]:
    """The unavoidable parts alone, the way cleaner does them, in one loop: JSON in and out,
    ftfy on the lines it could change, language, the paragraph and document signatures."""
    import ftfy

    from cleaner.dedup.repeats import document_signature, paragraph_signatures_of
    from cleaner.language import detect_language, warm_up
    from cleaner.textfix import FTFY_CONFIG

    warm_up()
    config = FTFY_CONFIG._replace(explain=False)
    docs = 0
    start = time.perf_counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            lines = [p.strip() for p in record["text"].split("\n") if p.strip()]
            lines = [p if p.isascii() else ftfy.fix_text(p, config=config) for p in lines]
            lang = detect_language("\n\n".join(lines))
            paragraph_signatures_of(lines)
            document_signature(lines)
            json.dumps({"id": record["id"], "text": "\n\n".join(lines), "lang": lang.code})
            docs += 1
    return {"docs": docs, "seconds": time.perf_counter() - start}


def variant_cleaner(path: Path, jobs: int) -> dict[str, float]:
    out = Path(tempfile.mkdtemp()) / "out.jsonl"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cleaner", "run", str(path), str(out), "-q", "-j", str(jobs)], check=True
    )
    seconds = time.perf_counter() - start
    docs = sum(1 for _ in path.open(encoding="utf-8"))
    return {"docs": docs, "seconds": seconds, "output": str(out)}


def groups(ids: list[str], pairs: Iterable[tuple[int, int]]) -> list[list[str]]:
    """The connected components of ``pairs`` (document numbers) with two or more members, as
    sorted id lists: one group per story, whichever member a tool keeps."""
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[str]] = {}
    for i in range(len(ids)):
        members.setdefault(find(i), []).append(ids[i])
    return sorted(sorted(m) for m in members.values() if len(m) > 1)


def variant_dedup_cleaner(path: Path) -> dict[str, object]:
    from cleaner.dedup.documents import DocumentIndex
    from cleaner.dedup.minhash import DOCUMENT_SKETCH, signature

    start = time.perf_counter()
    index = DocumentIndex()
    ids = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            record = json.loads(line)
            ids.append(record["id"])
            index.add(record["id"], n, signature(record["text"], DOCUMENT_SKETCH))
    duplicates = index.decide()
    seconds = time.perf_counter() - start
    return {
        "docs": len(ids),
        "seconds": seconds,
        "duplicates": sorted(ids[p] for p in duplicates),
        "groups": groups(ids, index.verified_pairs()),
    }


def variant_dedup_datatrove(path: Path, bands: int, rows: int) -> dict[str, object]:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.text import TextNormConfig

    work = Path(tempfile.mkdtemp())
    config = MinhashConfig(
        n_grams=3,
        num_buckets=bands,
        hashes_per_bucket=rows,
        # datatrove's default 64-bit hashing: with precision=32 it paired dozens of unrelated
        # documents (Jaccard < 0.2) per 5,000 here
        hash_config=HashConfig(precision=64),
        # cleaner's shingles: case-folded words, punctuation dropped, numbers and accents kept
        norm_config=TextNormConfig(norm_numbers=False, norm_unicode_diacritics=False),
    )
    start = time.perf_counter()
    common = {"tasks": 1, "workers": 1, "skip_completed": False}
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(path.parent), glob_pattern=path.name, id_key="id"),
            MinhashDedupSignature(output_folder=str(work / "sigs"), config=config),
        ],
        logging_dir=str(work / "logs1"),
        **common,
    ).run()
    LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"), config=config)],
        logging_dir=str(work / "logs2"),
        tasks=bands,
        workers=1,
        skip_completed=False,
    ).run()
    LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(str(work / "buckets"), str(work / "remove"), config=config)],
        logging_dir=str(work / "logs3"),
        **common,
    ).run()
    seconds = time.perf_counter() - start
    import struct

    removed: set[int] = set()
    for f in (work / "remove").glob("*.remove"):
        data = f.read_bytes()
        removed.update(struct.unpack(f"<{len(data) // 4}I", data))
    ids = [json.loads(line)["id"] for line in path.open(encoding="utf-8")]
    pairs = []  # the buckets stage's matches: (file, doc, file, doc), one input file here
    for f in (work / "buckets").glob("*.dups"):
        data = f.read_bytes()
        values = struct.unpack(f"<{len(data) // 4}I", data)
        pairs += [(values[i + 1], values[i + 3]) for i in range(0, len(values), 4)]
    return {
        "docs": len(ids),
        "seconds": seconds,
        "duplicates": sorted(ids[i] for i in removed),
        "groups": groups(ids, pairs),
    }


def variant_dedup_exact(path: Path, threshold: float = 0.8) -> dict[str, object]:
    """The exact answer: documents an earlier one matches, directly or through a chain, at exact
    Jaccard >= threshold over cleaner's 3-word shingles. Pairs are pre-selected by a 128-value
    MinHash estimate >= 0.6 (a pair at 0.8 estimates below 0.6 about once in 10**8)."""
    import numpy as np

    from cleaner.dedup.minhash import DOCUMENT_SKETCH, shingles, signatures

    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    ids = [r["id"] for r in records]
    sets = [shingles(r["text"], DOCUMENT_SKETCH.shingle_words) for r in records]
    sigs = signatures([r["text"] for r in records], DOCUMENT_SKETCH)
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    pairs: list[tuple[int, int]] = []
    for a in range(len(ids)):
        estimates = (sigs[a + 1 :] == sigs[a]).mean(axis=1)
        for b in (np.nonzero(estimates >= 0.6)[0] + a + 1).tolist():
            union = len(sets[a] | sets[b])
            if union and len(sets[a] & sets[b]) / union >= threshold:
                pairs.append((a, b))
                ra, rb = find(a), find(b)
                parent[max(ra, rb)] = min(ra, rb)
    duplicates = sorted(ids[i] for i in range(len(ids)) if find(i) != i)
    return {"docs": len(ids), "pairs": len(pairs), "duplicates": duplicates, "groups": groups(ids, pairs)}


def variant_language() -> dict[str, float]:
    import langdetect

    from cleaner.language import detect_language

    langdetect.DetectorFactory.seed = 0
    texts: list[str] = []
    for name in ("seedlike-dev/input", "wcxb-dev/readability", "wcxb-dev/fullpage"):
        with gzip.open(SHARED / f"{name}.jsonl.gz", "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f]
    start = time.perf_counter()
    reference = []
    for text in texts:
        try:
            reference.append(langdetect.detect(text))
        except langdetect.LangDetectException:
            reference.append("und")
    whole = time.perf_counter() - start
    start = time.perf_counter()
    ours = [detect_language(text).code for text in texts]
    fast = time.perf_counter() - start
    agree = sum(a == b for a, b in zip(reference, ours, strict=True)) / len(texts)
    return {"docs": len(texts), "langdetect_s": whole, "cleaner_s": fast, "agreement": agree}


def child(args: argparse.Namespace) -> None:
    path = Path(args.input)
    if args.variant == "naive":
        result: dict[str, object] = dict(variant_naive(path))
    elif args.variant == "floor":
        result = dict(variant_floor(path))
    elif args.variant.startswith("cleaner-j"):
        result = dict(variant_cleaner(path, int(args.variant.removeprefix("cleaner-j"))))
    elif args.variant == "dedup-cleaner":
        result = variant_dedup_cleaner(path)
    elif args.variant == "dedup-datatrove":
        from cleaner.dedup.documents import DOCUMENT_THRESHOLD, document_lsh

        lsh = document_lsh(DOCUMENT_THRESHOLD, 128)  # the bands cleaner's DocumentIndex uses
        result = variant_dedup_datatrove(path, lsh.b, lsh.r)
        result["bands"] = f"{lsh.b} bands x {lsh.r} rows"
    elif args.variant == "dedup-exact":
        result = variant_dedup_exact(path)
    else:
        result = dict(variant_language())
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def run_child(variant: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--variant", variant, "--input", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def compare_dedup(path: Path) -> None:
    ours, theirs = run_child("dedup-cleaner", path), run_child("dedup-datatrove", path)
    exact = run_child("dedup-exact", path)
    truth = set(exact["duplicates"])
    print(f"  {theirs['bands']}; exact answer: {len(truth)} duplicates ({exact['pairs']} pairs >= 0.8)")
    found = {}
    for name, r in (("cleaner", ours), ("datatrove", theirs)):
        found[name] = got = set(r["duplicates"])
        print(
            f"  {name:9} {float(r['seconds']):7.1f} s, {len(got)} duplicates"
            f" ({len(got & truth)} of the exact answer's, {len(got - truth)} outside it),"
            f" peak RSS {float(r['peak_rss_mb']):.0f} MB"
        )
    a, b = found["cleaner"], found["datatrove"]
    print(f"  same duplicates: {a == b} (only cleaner: {sorted(a - b)}, only datatrove: {sorted(b - a)})")
    # The same pairs, up to transitivity: the same groups of documents that are one story.
    exact_groups = {tuple(g) for g in exact["groups"]}
    for name, r in (("cleaner", ours), ("datatrove", theirs)):
        got = {tuple(g) for g in r["groups"]}
        print(
            f"  {name:9} groups: {len(got)}, the same as the exact answer's: {len(got & exact_groups)}"
            f" of {len(exact_groups)}; others: {sorted(got - exact_groups)}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=5000)
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--input", help="use this JSONL file instead of generating one")
    ap.add_argument(
        "--skip", default="", help="comma-separated: naive, floor, cleaner-j1, cleaner-j2, dedup, language"
    )
    ap.add_argument("--rounds", type=int, default=3, help="runs of (a), (b), (c), in turn; medians reported")
    args = ap.parse_args()
    if args.variant:
        child(args)
        return
    path = Path(args.input) if args.input else Path(tempfile.mkdtemp()) / "news.jsonl"
    if not args.input:
        with path.open("w", encoding="utf-8") as f:
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(args.documents)], stdout=f, check=True
            )
    size_mb = path.stat().st_size / 2**20
    print(f"input: {path} ({size_mb:.1f} MB), {os.cpu_count()} cores")
    skip = set(args.skip.split(","))
    speed = [v for v in ("naive", "floor", "cleaner-j1", "cleaner-j2") if v not in skip]
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in speed}
    for _ in range(args.rounds):
        for variant in speed:  # in turn, so a slow spell of the machine is shared
            runs[variant].append(run_child(variant, path))
    seconds = {v: statistics.median(float(r["seconds"]) for r in rs) for v, rs in runs.items()}
    for variant, rs in runs.items():
        docs, secs = float(rs[0]["docs"]), seconds[variant]
        spread = ", ".join(f"{float(r['seconds']):.1f}" for r in rs)
        peak = max(float(r["peak_rss_mb"]) for r in rs)
        print(
            f"{variant:12} {docs / secs:9.1f} docs/s {size_mb / secs:7.2f} MB/s  peak RSS {peak:7.0f} MB"
            f"  (median of {len(rs)}: {spread} s)"
        )
    if "naive" in seconds and "cleaner-j1" in seconds:
        print(f"cleaner --jobs 1 vs naive: {seconds['naive'] / seconds['cleaner-j1']:.2f}x")
    if "cleaner-j1" in seconds and "cleaner-j2" in seconds:
        outputs = {Path(str(r["output"])).read_bytes() for v in ("cleaner-j1", "cleaner-j2") for r in runs[v]}
        print(
            f"cleaner --jobs 2 vs --jobs 1: {seconds['cleaner-j1'] / seconds['cleaner-j2']:.2f}x,"
            f" outputs identical: {len(outputs) == 1}"
        )
    if "dedup" not in skip:
        print(f"dedup on the documents as given ({path.name}):")
        compare_dedup(path)
        # What cleaner's dedup sees inside a run: the text after the passes (captions, junk and
        # repeated headlines gone). Both detectors get the same cleaned documents.
        cleaned = path.with_name(path.stem + ".cleaned.jsonl")
        subprocess.run(
            [sys.executable, "-m", "cleaner", "run", str(path), str(cleaned), "--no-dedup", "-q"], check=True
        )
        print(f"dedup on the same documents after cleaner's passes (cleaner run --no-dedup: {cleaned.name}):")
        compare_dedup(cleaned)
    if "language" not in skip and SHARED.exists():
        r = run_child("language", path)
        speedup = float(r["langdetect_s"]) / float(r["cleaner_s"])
        print(
            f"language: {r['docs']} corpus documents, {speedup:.1f}x faster than langdetect.detect on whole"
            f" texts, same label on {float(r['agreement']):.2%}"
        )


if __name__ == "__main__":
    main()

"""``--state DIR``: the deduplication index kept between runs.

Tomorrow's batch is checked against the documents kept today and cleaned of the boilerplate
and the caption templates found so far.
Signatures are only comparable under the same sketch settings, so the settings
are stored beside them and a run with other settings stops instead of mixing sketches.

A run holds the folder's lock (``flock`` on ``DIR/.lock``) from loading the state to saving it:
a second run started meanwhile waits for the first to finish and then builds on its state, so
neither loses the other's documents. A folder that is not a complete state (files but no
``settings.json``, or a missing or unreadable part) is refused, naming the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.atomic import atomic_open, write_atomic
from cleaner.captions.templates import CaptionTemplates
from cleaner.dedup.boilerplate import BANDS, ROWS, BoilerplateIndex
from cleaner.dedup.documents import DocumentIndex
from cleaner.dedup.minhash import DOCUMENT_SKETCH, PARAGRAPH_SKETCH

# 2: caption templates (captions.json) beside the boilerplate. 3: document signatures made from
# their paragraphs' shingle hashes (one tokenisation per document; the values are version 2's,
# which the tests check, but a state is read only by the code of its own format). A state of
# another version is refused, naming its settings file: what differs would silently change the
# answer.
STATE_VERSION = 3
LOCK = ".lock"
STATE_FILES = ("documents.npz", "boilerplate.npz", "captions.json")


class StateError(Exception):
    """The state directory cannot be used with this run's settings."""


def state_settings(doc_threshold: float, boilerplate_threshold: float) -> dict[str, Any]:
    return {
        "state_version": STATE_VERSION,
        "paragraph_sketch": PARAGRAPH_SKETCH.to_json(),
        "document_sketch": DOCUMENT_SKETCH.to_json(),
        "paragraph_bands": [BANDS, ROWS],
        "document_threshold": doc_threshold,
        "boilerplate_threshold": boilerplate_threshold,
    }


def load_state(
    directory: Path,
    documents: DocumentIndex,
    boilerplate: BoilerplateIndex,
    settings: dict[str, Any],
    templates: CaptionTemplates | None = None,
) -> int:
    """Load a state directory into ``documents`` (before this run's, in order), ``boilerplate``
    and ``templates``."""
    meta = directory / "settings.json"
    if not meta.exists():
        others = sorted(p.name for p in directory.iterdir() if p.name != LOCK) if directory.is_dir() else []
        if others:
            found = ", ".join(others[:3])
            raise StateError(
                f"{directory}: not a complete cleaner state (no settings.json beside {found}); "
                "give an empty or new folder, or the state folder of an earlier run"
            )
        return 0
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StateError(f"{meta}: unreadable state settings: {e}") from e
    version = stored.get("state_version") if isinstance(stored, dict) else None
    if version != settings["state_version"]:
        raise StateError(
            f"{meta}: state format version {version}, but this cleaner reads version "
            f"{settings['state_version']} only; start a new --state directory (an older state cannot "
            "be converted: its documents must be read again)"
        )
    for name in STATE_FILES:
        if not (directory / name).is_file():
            raise StateError(f"{directory / name}: missing from the state folder (an incomplete state)")
    if stored != settings:
        changed = sorted(k for k in settings.keys() | stored.keys() if settings.get(k) != stored.get(k))
        raise StateError(
            f"{directory}: state was built with other settings ({', '.join(changed)} differ); "
            "use a new --state directory or the settings it was built with"
        )
    with (
        _corrupt_names(directory / "documents.npz"),
        np.load(directory / "documents.npz", allow_pickle=False) as data,
    ):
        count = len(data["ids"])
        for n, (doc_id, sig) in enumerate(zip(data["ids"].tolist(), data["sigs"], strict=True)):
            documents.add(str(doc_id), n - count, sig)
    with (
        _corrupt_names(directory / "boilerplate.npz"),
        np.load(directory / "boilerplate.npz", allow_pickle=False) as data,
    ):
        for group, sig, docs in zip(
            data["groups"].tolist(), data["sigs"], data["docs"].tolist(), strict=True
        ):
            boilerplate.add(str(group), sig, int(docs))
    if templates is not None:
        with _corrupt_names(directory / "captions.json"):
            stored_templates = json.loads((directory / "captions.json").read_text("utf-8"))
            if not isinstance(stored_templates, dict):
                raise ValueError("not a JSON object")
            templates.merge(CaptionTemplates.from_json(stored_templates))
    return count


@contextlib.contextmanager
def _corrupt_names(path: Path) -> Iterator[None]:
    """A state file that cannot be read is a :class:`StateError` naming it."""
    try:
        yield
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise StateError(f"{path}: corrupt state file ({type(e).__name__}: {e})") from e


@contextlib.contextmanager
def state_lock(directory: Path, notify: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """Hold the state folder's lock (created with the folder if missing) while the block runs.

    Another run holding it is waited for (``notify`` is told, once): the state it saves is the
    one this run must load. The lock is ``flock``, released by the kernel when a run dies.
    """
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            notify(f"--state {directory} is in use by another run (pid {holder}); waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # (closing releases the lock)


def save_state(
    directory: Path,
    documents: DocumentIndex,
    duplicates: set[int],
    boilerplate: BoilerplateIndex,
    settings: dict[str, Any],
    templates: CaptionTemplates | None = None,
) -> None:
    """Write the kept documents, the boilerplate and the caption templates, file by file
    (written beside, renamed over; settings last)."""
    directory.mkdir(parents=True, exist_ok=True)
    kept = [i for i, position in enumerate(documents.positions) if position not in duplicates]
    ids = [documents.ids[i] for i in kept]
    doc_sigs = documents.signatures(np.array(kept, dtype=np.int64))
    groups = [g for g, sigs in sorted(boilerplate.reps.items()) for _ in range(len(sigs))]
    bp_sigs = [s for _, sigs in sorted(boilerplate.reps.items()) for s in sigs]
    bp_docs = [d for g, _ in sorted(boilerplate.reps.items()) for d in boilerplate.doc_counts[g]]
    _atomic_npz(directory / "documents.npz", ids=np.array(ids, dtype=str), sigs=doc_sigs)
    _atomic_npz(
        directory / "boilerplate.npz",
        groups=np.array(groups, dtype=str),
        sigs=np.stack(bp_sigs) if bp_sigs else np.zeros((0, PARAGRAPH_SKETCH.num_perm), np.uint32),
        docs=np.array(bp_docs, dtype=np.int64),
    )
    captions = json.dumps((templates or CaptionTemplates()).to_json(), indent=1)
    write_atomic(directory / "captions.json", captions + "\n")
    write_atomic(directory / "settings.json", json.dumps(settings, indent=2, sort_keys=True) + "\n")


def _atomic_npz(path: Path, **arrays: np.ndarray) -> None:
    with atomic_open(path, binary=True) as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]

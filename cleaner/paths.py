"""The output paths of a run, checked before any input is read.

A run writes DEST, and maybe the rejects, the stats, a report and a state folder. Each must be
writable where it is (its folder exists, is a folder, can be written), no two may be one file,
and none may be an input: DEST equal to a SOURCE file would replace the input with its own
cleaning, and an output inside a SOURCE folder is read back as input by the next run. All of
that is known before the first document is read, so it is said then, in one line, instead of
after an hour of work (or never, with data lost).

Reading cleaner's own output again is allowed (cleaning it again changes nothing), but it is
usually a mistake: ``cleaner run seeds/ out.jsonl rejects.jsonl`` forgot ``--rejects``, reads
yesterday's out.jsonl as input and replaces rejects.jsonl with output. :func:`earlier_outputs`
finds such sources so the run can say so loudly.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.readers import JSONL_SUFFIXES, TEXT_SUFFIXES
from cleaner.records import Reason

STDIO = "-"
# The keys only cleaner's own lines carry: an output record, a reject line.
_OUTPUT_KEYS = frozenset({"removed", "lang_prob", "captions"})
_REJECT_KEYS = frozenset({"reason", "detail", "source"})
REASONS = frozenset(reason.value for reason in Reason)


class PathError(ValueError):
    """An output path that cannot be used (the message is one line, naming the path)."""


@dataclass(frozen=True)
class Output:
    """One path a run writes: what it is (``DEST``, ``--rejects``...), whether it is a folder,
    and whether what it holds is input a walk would read (shards are; a state folder is not)."""

    role: str
    path: str
    folder: bool = False
    holds_input: bool = True


def _resolved(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _reads_as_input(path: Path, output: Output) -> bool:
    """Whether a walk of a folder containing ``path`` would read it (or what it holds)."""
    if output.folder:
        return output.holds_input
    return path.name.endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_writable(output: Output) -> None:
    path = Path(output.path)
    if path.is_dir() and not output.folder:
        raise PathError(f"{output.role} {output.path} is a folder; it must be a file")
    if path.exists() and output.folder and not path.is_dir():
        raise PathError(f"{output.role} {output.path} is a file; it must be a folder")
    # A file is written beside itself and renamed over: its folder must exist and be writable.
    # A folder is created with its parents: the nearest existing one must be writable.
    parent = path if output.folder and path.is_dir() else path.parent
    if output.folder:
        parent = _existing_ancestor(parent)
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a folder"
        raise PathError(f"{output.role} {output.path}: the folder {parent} {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PathError(f"{output.role} {output.path}: the folder {parent} is not writable")


def check_outputs(sources: Iterable[str], outputs: Iterable[Output]) -> None:
    """Refuse (:class:`PathError`) an output that cannot be written, two outputs that are one
    file, or an output that is an input or would be read as one (see the module docstring)."""
    files = [o for o in outputs if o.path != STDIO]
    to_stdout = [o.role for o in outputs if o.path == STDIO]
    if len(to_stdout) > 1:
        raise PathError(f"{' and '.join(to_stdout)} both write to standard output; give one a file")
    for output in files:
        _check_writable(output)
    seen: dict[Path, Output] = {}
    for output in files:
        resolved = _resolved(output.path)
        for other_path, other in seen.items():
            if resolved == other_path or (
                (output.folder and _is_within(other_path, resolved))
                or (other.folder and _is_within(resolved, other_path))
            ):
                raise PathError(f"{output.role} and {other.role} are the same path: {output.path}")
        seen[resolved] = output
    named = [(source, _resolved(source)) for source in sources if source != STDIO]
    for _, src in named:  # the same file first: the plainest way to lose data
        for output in files:
            if _resolved(output.path) == src:
                raise PathError(f"{output.role} {output.path} is also a SOURCE: it would replace its input")
    for source, src in named:
        src_is_folder = Path(source).is_dir()
        for output in files:
            out = _resolved(output.path)
            if output.folder and _is_within(src, out):
                raise PathError(f"SOURCE {source} is inside {output.role} {output.path}")
            if src_is_folder and _is_within(out, src) and _reads_as_input(out, output):
                where = f"{output.role} {output.path} is inside SOURCE {source}"
                raise PathError(f"{where}: the next run would read it as input")


def _first_record(path: Path) -> dict[str, object] | None:
    try:
        with path.open("rb") as raw:
            stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == b"\x1f\x8b" else raw
            line = stream.readline(1 << 20)
        record = json.loads(line)
    except (OSError, EOFError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def looks_like_earlier_output(path: Path) -> str | None:
    """``"output"`` or ``"rejects"`` when the first line of a JSONL file is one cleaner wrote."""
    if not path.name.endswith(JSONL_SUFFIXES) or not path.is_file():
        return None
    record = _first_record(path)
    if record is None:
        return None
    if record.keys() >= _OUTPUT_KEYS and isinstance(record.get("removed"), list):
        return "output"
    if record.keys() >= _REJECT_KEYS and record.get("reason") in REASONS and "removed" not in record:
        return "rejects"
    return None


def earlier_outputs(sources: Iterable[str], destination: str | None) -> Iterator[str]:
    """Warnings for files named on the command line that cleaner itself wrote: a SOURCE that is
    an earlier output or rejects file, a DEST holding rejects (``--rejects`` forgotten?)."""
    for source in sources:
        if source != STDIO and (kind := looks_like_earlier_output(Path(source))) is not None:
            yield (
                f"warning: SOURCE {source} is cleaner's own {kind} from an earlier run "
                "(its records carry cleaner's fields); is --rejects or DEST missing?"
            )
    if destination not in (None, STDIO) and looks_like_earlier_output(Path(str(destination))) == "rejects":
        yield f"warning: DEST {destination} holds cleaner's rejects from an earlier run; replacing it"

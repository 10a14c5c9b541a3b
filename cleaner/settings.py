"""The exact settings of a run, written with its counts (``--stats``) and shown in its report.

Two runs with the same settings on the same input give the same bytes (docs/design.md), so the
settings are what a reviewer needs to trust a run and to make it again: the rules in force (as a
digest of what decides, not of file names: the defaults differ between versions), the thresholds
and modes, and the versions of cleaner and of the libraries whose behaviour is part of the output
(ftfy's repairs, datasketch's permutations, langdetect's profiles). ``options`` spells the
settings as the command-line options that re-create the run with ``cleaner run`` or
``cleaner diff SOURCE``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.options import DedupOptions, RunOptions
from cleaner.passes.content import DEFAULT_CONTENT_MODE
from cleaner.readers import ReadOptions
from cleaner.rules import Rule, RuleSet

# Libraries whose behaviour is part of the output.
LIBRARIES = ("ftfy", "datasketch", "langdetect", "regex", "xxhash", "numpy")
# Rule fields that do not decide anything: documentation, the rule's own test examples, where it
# was read from, and whether a user's file touched it (which only sets how it is matched: a
# user's rule under a time limit, a shipped one in its group's combined pattern; same answers).
_UNDECIDING = {"description", "remove", "keep", "example_prints", "origin", "shipped"}


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if hasattr(value, "pattern") and hasattr(value, "flags"):  # a compiled pattern
        return {"pattern": value.pattern, "flags": int(value.flags)}
    return value


def _rule_data(rule: Rule) -> dict[str, Any]:
    return {
        f.name: _canonical(getattr(rule, f.name))
        for f in dataclasses.fields(rule)
        if f.name not in _UNDECIDING
    }


def rules_digest(rules: RuleSet) -> str:
    """SHA-256 of every rule's deciding fields (id, pass, placement, phrases, pattern, switches).

    The same for the same rules however they were spread over files; another for any change that
    can change an output (a rule's examples or description are not part of it).
    """
    data = sorted((_rule_data(rule) for rule in rules), key=lambda r: str(r["id"]))
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def library_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def as_options(options: RunOptions) -> list[str]:
    """The command-line options (beyond SOURCE and DEST) that make a run with these settings.

    >>> as_options(RunOptions(sources=["a"], destination=None, languages=["en"]))
    ['--lang', 'en']
    """
    args: list[str] = []
    for path in options.rules:
        args += ["--rules", str(path)]
    if options.languages:
        args += ["--lang", ",".join(options.languages)]
    read, default_read = options.read, ReadOptions()
    for flag, value, default in (
        ("--text-field", read.text_field, default_read.text_field),
        ("--id-field", read.id_field, default_read.id_field),
        ("--title-field", read.title_field, default_read.title_field),
        ("--max-doc-bytes", read.max_doc_bytes, default_read.max_doc_bytes),
        ("--content", options.content, DEFAULT_CONTENT_MODE),
    ):
        if value != default:
            args += [flag, str(value)]
    dedup, default_dedup = options.dedup, DedupOptions()
    if not dedup.enabled:
        args.append("--no-dedup")
    for flag, number, default_number in (
        ("--dup-threshold", dedup.duplicate_threshold, default_dedup.duplicate_threshold),
        ("--boilerplate-min-docs", dedup.boilerplate_min_docs, default_dedup.boilerplate_min_docs),
        ("--boilerplate-min-share", dedup.boilerplate_min_share, default_dedup.boilerplate_min_share),
    ):
        if number != default_number:
            args += [flag, str(number)]
    return args  # (not --state: a run made with one depends on the state as it was before it)


def run_settings(options: RunOptions, rules: RuleSet, engine: str = "local") -> dict[str, Any]:
    """Everything that decides a run's output, as JSON (the ``settings`` of ``--stats``)."""
    dedup = options.dedup
    return {
        "cleaner": __version__,
        "python": platform.python_version(),
        "libraries": library_versions(),
        "engine": engine,
        "rules": {
            "digest": rules_digest(rules),
            "count": len(rules),
            "enabled": sum(1 for rule in rules if rule.enabled),
            "files": [str(path) for path in options.rules],
        },
        "languages": list(options.languages),
        "content": options.content,
        # Every field of the option classes, so a setting added to them is never left out.
        "read": _canonical(dataclasses.asdict(options.read)),
        "dedup": _canonical(dataclasses.asdict(dedup)),
        "state": str(options.state) if options.state is not None else None,
        "options": as_options(options),
    }

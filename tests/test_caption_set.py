"""The caption benchmark (``bench/caption_set.py``) through the command line: the figures issue 12
asks for hold, so a change that loses a credit family or moves prose shows here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from click.testing import CliRunner

from cleaner.cli import cli

BENCH = Path(__file__).resolve().parent.parent / "bench" / "caption_set.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("caption_set", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["caption_set"] = module
    spec.loader.exec_module(module)
    return module


def test_the_caption_benchmark_finds_the_captions_and_keeps_the_prose(tmp_path: Path) -> None:
    bench = load_bench()
    bench.build(tmp_path)
    result = CliRunner().invoke(
        cli, ["run", str(tmp_path / "input.jsonl"), str(tmp_path / "out.jsonl"), "-q"]
    )
    assert result.exit_code == 0, result.output
    figures = bench.score(tmp_path)
    assert len(bench.FORMATS) >= 40 and len(bench.PROSE) >= 30
    assert figures.recall >= 0.95, figures.missed
    assert figures.prose_kept == figures.prose, figures.prose_lost
    assert figures.body_lost == 0
    # Weak credits, no label, no known outlet: found by the site's template and by the repetition.
    assert figures.evidence == {"site": 8, "twice": 4}

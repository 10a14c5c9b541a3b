"""The content model: a small network over paragraph features, shipped as an npz file.

One hidden layer of ReLU units and a sigmoid output giving, for each paragraph, the probability
that it belongs to the article. It is plain arrays read with numpy (``allow_pickle=False``): no
machine-learning library at run time. The file also holds, as JSON, the feature names it was
trained on and what it was trained on (``training/train_content.py`` writes it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.content.features import FEATURE_NAMES

MODEL_PATH = Path(__file__).resolve().parent / "model.npz"
_ARRAYS = ("mean", "std", "w1", "b1", "w2", "b2")


class ModelError(ValueError):
    """A model file that does not fit this version's features."""


@dataclass(frozen=True)
class ContentModel:
    """Weights and the record of what they were trained on."""

    arrays: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> ContentModel:
        return cls({k: np.asarray(arrays[k], dtype=np.float32) for k in _ARRAYS}, meta)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(article) for each row of ``x`` (columns in :data:`FEATURE_NAMES` order)."""
        a = self.arrays
        z = (x.astype(np.float32) - a["mean"]) / a["std"]
        h = np.maximum(z @ a["w1"] + a["b1"], 0)
        logit = (h @ a["w2"] + a["b2"])[:, 0]
        out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))
        return out

    def save(self, path: Path) -> None:
        meta = json.dumps(self.meta, sort_keys=True)
        np.savez_compressed(path, meta=np.array(meta), **self.arrays)

    @classmethod
    def load(cls, path: Path | None = None) -> ContentModel:
        source = path if path is not None else resources.files("cleaner.content").joinpath("model.npz")
        with source.open("rb") as f, np.load(f, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {k: np.array(data[k]) for k in _ARRAYS}
        if tuple(meta.get("features", ())) != FEATURE_NAMES:
            raise ModelError(f"{source}: trained on other features than this cleaner computes")
        return cls(arrays, meta)


@cache
def shipped_model() -> ContentModel:
    """The model in the package, loaded once per process."""
    return ContentModel.load()

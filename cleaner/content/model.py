"""The content model: two small networks over paragraph features, shipped as an npz file.

Stage 1 scores each paragraph from its own features and its neighbours'
(:data:`~cleaner.content.features.FEATURE_NAMES`). Stage 2 sees the same features plus the
stage-1 scores around the paragraph and its place relative to the main block those scores
outline (:data:`~cleaner.content.features.CONTEXT_FEATURES`): a short line amid confident
article text is a subheading, a long one amid navigation is a teaser. Each stage is one hidden
layer of ReLU units and a sigmoid output giving P(article).

Plain arrays read with numpy (``allow_pickle=False``): no machine-learning library at run time.
The file also holds, as JSON, the feature names it was trained on and what it was trained on
(``bench/training/train_content.py`` writes it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.content.features import CONTEXT_FEATURES, FEATURE_NAMES, PageFeatures, context_features

MODEL_PATH = Path(__file__).resolve().parent / "model.npz"
NETWORK_ARRAYS = ("mean", "std", "w1", "b1", "w2", "b2")
STAGES = 2

Network = dict[str, np.ndarray]


class ModelError(ValueError):
    """A model file that does not fit this version's features."""


# Rows multiplied at once: small enough that OpenBLAS computes each product in the calling
# thread (it splits one over threads above 262,144 multiply-adds). A page's few hundred rows
# are no work for a second thread, whose start and idle spinning cost more CPU than the whole
# product (several times the content pass's model time on wcxb-dev), and the scores then no
# longer depend on how many cores the machine has.
ROWS_PER_PRODUCT = 64


def network_predict(net: Network, x: np.ndarray) -> np.ndarray:
    """P(article) for each row of ``x`` from one network."""
    z = (np.asarray(x, dtype=np.float32) - net["mean"]) / net["std"]  # no copy of a float32 matrix
    logit = np.zeros(len(z), dtype=np.float32)
    for start in range(0, len(z), ROWS_PER_PRODUCT):
        h = np.maximum(z[start : start + ROWS_PER_PRODUCT] @ net["w1"] + net["b1"], 0)
        logit[start : start + ROWS_PER_PRODUCT] = (h @ net["w2"] + net["b2"])[:, 0]
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))
    return out


@dataclass(frozen=True)
class ContentModel:
    """The two stages' weights and the record of what they were trained on."""

    stages: tuple[Network, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_arrays(cls, stages: list[dict[str, np.ndarray]], meta: dict[str, Any]) -> ContentModel:
        nets = tuple({k: np.asarray(s[k], dtype=np.float32) for k in NETWORK_ARRAYS} for s in stages)
        return cls(nets, meta)

    def predict(self, features: PageFeatures) -> np.ndarray:
        """P(article) for each paragraph of one document."""
        x = features.matrix
        scores = network_predict(self.stages[0], x)
        if len(self.stages) < 2 or not len(x):
            return scores
        context = context_features(scores, features.words, features.token_ids, features.token_lines)
        return network_predict(self.stages[1], np.hstack([x, context]))

    def save(self, path: Path) -> None:
        meta = json.dumps(self.meta, sort_keys=True)
        arrays: dict[str, Any] = {"meta": np.array(meta)}
        arrays.update({f"s{i}_{k}": net[k] for i, net in enumerate(self.stages) for k in NETWORK_ARRAYS})
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path | None = None) -> ContentModel:
        source = path if path is not None else resources.files("cleaner.content").joinpath("model.npz")
        with source.open("rb") as f, np.load(f, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            stages = [
                {k: np.array(data[f"s{i}_{k}"]) for k in NETWORK_ARRAYS}
                for i in range(STAGES)
                if f"s{i}_mean" in data
            ]
        expected = [*FEATURE_NAMES, *CONTEXT_FEATURES]
        if meta.get("features") != list(FEATURE_NAMES) or meta.get("context_features") != list(
            CONTEXT_FEATURES
        ):
            raise ModelError(f"{source}: trained on other features than this cleaner computes")
        if stages[-1]["mean"].shape[0] != len(expected) and len(stages) > 1:
            raise ModelError(f"{source}: stage 2 has {stages[-1]['mean'].shape[0]} inputs")
        return cls(tuple(stages), meta)


@cache
def shipped_model() -> ContentModel:
    """The model in the package, loaded once per process."""
    return ContentModel.load()

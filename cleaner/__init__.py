"""cleaner: boilerplate cleaning for scraped news text, every removal explained."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

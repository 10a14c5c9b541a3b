"""cleaner inside the pipelines people already run; each adapter is an optional extra.

- :mod:`cleaner.integrations.datatrove`: a datatrove ``PipelineStep`` (``pip install 'cleaner[datatrove]'``);
- :mod:`cleaner.integrations.datasets`: Hugging Face ``datasets`` helpers for ``Dataset.map``
  (``pip install 'cleaner[datasets]'``);
- :mod:`cleaner.integrations.pandas`: a ``text`` column cleaned into the record's columns
  (``pip install 'cleaner[pandas]'``);
- :mod:`cleaner.integrations.columns`: the record's columns, shared by the last two (no extra).

docs/adapters.md has a recipe for each.
"""

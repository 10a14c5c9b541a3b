"""cleaner as a datatrove pipeline step (``pip install 'cleaner[datatrove]'``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import CleanerStep

    LocalPipelineExecutor(
        [JsonlReader("scraped/"), CleanerStep(languages="en"), JsonlWriter("clean/")],
        tasks=8, logging_dir="logs/",
    ).run()

Each datatrove document goes in as a record: its ``metadata`` fields, its ``id`` and its
``text`` (so a ``url`` or ``source`` in the metadata groups its site's boilerplate, a ``title``
is the headline). A kept document comes out with the cleaned ``text`` and the record contract's
fields in its metadata (``title``, ``captions``, ``lang``, ``lang_prob``, ``removed``, ``notes``);
a rejected one is dropped. Duplicate documents and site boilerplate are decided across the
documents of one task (one rank's share of the input), with the stages of ``cleaner run``, so a
task holds its stage-1 results in a temporary file until its last document was read.

datatrove's stats count what happened: ``forwarded``, ``dropped`` and ``dropped_<reason>``
per document, ``removed_<rule id>`` per removal, ``chars_removed``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from datatrove.data import Document, DocumentsPipeline, Media
from datatrove.pipeline.base import PipelineStep

from cleaner.api import Cleaner
from cleaner.records import Reject

# The record's fields that go into a kept document's metadata (id and text are the document's).
METADATA_FIELDS = ("title", "captions", "lang", "lang_prob", "removed", "notes")


class CleanerStep(PipelineStep):  # type: ignore[misc]  # datatrove has no type information
    """Clean every document of the pipeline; drop the rejected ones, counting why.

    ``cleaner``: a configured :class:`cleaner.Cleaner`; otherwise ``options`` build one
    (``languages="en"``, ``dedup=False``, ``rules=[...]``: :class:`cleaner.Cleaner`'s arguments).
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, cleaner: Cleaner | None = None, **options: Any) -> None:
        super().__init__()
        self.cleaner = cleaner if cleaner is not None else Cleaner(**options)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        read = self.cleaner.read
        media: dict[int, list[Media]] = {}
        had_source: dict[int, bool] = {}

        def records() -> Iterator[dict[str, Any]]:
            for n, doc in enumerate(data):
                media[n] = doc.media
                had_source[n] = "source" in doc.metadata
                yield {**doc.metadata, read.id_field: doc.id, read.text_field: doc.text}

        results = self.cleaner.clean(records(), source=f"rank-{rank}")
        for n in itertools.count():
            with self.track_time():  # the cleaning happens while the next result is asked for
                result = next(results, None)
                if result is None:
                    return
                doc_media, had = media.pop(n), had_source.pop(n)
                if isinstance(result, Reject):
                    self.stat_update("dropped", f"dropped_{result.reason}")
                    continue
                for edit in result.removed:
                    self.stat_update(f"removed_{edit.rule}")
                self.stat_update("chars_removed", value=sum(len(edit.text) for edit in result.removed))
                record = result.to_dict()
                metadata = dict(result.fields)
                if had:
                    metadata["source"] = result.source
                metadata.update((key, record[key]) for key in METADATA_FIELDS if key in record)
                doc = Document(text=result.text, id=result.id, media=doc_media, metadata=metadata)
                self.stat_update("forwarded")
                self.update_doc_stats(doc)
            yield doc

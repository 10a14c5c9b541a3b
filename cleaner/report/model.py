"""What a report is made of: one item per input document, as the run decided it.

The item itself is a record of the run (:class:`cleaner.records.ReportItem`), built where the
record is rendered, so that the run knows nothing of reports; the report modules take it from here.
"""

from __future__ import annotations

from cleaner.records import ReportItem

__all__ = ["ReportItem"]

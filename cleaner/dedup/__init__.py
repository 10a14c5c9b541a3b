"""Near-duplicates with MinHash: repeated paragraphs, site boilerplate, duplicate documents.

The work is split the way a distributed engine would split it (see docs/design.md):

- per document, pure functions: shingles and signatures (:mod:`.minhash`), repeated paragraphs
  inside one document (:mod:`.repeats`), and the removal of known boilerplate (:mod:`.boilerplate`);
- global stages, each a grouping followed by a decision: which paragraphs are a site's
  boilerplate (grouped by source and band key, :func:`.boilerplate.find_boilerplate`) and which
  documents repeat an earlier one (:class:`.documents.DocumentIndex`); both find their LSH
  buckets with :func:`.buckets.shared_runs` (the rows that share a band key, without sorting
  every row by its columns).
"""

"""Review reports: what cleaner removed, per document and per rule, in the terminal and in HTML."""

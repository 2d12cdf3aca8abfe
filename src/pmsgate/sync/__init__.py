"""The sync engine: runs, pages, upserts, checkpoints, diffs."""

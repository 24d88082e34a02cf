"""assemble: per-person and per-unit bundles."""

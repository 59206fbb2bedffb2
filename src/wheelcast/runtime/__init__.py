"""Cross-cutting internals: lazy loading, workers, interrupts, read caps, witnesses, cache file."""

"""Core: errors and their source positions, options, interrupts, caches, packaged files."""
